"""The 住民基本台帳関係年報 tables built from aggregate rows (never from persons): 人口, 世帯数,
年齢5歳階級別人口, 住民票記載数・消除数 by the standard's 事由 ([210]), the 修正, and the 検証.

Every count is split 日本人 / 外国人 and 男 / 女 (a 性別 of 不詳 counts in 計 only).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from jichitai.registry import reasons
from jichitai.registry.selectors.population import Movement, PersonCount

TYPES = (("japanese", "日本人"), ("foreign", "外国人"))
SEXES = (("1", "男"), ("2", "女"))
BANDS = tuple((lo, lo + 4) for lo in range(0, 100, 5)) + ((100, None),)
HOUSEHOLD_KINDS = (
    ("japanese", "日本人のみの世帯"),
    ("foreign", "外国人のみの世帯"),
    ("mixed", "複数国籍世帯"),
)
DIRECTION = {reasons.ENTRY: "entry", reasons.REMOVAL: "removal", reasons.CHANGE: "change"}
SPLIT_COLUMNS = (
    "日本人（男）",
    "日本人（女）",
    "日本人（計）",
    "外国人（男）",
    "外国人（女）",
    "外国人（計）",
    "総計",
)

Row = tuple[str | int, ...]


@dataclass(frozen=True)
class Table:
    """One table: ``columns`` name every cell of a row; the first cell is the row's label."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""

    def cell(self, row_label: str, column: str) -> str | int:
        row = next(r for r in self.rows if r[0] == row_label)
        return row[self.columns.index(column)]


def split_row(label: str, counts: Counter[tuple[str, str]]) -> Row:
    """``counts`` by (住民種別, 性別) as 日本人 男・女・計, 外国人 男・女・計, 総計."""
    cells: list[str | int] = [label]
    for rtype, _ in TYPES:
        cells += [counts[(rtype, s)] for s, _ in SEXES]
        cells.append(sum(n for (t, _), n in counts.items() if t == rtype))
    cells.append(sum(counts.values()))
    return tuple(cells)


