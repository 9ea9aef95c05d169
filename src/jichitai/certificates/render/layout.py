"""The 様式 of the standard's 第4章 for 住民票の写し and its family ([1000]#3): the order and labels
of the printed items. A4 portrait; 住所 (with the 方書) and 世帯主 head the page, then each person
with the items of the standard's layout in its reading order (left column, right column, then the
full-width rows), the foreign residents' items and a 除票's after them. render/grid.py draws them as
the 世帯連記式 grid (4 person blocks per sheet); 個人票 is one such block.

An item a kind adds that is not listed keeps its own place after these; nothing is dropped here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

ITEMS = (
    # 氏名 (フリガナ in parentheses when chosen, [1020]), 旧氏, 通称
    "氏名",
    "旧氏",
    "通称",
    "生年月日",
    "性別",
    "続柄",
    "個人番号",
    "住民票コード",
    "住民となった年月日",
    "住所を定めた年月日",
    "届出日",
    "筆頭者",
    "本籍",
    "転入前住所",
    # foreign residents (法第30条の45)
    "国籍・地域",
    "法第30条の45に規定する区分",
    "在留資格",
    "在留期間等",
    "在留期間の満了の日",
    "在留カード等の番号",
    # 除票
    "消除の事由",
    "消除日",
    "転出先",
    "備考",
)
_RANK = {label: i for i, label in enumerate(ITEMS)}
# the 世帯連記式 grid (register-reference.md §5.6): a person block's two columns; every other item
# (本籍, 転入前住所, the foreign residents' and a 除票's items, a kind's own) is a full-width row
LEFT = ("氏名", "旧氏", "通称", "生年月日", "性別", "続柄")
RIGHT = ("個人番号", "住民票コード", "住民となった年月日", "住所を定めた年月日", "届出日", "筆頭者")
REMARKS = "備考"  # always the block's last row, 「＊＊＊」 when empty


def column(label: str) -> str:
    """``left``, ``right`` or ``full`` (a full-width row) in a person block of the grid."""
    return "left" if label in LEFT else "right" if label in RIGHT else "full"


def ordered(member: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """``member``'s items in the layout's order; unknown items after, in their own order."""
    known = sorted((k for k in member if k in _RANK), key=_RANK.__getitem__)
    rest = [k for k in member if k not in _RANK]
    for k in [*known, *rest]:
        yield k, member[k]
