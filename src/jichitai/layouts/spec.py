"""The 表形式 of a migration layout ([1410]#1): 移行ファイル構成表, 移行ファイル関連図, データ項目一覧表,
コード構成表 and コード一覧, written beside the data files an export hands over, from the same layout
definitions that wrote them (so the tables can never describe another file than the one delivered).

Pure Python: each table is a CSV text (UTF-8 with BOM, CRLF, a Japanese header), for spreadsheet
software and for the receiving vendor's import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from .model import CodeTable, Layout

TYPE_LABELS = {
    "text": "文字",
    "code": "コード",
    "date": "日付（西暦）",
    "wareki_date": "日付（和暦）",
    "era": "元号",
    "partial_date": "日付（不詳あり）",
    "flag": "フラグ",
    "number": "数値",
    "time": "時刻",
}
FILES = {
    "structure": "移行ファイル構成表.csv",
    "relations": "移行ファイル関連図.csv",
    "items": "データ項目一覧表.csv",
    "tables": "コード構成表.csv",
    "codes": "コード一覧.csv",
}
# the one key every file of a person's business data is joined by (宛名番号)
PERSON_KEY = "atena_no"


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else str(v) for v in row])
    return out.getvalue()


def _file_name(lay: Layout, municipality_code: str) -> str:
    return f"{lay.id}-{municipality_code}.{'csv' if lay.format == 'csv' else 'dat'}"


def structure(layouts: Sequence[Layout], rows: Mapping[str, int], municipality_code: str) -> str:
    """移行ファイル構成表: one line per file delivered."""
    return _csv(
        (
            "ファイルID",
            "ファイル名",
            "ファイル名称",
            "標準",
            "版",
            "業務",
            "形式",
            "文字コード",
            "見出し行",
            "レコード長（バイト）",
            "レコードキー",
            "履歴",
            "件数",
        ),
        (
            (
                lay.id,
                _file_name(lay, municipality_code),
                lay.title,
                lay.standard,
                lay.version,
                lay.business,
                "CSV" if lay.format == "csv" else "固定長",
                lay.encoding,
                "あり" if lay.header else "なし",
                lay.record_bytes if lay.format == "fixed" else "",
                "＋".join(_names(lay, lay.record_key)),
                "＋".join(_names(lay, tuple(lay.history.values()))),
                rows.get(lay.id, ""),
            )
            for lay in layouts
        ),
    )


def _names(lay: Layout, keys: Iterable[str]) -> list[str]:
    out = []
    for k in keys:
        try:
            out.append(lay.item(k).name)
        except KeyError:
            out.append(k)
    return out


def relations(layouts: Sequence[Layout]) -> str:
    """移行ファイル関連図 (as a table): which files join which, by which items. Every file holding
    宛名番号 joins the person file by it; a file's history rows join its own latest row."""
    persons = [lay for lay in layouts if lay.business == "jumin"]
    rows: list[tuple[object, ...]] = []
    for lay in layouts:
        keys = {it.key for it in lay.items}
        if lay.history:
            rows.append((lay.id, lay.id, "＋".join(_names(lay, lay.record_key)), "1対多（履歴）"))
        for parent in persons:
            if (
                parent.id != lay.id
                and PERSON_KEY in keys
                and PERSON_KEY in {it.key for it in parent.items}
            ):
                rows.append((parent.id, lay.id, lay.item(PERSON_KEY).name, "1対多"))
    return _csv(("親ファイルID", "子ファイルID", "結合キー", "関連"), rows)


def items(layouts: Sequence[Layout]) -> str:
    """データ項目一覧表: every item of every file with its type, length, code table and 外字使用."""
    return _csv(
        (
            "ファイルID",
            "項番",
            "データ項目名称",
            "項目キー",
            "データ型",
            "桁数",
            "開始位置",
            "必須",
            "コード表",
            "外字使用",
            "個人番号等（要求時のみ出力）",
            "備考",
        ),
        (
            (
                lay.id,
                it.no,
                it.name,
                it.key,
                TYPE_LABELS.get(it.type, it.type),
                it.length or "",
                it.start if lay.format == "fixed" else "",
                "○" if it.required else "",
                it.codes,
                "有" if it.type == "text" else "無",
                "○" if it.restricted else "",
                it.notes,
            )
            for lay in layouts
            for it in lay.items
        ),
    )


def _used_tables(layouts: Sequence[Layout]) -> dict[str, CodeTable]:
    used: dict[str, CodeTable] = {}
    for lay in layouts:
        for it in lay.items:
            if it.codes and it.codes in lay.tables:
                used.setdefault(f"{lay.codes_source}/{it.codes}", lay.tables[it.codes])
    return used


def code_tables(layouts: Sequence[Layout]) -> str:
    """コード構成表: each code table used, with the items that use it and its number of codes."""
    users: dict[str, list[str]] = {}
    for lay in layouts:
        for it in lay.items:
            if it.codes:
                users.setdefault(f"{lay.codes_source}/{it.codes}", []).append(f"{lay.id}:{it.name}")
    return _csv(
        ("コード表", "名称", "コード数", "使用する項目"),
        (
            (name, t.title, len(t.codes), "、".join(users.get(name, [])))
            for name, t in _used_tables(layouts).items()
        ),
    )


def code_list(layouts: Sequence[Layout]) -> str:
    """コード一覧: every code of every table used, with its name."""
    return _csv(
        ("コード表", "コード", "名称"),
        ((name, c.code, c.label) for name, t in _used_tables(layouts).items() for c in t.codes),
    )


def tables(
    layouts: Sequence[Layout], rows: Mapping[str, int], municipality_code: str
) -> dict[str, str]:
    """File name → CSV text of the five tables of the 表形式."""
    return {
        FILES["structure"]: structure(layouts, rows, municipality_code),
        FILES["relations"]: relations(layouts),
        FILES["items"]: items(layouts),
        FILES["tables"]: code_tables(layouts),
        FILES["codes"]: code_list(layouts),
    }
