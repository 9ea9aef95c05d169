"""The 世帯連記式 grid of the 住民票の写し ([1000]#3, register-reference.md §5.6): each person is a
numbered block of two columns (left: 氏名 two rows high, 旧氏, 通称, 生年月日, 性別, 続柄; right:
個人番号, 住民票コード, the dates, 筆頭者), then full-width rows (本籍, 転入前住所, the foreign
residents' and a 除票's items, a kind's own) and 備考 last. Four blocks to a sheet: the fifth
person starts the next one. 個人票 is one block. Values arrive fitted (fit.py, grid widths)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .layout import REMARKS, column

PER_SHEET = 4


@dataclass
class Row:
    """One row of the two columns: a cell, or None when 氏名 above covers it (``covered``) or the
    column has no more items (an empty cell is drawn)."""

    left: Any = None
    right: Any = None
    left_covered: bool = False


@dataclass
class Block:
    number: int
    rows: list[Row] = field(default_factory=list)
    full: list[Any] = field(default_factory=list)

    @property
    def new_sheet(self) -> bool:
        return self.number > 1 and (self.number - 1) % PER_SHEET == 0

    @property
    def span(self) -> int:
        return len(self.rows) + len(self.full)


def _left_slots(cells: Sequence[Any]) -> list[tuple[Any, bool]]:
    """(cell, covered) per row of the left column: 氏名 takes two rows."""
    out: list[tuple[Any, bool]] = []
    for c in cells:
        out.append((c, False))
        if c.label == "氏名":
            c.span = 2
            out.append((None, True))
    return out


def block(number: int, cells: Sequence[Any]) -> Block:
    left = _left_slots([c for c in cells if column(c.label) == "left"])
    right = [c for c in cells if column(c.label) == "right"]
    full = [c for c in cells if column(c.label) == "full" and c.label != REMARKS]
    full += [c for c in cells if c.label == REMARKS]
    for c in full:
        c.cols = 3
    b = Block(number, full=full)
    for i in range(max(len(left), len(right))):
        cell, covered = left[i] if i < len(left) else (None, False)
        b.rows.append(Row(cell, right[i] if i < len(right) else None, covered))
    return b


def blocks(members: Sequence[Sequence[Any]]) -> list[Block]:
    """The person blocks of a copy, numbered from 1 in the household's order."""
    return [block(i + 1, cells) for i, cells in enumerate(members)]
