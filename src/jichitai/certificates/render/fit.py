"""文字溢れ ([1070]): every printed value gets a box; a value too long for it is first made smaller
(down to :data:`MIN_PT`), and what still does not fit is an overflow: printed as far as it goes
(or blank, by the municipality's setting) with a mark, and in full on the 別紙 before the 認証文.

Widths are measured with IPAmj明朝's own advance widths (hmtx, and the variation sequence's own
glyph for an IVS), read once per process; nothing here counts characters. Line breaks are ours too:
a value that needs two lines is handed to the template as two lines, so the engine draws exactly
what was measured. This module never reads the database.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jichitai.moji.chars import is_selector, split

from .fonts import font_path

MIN_PT = 6.0  # the smallest print size: below it a 住民票 is not readable without a loupe
STEP = 0.5
MM_PER_PT = 25.4 / 72
# certificate.css: A4 (210 mm) less 15 mm margins each side; th 38 mm + 2 mm padding each side;
# the value cell's own 2 mm padding each side, and borders
VALUE_MM = 210 - 15 - 15 - (38 + 4) - 4 - 0.8
SAFETY = 0.97  # a little room for the engine's rounding
LIMIT, BLANK = "limit", "blank"  # 限界まで出力 / 空白で出力 ([1070]#2 パラメータ)
MARK = "※"


@dataclass(frozen=True)
class Box:
    size_pt: float = 10.0  # the layout's size for the item
    lines: int = 1  # lines the box holds
    width_mm: float = VALUE_MM


NAME = Box(14.0, 2)
WIDE = Box(10.0, 2)
# items whose box holds two lines; every other item one line at 10 pt
BOXES: dict[str, Box] = {
    "氏名": NAME,
    "住所": WIDE,
    "本籍": WIDE,
    "転入前住所": WIDE,
    "転出先": WIDE,
    "国籍・地域": WIDE,
    "備考": WIDE,  # the 統合記載欄 ([140]#2, #3): its 異動, 留意事項, 除票's items and 備考
}
DEFAULT = Box()

# The 世帯連記式 grid (certificate.html, fit.css: change both together). Columns of a person block
# in mm: number, label, left value, right label, right value (A4 less 15 mm margins = 180 mm);
# a cell has 1 mm padding each side and 0.4 pt borders (with a little to spare).
GRID_TEMPLATE = "certificates/certificate.html"
GRID_COLS = (8.0, 18.0, 90.0, 28.0, 36.0)
_PAD = 2 * 1.0 + 0.5
LEFT_MM = GRID_COLS[2] - _PAD
RIGHT_MM = GRID_COLS[4] - _PAD
FULL_MM = sum(GRID_COLS[2:]) - _PAD  # a full-width row, and the header's 住所 and 世帯主
GRID_PT = 9.0  # the two columns' size; 氏名 GRID_NAME_PT on two rows; full-width rows as BOXES
GRID_NAME_PT = 14.0
EMPTY = "＊＊＊"  # an item of the form without a value (register-reference.md §5.6)


def grid_box(label: str) -> Box:
    """The box of ``label`` in the grid: its column's width (layout.column)."""
    from .layout import column

    base = BOXES.get(label, DEFAULT)
    where = column(label)
    if label == "氏名":
        return Box(GRID_NAME_PT, 2, LEFT_MM)
    if where == "full":
        return Box(base.size_pt, base.lines, FULL_MM)
    return Box(min(base.size_pt, GRID_PT), base.lines, LEFT_MM if where == "left" else RIGHT_MM)


@functools.cache
def _metrics() -> tuple[int, dict[int, int], dict[tuple[int, int], int]]:
    """unitsPerEm, advance per code point, advance per (base, selector): read once."""
    from fontTools.ttLib import TTFont

    font = TTFont(font_path(), lazy=True)
    upem = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    chars = {cp: hmtx[g][0] for cp, g in font.getBestCmap().items()}
    sequences: dict[tuple[int, int], int] = {}
    for table in font["cmap"].tables:
        if table.format == 14:
            for selector, pairs in table.uvsDict.items():
                for base, glyph in pairs:
                    if glyph is not None and glyph in hmtx:
                        sequences[(base, selector)] = hmtx[glyph][0]
    font.close()
    return upem, chars, sequences


def _advance(seq: str) -> int:
    upem, chars, sequences = _metrics()
    base = ord(seq[0])
    selectors = [c for c in seq if is_selector(c)]
    if selectors and (base, ord(selectors[0])) in sequences:
        return sequences[(base, ord(selectors[0]))]
    # a character the font lacks is refused before drawing (fonts.Coverage); count it full width
    return sum(chars.get(ord(c), upem) for c in seq if not is_selector(c))


def text_width(text: str, size_pt: float) -> float:
    """Width in mm of ``text`` on one line in IPAmj明朝 at ``size_pt``."""
    upem = _metrics()[0]
    units = sum(_advance(seq) for _, seq in split(text))
    return units / upem * size_pt * MM_PER_PT


