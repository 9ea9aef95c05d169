"""EUC のデータ項目 ([1360]#3): what each data source offers, named with the 中間標準レイアウト's
「データ項目名称」 where ../shared/docs/layouts.md (table 3A) gives one, else our Japanese label; each
item's データ型・桁数・外字使用・コード come from the layout definitions (:mod:`.specs`). A coded item
holds the layout's code; its label is the companion item 「…_名称」.

個人番号 is in no source (番号法: its use is limited to the 事務 of the law; EUC is not one). Items
under a 表示権限 ([1390], selectors/visibility.py) are offered only to staff holding it. Other
packages add sources of their own data (:func:`register`: the 交付履歴 of certificates), and the
register adds the access log for auditors ([1370]#2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from . import specs

PERSONS, HISTORY, HOUSEHOLDS = "persons", "history", "households"
SOURCES = {
    PERSONS: "住民（現在の住民票。除票を含めることもできます）",
    HISTORY: "異動履歴（住民ごと・異動ごとの全項目の履歴。除票・改製原住民票を含む）",
    HOUSEHOLDS: "世帯（現存する世帯）",
}
_P, _H, _W = frozenset({PERSONS, HISTORY}), frozenset({HISTORY}), frozenset({HOUSEHOLDS})
_ALL = _P | _W


@dataclass(frozen=True)
class Item:
    key: str
    label: str  # データ項目名称
    type: str  # text | date | number | code
    sources: frozenset[str]
    standard: bool = True  # named by the 中間標準レイアウト (else our label)
    codes: tuple[tuple[str, str], ...] = ()

    @cached_property
    def spec(self) -> specs.ItemSpec:
        """This item's row of the データ項目一覧表."""
        return specs.spec_of(self.key, self.label, self.type)

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        """The code table to choose a value from (the layout's, else our own list)."""
        return self.spec.codes or self.codes


@dataclass(frozen=True)
class Source:
    """A data source another package offers: its rows for one extraction (``shield`` applies the
    支援措置 and 表示権限 decision of the register's read layer) and the right it needs."""

    name: str
    title: str
    rows: Callable[[Any], Iterator[dict[str, Any]]]
    capability: str = "registry.euc"