def age(birth: dt.date, on: dt.date) -> int:
    """年齢 at the start of ``on`` (年齢計算ニ関スル法律: a year is complete the day before the birthday)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def band_label(lo: int, hi: int | None) -> str:
    return f"{lo}歳以上" if hi is None else f"{lo}〜{hi}歳"


def _band(years: int) -> int:
    return min(max(years, 0) // 5, len(BANDS) - 1)


def population_table(stock: Iterable[PersonCount]) -> Table:
    by: Counter[tuple[str, str]] = Counter()
    for p in stock:
        by[(p.resident_type, p.sex)] += p.count
    rows: list[Row] = []
    for rtype, label in TYPES:
        cells = [by[(rtype, s)] for s, _ in SEXES]
        rows.append((label, *cells, sum(n for (t, _), n in by.items() if t == rtype)))
    rows.append(
        (
            "総計",
            *[sum(n for (_, s), n in by.items() if s == sex) for sex, _ in SEXES],
            sum(by.values()),
        )
    )
    return Table(
        "population",
        "人口（基準日現在）",
        ("区分", "男", "女", "計"),
        tuple(rows),
        note="性別が不詳の人は計にだけ数えます。",
    )


def household_table(homes: dict[str, int]) -> Table:
    rows: list[Row] = [(label, homes.get(kind, 0)) for kind, label in HOUSEHOLD_KINDS]
    rows.append(("総計", sum(homes.values())))
    return Table(
        "households",
        "世帯数（基準日現在）",
        ("区分", "世帯数"),
        tuple(rows),
        note="住民が1人以上いる世帯を数えます。複数国籍世帯は日本人住民と外国人住民がともにいる世帯です。",
    )


def age_table(stock: Iterable[PersonCount], on: dt.date) -> Table:
    by: list[Counter[tuple[str, str]]] = [Counter() for _ in BANDS]
    for p in stock:
        by[_band(age(p.birth_date, on))][(p.resident_type, p.sex)] += p.count
    rows = [split_row(band_label(lo, hi), c) for (lo, hi), c in zip(BANDS, by, strict=True)]
    total: Counter[tuple[str, str]] = sum(by, Counter())
    rows.append(split_row("総計", total))
    return Table("ages", "年齢5歳階級別人口（基準日現在）", ("年齢", *SPLIT_COLUMNS), tuple(rows))


def classify(m: Movement) -> reasons.Reason | None:
    """The standard's 事由 of one movement row, or None when the person's record was neither added
    nor removed by a 記載・消除 event (e.g. a member whose 続柄 changed at a death)."""
    if m.kind == "move_out_planned":
        return reasons.classify("move_out_planned")
    reason = reasons.classify(
        m.kind,
        sub_reason=m.sub_reason,
        resident_type=m.resident_type,
        target_kind=m.target_kind,
        target_sub_reason=m.target_sub_reason,
    )
    if DIRECTION[reason.division] != m.direction:
        return None
    return reason


def reason_counts(moves: Iterable[Movement]) -> dict[reasons.Reason, Counter[tuple[str, str]]]:
    out: dict[reasons.Reason, Counter[tuple[str, str]]] = {}
    for m in moves:
        reason = classify(m)
        if reason is not None:
            out.setdefault(reason, Counter())[(m.resident_type, m.sex)] += m.count
    return out


def division_table(
    key: str, title: str, division: str, counts: dict[reasons.Reason, Counter[tuple[str, str]]]
) -> Table:
    rows: list[Row] = []
    total: Counter[tuple[str, str]] = Counter()
    for label in reasons.STANDARD_REASONS[division]:
        c = counts.get(reasons.Reason(division, label), Counter())
        total += c
        rows.append(split_row(label, c))
    rows.append(split_row("計", total))
    return Table(key, title, ("事由", *SPLIT_COLUMNS), tuple(rows))


def check_table(
    before: Iterable[PersonCount],
    after: Iterable[PersonCount],
    counts: dict[reasons.Reason, Counter[tuple[str, str]]],
) -> Table:
    """検証: 期首人口 + 記載数 − 消除数 must equal 基準日現在の人口 (差 0)."""

    def by_type(stock: Iterable[PersonCount]) -> Counter[str]:
        c: Counter[str] = Counter()
        for p in stock:
            c[p.resident_type] += p.count
        return c

    first, last = by_type(before), by_type(after)
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    for reason, c in counts.items():
        target = (
            added
            if reason.division == reasons.ENTRY
            else removed
            if reason.division == reasons.REMOVAL
            else None
        )
        if target is not None:
            for (rtype, _), n in c.items():
                target[rtype] += n
    rows: list[Row] = []
    for keys, label in (
        (("japanese",), "日本人"),
        (("foreign",), "外国人"),
        (("japanese", "foreign"), "総計"),
    ):
        f, a, r, last_n = (sum(x[k] for k in keys) for x in (first, added, removed, last))
        rows.append((label, f, a, r, f + a - r, last_n, last_n - (f + a - r)))
    return Table(
        "check",
        "人口動態の検証",
        ("区分", "期首人口", "記載数", "消除数", "計算上の人口", "基準日現在の人口", "差"),
        tuple(rows),
        note="期首人口は集計期間の初日現在の人口です。差が0でない行は、異動の記録を確認してください。",
    )


def annual_tables(
    stock: list[PersonCount],
    homes: dict[str, int],
    moves: list[Movement],
    before: list[PersonCount],
    on: dt.date,
) -> tuple[Table, ...]:
    counts = reason_counts(moves)
    return (
        population_table(stock),
        household_table(homes),
        age_table(stock, on),
        division_table("entries", "住民票記載数（集計期間）", reasons.ENTRY, counts),
        division_table("removals", "住民票消除数（集計期間）", reasons.REMOVAL, counts),
        division_table("changes", "住民票の修正（集計期間）", reasons.CHANGE, counts),
        check_table(before, stock, counts),
    )
