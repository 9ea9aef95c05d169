"""The 統合記載欄 of a 住民票の写し / 除票の写し: the 備考 cell of each person's block ([140]#2, #3).

Reading of 20.0.3 / 20.0.5 / 20.1.3 (docs/certificates.md, "Issue 10, chapter 1"):
- 異動履歴 (A類型), each line with the 留意事項 (B類型) tied to its 異動 right after it: without
  history the 異動 that wrote the current 原票 (its 記載事由: 転入, 出生, 職権記載, 改製 …); 「履歴あり」
  puts every 異動 line, each with its 留意事項, on the history sheet (record_history), not twice;
- then the 除票's own items ([50]#9, #10) on a 除票の写し;
- then the 備考 (C類型), managed apart from the history.
An 異動 entered for a 特別な事由 (特別養子縁組, its 解消, 性別の変更) and the 備考 about a 特別養子縁組
are left out unless the request asks for them ([40]#4). Dates are 和暦 ([90]#1), as written when 不詳.
"""

from __future__ import annotations

from jichitai.registry.selectors.column import Column, ColumnEntry, certificate_column
from jichitai.registry.selectors.removed import RemovalItems
from jichitai.wareki import format_date

SEP = "　"


def _entry(e: ColumnEntry) -> str:
    line = f"{e.date_text or format_date(e.effective_date)}{SEP}{e.reason}"
    return SEP.join([line, *(f"留意事項：{r}" for r in e.remarks)])


def _removal(r: RemovalItems, printed: dict[str, str], written: str) -> list[str]:
    """The 除票's items ([50]#10) not already printed in the block's own rows (消除の事由・消除日・
    転出先);
    ``written``: the 消除日 as written when it is a 不詳日 (a 死亡・失踪, [80]#1)."""
    occurred = format_date(r.occurred_on) if r.occurred_on else ""
    pairs = [
        ("事由の生じた年月日", written if written and not r.moved_out_on else occurred),
        ("転出先住所（予定）", r.planned_destination),
        ("転出先住所（確定）", r.confirmed_destination),
        ("転出年月日", format_date(r.moved_out_on) if r.moved_out_on else ""),
        ("届出の年月日", format_date(r.reported_on) if r.reported_on else ""),
        ("転入通知年月日", format_date(r.notified_on) if r.notified_on else ""),
    ]
    shown = {printed.get("転出先", ""), printed.get("消除日", "")} - {""}
    return [f"{label}：{value}" for label, value in pairs if value and value not in shown]


def lines(
    column: Column, *, history: bool, special: bool, removed: bool, printed: dict[str, str]
) -> list[str]:
    """The 統合記載欄's lines in print order."""
    # 「履歴あり」: the history sheet prints every 異動 line with its 留意事項 (record_history)
    entered = None if history else column.entered()
    shown = [entered] if entered is not None and (special or not entered.special) else []
    out = [_entry(e) for e in shown]
    if removed and column.removal is not None:
        out += _removal(column.removal, printed, column.removed_on_text)
    out += [n.text for n in column.notes if special or not n.special]
    return out


def column_text(
    person_id: int, printed: dict[str, str], *, history: bool, special: bool, removed: bool
) -> str:
    """The 備考 cell of one person (「＊＊＊」 is the layout's when empty); ``printed`` is the
    person's block as printed, so a 除票's item it already shows is not repeated."""
    column = certificate_column(person_id)
    return SEP.join(
        lines(column, history=history, special=special, removed=removed, printed=printed)
    )