ITEMS: tuple[Item, ...] = (
    Item("atena_no", "宛名番号", "code", _P),
    Item("history_no", "個人履歴番号", "number", _H),
    Item("latest", "最新フラグ", "code", _H, codes=(("1", "最新"), ("0", "履歴"))),
    Item("household_no", "世帯番号", "code", _ALL),
    Item("resident_type", "住民種別", "code", _P, codes=(("1", "日本人住民"), ("2", "外国人住民"))),
    Item("status", "住民状態", "code", _P),
    Item("name", "氏名", "text", _P),
    Item("family_name", "氏_日本人", "text", _P),
    Item("given_name", "名_日本人", "text", _P),
    Item("name_kana", "氏名_フリガナ", "text", _P),
    Item("alphabet_name", "氏名_外国人ローマ字", "text", _P),
    Item("alias", "通称", "text", _P),
    Item("alias_kana", "通称_フリガナ", "text", _P),
    Item("alias_recorded_on", "通称を記載した年月日", "date", _P, standard=False),
    Item("former_surname", "旧氏", "text", _P),
    Item("former_surname_kana", "旧氏_フリガナ", "text", _P),
    Item("name_priority", "氏名優先区分", "code", _P),
    Item("sex", "性別", "code", _P, codes=(("1", "男"), ("2", "女"), ("9", "不詳"))),
    Item("birth_date", "生年月日", "date", _P),
    Item("birth_date_text", "生年月日_不詳表記", "text", _P),
    Item("relationship", "続柄表記", "text", _P),
    Item("head_name", "世帯主氏名", "text", _ALL),
    Item("member_count", "世帯員数", "number", _W, standard=False),
    Item("postal_code", "住所_郵便番号", "code", _ALL),
    Item("address", "住所", "text", _ALL, standard=False),
    Item("town", "住所_町字", "text", _ALL),
    Item("banchi", "住所_番地号表記", "text", _ALL),
    Item("katagaki", "住所_方書", "text", _ALL),
    Item("became_resident_on", "住民となった年月日", "date", _P),
    Item("address_set_on", "住所を定めた年月日", "date", _P),
    Item("reported_on", "異動届出年月日", "date", _P, standard=False),
    Item("previous_address", "転入前住所", "text", _P, standard=False),
    Item("previous_address_postal_code", "転入前住所_郵便番号", "code", _P),
    Item("move_out_destination", "転出先住所（予定）", "text", _P, standard=False),
    Item("move_out_planned_on", "転出予定年月日", "date", _P),
    Item("move_out_confirmed_destination", "転出先住所（確定）", "text", _P, standard=False),
    Item("removed_on", "消除の異動年月日", "date", _P),
    Item("honseki", "本籍", "text", _P),
    Item("hittousha", "戸籍_筆頭者", "text", _P),
    Item("resident_code", "住民票コード", "code", _P),
    Item("nationality", "国籍名等", "text", _P),
    Item("foreign_category", "第30条45規定区分", "code", _P),
    Item("became_foreign_resident_on", "外国人住民となった年月日", "date", _P),
    Item("residence_status", "在留資格等コード", "code", _P),
    Item("residence_period", "在留期間", "text", _P, standard=False),
    Item("residence_end_date", "在留期間の満了の日", "date", _P),
    Item("residence_card_no", "在留カード等番号", "code", _P),
    Item("effective_date", "異動年月日", "date", _H),
    Item("event_reported_on", "異動届出年月日（異動）", "date", _H, standard=False),
    Item("reason", "異動事由", "code", _H),
    Item("division", "記載等の種別", "text", _H, standard=False),
    Item("processed_at", "処理年月日", "date", _H),
    Item("reissued", "改製原住民票", "code", _H, standard=False, codes=(("1", "改製前"), ("0", "現行"))),
)
# the label of a coded item: 在留資格等 keeps its name (the text the register holds)
LABEL_NAMES = {"residence_status": "在留資格等"}
EXTERNAL: dict[str, Source] = {}


def _labels(items: tuple[Item, ...]) -> tuple[Item, ...]:
    """Each coded item followed by its 「…_名称」 (the code table's label of its value)."""
    out: list[Item] = []
    for i in items:
        out.append(i)
        if i.spec.table is not None:
            name = LABEL_NAMES.get(i.key, f"{i.label}_名称")
            out.append(Item(f"{i.key}_label", name, "text", i.sources, standard=False))
    return tuple(out)


ITEMS = _labels(ITEMS)
BY_KEY = {i.key: i for i in ITEMS}
CODED = {i.key: i.spec.table for i in ITEMS if i.spec.table is not None}


def register(source: Source, items: tuple[Item, ...]) -> None:
    """Add ``source`` with its ``items`` (keys unique across sources); called from an app's ready()."""
    global ITEMS
    if source.name in SOURCES and EXTERNAL.get(source.name) != source:
        raise RuntimeError(f"EUC source {source.name} is offered twice")
    SOURCES[source.name] = source.title
    EXTERNAL[source.name] = source
    new = tuple(i for i in _labels(items) if i.key not in BY_KEY)
    ITEMS = ITEMS + new
    BY_KEY.update({i.key: i for i in new})
    CODED.update({i.key: i.spec.table for i in new if i.spec.table is not None})


def capability(source: str) -> str:
    return EXTERNAL[source].capability if source in EXTERNAL else "registry.euc"


def withholds(key: str, withheld: frozenset[str]) -> bool:
    """Whether ``key`` (or the item it names, for a 「…_名称」) is under a 表示権限 withheld."""
    return key in withheld or key.removesuffix("_label") in withheld

# the 宛名形式 ([1360]#5): what a label prints, per source
LABEL_ITEMS = {PERSONS: ("postal_code", "address", "name"), HISTORY: ("postal_code", "address", "name"),
               HOUSEHOLDS: ("postal_code", "address", "head_name")}


def offered(source: str, withheld: frozenset[str] = frozenset()) -> list[Item]:
    """The items of ``source`` for staff who may not see ``withheld`` ([1390])."""
    return [i for i in ITEMS if source in i.sources and not withholds(i.key, withheld)]