def wrap(text: str, size_pt: float, width_mm: float) -> list[str]:
    """``text`` broken into lines no wider than ``width_mm`` (between characters, never inside a
    variation sequence); a line starts without the ideographic space it would begin with."""
    upem = _metrics()[0]
    limit = width_mm * SAFETY / (size_pt * MM_PER_PT) * upem
    lines: list[str] = []
    line, used = "", 0
    for _, seq in split(text):
        adv = _advance(seq)
        if line and used + adv > limit:
            lines.append(line)
            line, used = "", 0
            if seq in ("　", " "):
                continue
        line += seq
        used += adv
    if line or not lines:
        lines.append(line)
    return lines


def size_class(size_pt: float) -> str:
    """The fit.css class of a size: ``fs-95`` for 9.5 pt (every step from 14 pt down to 6 pt)."""
    return f"fs-{round(size_pt * 10)}"


@dataclass(frozen=True)
class Fitted:
    label: str
    full: str  # the value as given
    lines: tuple[str, ...]  # what is printed, line by line
    size_pt: float
    overflow: bool = False
    note: str = ""  # the mark pointing to the 別紙 (※1 …)

    @property
    def text(self) -> str:
        return "".join(self.lines)


def sizes(box: Box) -> list[float]:
    n = int((box.size_pt - MIN_PT) / STEP)
    return [box.size_pt - i * STEP for i in range(n + 1)]


def fit(
    label: str, text: str, box: Box | None = None, *, mode: str = LIMIT, note: str = ""
) -> Fitted:
    """The largest size at which ``text`` fits its box; else an overflow at :data:`MIN_PT`."""
    box = box or BOXES.get(label, DEFAULT)
    for size in sizes(box):
        lines = wrap(text, size, box.width_mm)
        if len(lines) <= box.lines:
            return Fitted(label, text, tuple(lines), size)
    mark = f"{MARK}{note}"
    if mode == BLANK:
        return Fitted(label, text, (mark,), MIN_PT, True, mark)
    # 限界まで: as much as the box holds at the smallest size, the mark in the last line's room
    room = box.width_mm - text_width(mark, MIN_PT) / SAFETY
    lines = wrap(text, MIN_PT, box.width_mm)[: box.lines]
    lines[-1] = wrap(lines[-1], MIN_PT, room)[0] + mark
    return Fitted(label, text, tuple(lines), MIN_PT, True, mark)


@dataclass(frozen=True)
class Plan:
    """A certificate's values fitted: the header (住所, 世帯主), each member's items, the 別紙."""

    header: list[Fitted]
    members: list[list[Fitted]]
    annex: list[tuple[str, str, str]] = field(default_factory=list)  # (mark, item, full text)

    @property
    def overflows(self) -> list[tuple[int | None, Fitted]]:
        """(member index or None for the header, item) for every value that did not fit."""
        out: list[tuple[int | None, Fitted]] = [(None, f) for f in self.header if f.overflow]
        for i, m in enumerate(self.members):
            out += [(i, f) for f in m if f.overflow]
        return out


def _shared_head(members: Sequence[Mapping[str, Any]]) -> str:
    """世帯主 goes to the header when every member names the same one (the standard's layout)."""
    heads = {str(m.get("世帯主", "")) for m in members}
    return heads.pop() if len(heads) == 1 else ""


def is_grid(data: Mapping[str, Any]) -> bool:
    """The 住民票の写し's own template: the 世帯連記式 grid ([1000]#3)."""
    return (data.get("template") or GRID_TEMPLATE) == GRID_TEMPLATE


def plan(data: Mapping[str, Any], *, mode: str | None = None) -> Plan:
    """Fit every printed value of ``data`` (a CertificateData or its dict) in the layout order.

    In the grid every item present is printed, an empty one as :data:`EMPTY`, and every person has a
    備考; elsewhere an empty item is left out. Items not asked for are not in ``members`` at all."""
    from .layout import REMARKS, ordered

    mode = mode or str(data.get("overflow_print") or LIMIT)
    grid = is_grid(data)
    members = [dict(m) for m in data["members"]]
    head = _shared_head(members) if members else ""
    if head:
        for m in members:
            m.pop("世帯主", None)
    annex: list[tuple[str, str, str]] = []

    def one(label: str, value: str) -> Fitted:
        box = grid_box(label) if grid else None  # 住所, 世帯主: full width, as the rows
        f = fit(label, value, box, mode=mode, note=str(len(annex) + 1))
        if f.overflow:
            annex.append((f.note, label, value))
        return f

    header = [one("住所", str(data["address"]))]
    if head:
        header.append(one("世帯主", head))
    if grid:
        for m in members:
            m.setdefault(REMARKS, "")
        fitted = [
            [one(str(k), EMPTY if v in (None, "") else str(v)) for k, v in ordered(m)]
            for m in members
        ]
    else:
        fitted = [
            [one(str(k), str(v)) for k, v in ordered(m) if v not in (None, "")] for m in members
        ]
    return Plan(header, fitted, annex)
