"""The データ項目一覧表 of EUC ([1360]#3): each item's データ型, 桁数, 外字使用 and コード, taken from the
layout definitions of jichitai.layouts, never typed here.

An item takes its specification from the first layout that defines it: the 基本データリスト 住民基本台帳
(``kihon-1.0-jumin``, whose データ項目名称 the items carry, ../shared/docs/layouts.md table 3A), then the
中間標準レイアウト 住民基本（個人）情報 (``chukan-2.x-jumin-kojin``). 外字使用 is 有 for the text items:
they are the items a layout carries 外字 in (the layouts' decoder maps them through the 外字対応表);
codes, dates, numbers and flags never hold one. An item no layout defines (our own: 住所, 世帯員数,
交付履歴, アクセスログ …) is marked 独自項目 with its own type and no 桁数.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from jichitai.layouts import CodeTable, Layout, load_layout

LAYOUTS = ("kihon-1.0-jumin", "chukan-2.x-jumin-kojin")
# EUC key → the layouts' item key, where the two differ
LAYOUT_KEYS = {
    "latest": "latest_flag",
    "name": "full_name",
    "name_kana": "full_name_kana",
    "town": "town_name",
    "effective_date": "effective_on",
    "event_reported_on": "reported_on",
    "division": "entry_kind",
    "processed_at": "processed_on",
}
# items whose register value is not the layout's own: the EUC source's key is left out of the
# layout lookup (the item is ours) — 異動届出年月日 of the person is the last 届出, not a history item
# (記載等の種別 is held as the word 記載 / 消除 / 修正, not the layout's code)
OWN = frozenset({"reported_on", "division"})
TYPE_NAMES = {
    "text": "文字列",
    "code": "コード",
    "date": "日付",
    "wareki_date": "日付（和暦）",
    "partial_date": "日付（不詳あり）",
    "era": "元号",
    "flag": "フラグ",
    "number": "数値",
    "time": "時刻",
}
_OWN_TYPES = {"text": "text", "date": "date", "number": "number", "code": "code"}


@dataclass(frozen=True)
class ItemSpec:
    """One row of the データ項目一覧表."""

    key: str
    name: str  # データ項目名称
    type: str  # the layout's type (text, code, date …)
    length: int | None  # 桁数 (None: not fixed by a layout)
    unit: str  # 文字 / バイト / ""
    gaiji: bool  # 外字使用
    table: CodeTable | None  # コード
    layout: str  # the layout id it is taken from ("" for our own items)

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.type, self.type)

    @property
    def length_text(self) -> str:
        return f"{self.length}{self.unit}" if self.length else "―"

    @property
    def codes(self) -> tuple[tuple[str, str], ...]:
        return tuple((c.code, c.label or c.value) for c in self.table.codes) if self.table else ()


@cache
def layouts() -> tuple[Layout, ...]:
    return tuple(load_layout(name) for name in LAYOUTS)


def _from_layout(key: str, name: str) -> ItemSpec | None:
    if key in OWN:
        return None
    wanted = LAYOUT_KEYS.get(key, key)
    for layout in layouts():
        for it in layout.items:
            if it.key == wanted:
                table = layout.tables.get(it.codes) if it.codes else None
                unit = "バイト" if layout.format == "fixed" else "文字"
                return ItemSpec(
                    key, name, it.type, it.length or None, unit, it.type == "text", table, layout.id
                )
    return None


def spec_of(key: str, name: str, own_type: str) -> ItemSpec:
    """The specification of the item ``key`` named ``name``: from a layout, else our own."""
    found = _from_layout(key, name)
    if found is not None:
        return found
    kind = _OWN_TYPES.get(own_type, "text")
    return ItemSpec(key, name, kind, None, "", kind == "text", None, "")


def encode(row: MutableMapping[str, Any], tables: Mapping[str, CodeTable]) -> None:
    """Register values of coded items → the layout's code; the label goes to ``<key>_label``."""
    for key, table in tables.items():
        if key not in row:
            continue
        value = row[key]
        if value in (None, ""):
            row[f"{key}_label"] = ""
            continue
        text = str(value)
        code = table.code_of(text)
        if code is None:  # held as the label (異動事由 is kept as the standard's word)
            code = next((c.code for c in table.codes if c.label == text), None)
        if code is None and table.value_of(text) is not None:  # already a code
            code = text
        row[key] = code if code is not None else text
        row[f"{key}_label"] = table.label_of(row[key]) or text
