"""出入国在留管理庁「中長期在留者住居地届出等事務に関する定期報告」 ([1080]#2): the counts it asks,
as far as the public record shows them (docs/registry.md 「統計」: the report's form is not public;
these are the items the register can answer, named by the law they come from).

- 外国人住民 by 法第30条の45の区分 and by 国籍・地域 (基準日現在);
- the 届出 that count as a 住居地届出 (入管法第19条の7〜9, 入管特例法第10条) by 区分;
- the 異動 of foreign residents the 市町村通知 (住基法第30条の50) carries, by 記載・消除・修正.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from jichitai.registry import reasons
from jichitai.registry.selectors.population import Movement, PersonCount

from .tables import SEXES, Row, Table, classify

CATEGORIES = (
    ("mid_long", "中長期在留者"),
    ("special_permanent", "特別永住者"),
    ("temporary_refuge", "一時庇護許可者"),
    ("provisional_stay", "仮滞在者"),
    ("transit_birth", "出生による経過滞在者"),
    ("transit_loss", "国籍喪失による経過滞在者"),
    ("", "区分なし"),
)
# 住基法の届出 that count as a 住居地届出 (入管法第19条の9第3項・第19条の7第3項・第19条の8第3項,
# 入管特例法第10条): the 異動 kind, and its label
RESIDENCE_NOTICES = (
    ("move_in", "転入届（住基法第22条）"),
    ("move_within", "転居届（住基法第23条）"),
    ("move_in_abroad", "国外からの転入等（住基法第30条の46・第30条の47）"),
)
NOTICE_CATEGORIES = (("mid_long", "中長期在留者"), ("special_permanent", "特別永住者"))
DIVISIONS = ((reasons.ENTRY, "記載"), (reasons.REMOVAL, "消除"), (reasons.CHANGE, "修正"))


def _sex_row(label: str, by_sex: Counter[str]) -> Row:
    return (label, *[by_sex[s] for s, _ in SEXES], sum(by_sex.values()))


def _foreign_table(
    key: str, title: str, column: str, labels: list[tuple[str, str]], by: dict[str, Counter[str]]
) -> Table:
    """Rows ``labels`` (key, label) of counts by 性別, and the 計."""
    rows = [_sex_row(label, by.get(k, Counter())) for k, label in labels]
    rows.append(_sex_row("計", sum(by.values(), Counter())))
    return Table(key, title, (column, "男", "女", "計"), tuple(rows))


def _foreign_by(stock: Iterable[PersonCount], item: str) -> dict[str, Counter[str]]:
    by: dict[str, Counter[str]] = {}
    for p in stock:
        if p.resident_type == "foreign":
            by.setdefault(getattr(p, item) or ("不明" if item == "nationality" else ""), Counter())[
                p.sex
            ] += p.count
    return by


def category_table(stock: Iterable[PersonCount]) -> Table:
    by = _foreign_by(stock, "foreign_category")
    return _foreign_table(
        "foreign_categories",
        "外国人住民（法第30条の45の区分別・基準日現在）",
        "区分",
        list(CATEGORIES),
        by,
    )


def nationality_table(stock: Iterable[PersonCount]) -> Table:
    by = _foreign_by(stock, "nationality")
    order = sorted(by, key=lambda n: (-sum(by[n].values()), n))
    return _foreign_table(
        "nationalities",
        "外国人住民（国籍・地域別・基準日現在）",
        "国籍・地域",
        [(n, n) for n in order],
        by,
    )


def notice_table(moves: Iterable[Movement]) -> Table:
    """住居地届出とみなされる届出: persons of a 転入・転居・国外転入等 by 区分."""
    by: dict[str, Counter[str]] = {}
    for m in moves:
        if m.resident_type != "foreign" or classify(m) is None:
            continue
        if any(m.kind == k for k, _ in RESIDENCE_NOTICES) and m.direction in ("entry", "change"):
            by.setdefault(m.kind, Counter())[m.foreign_category] += m.count
    cols = [c for c, _ in NOTICE_CATEGORIES]
    rows: list[Row] = []
    total: Counter[str] = Counter()
    for kind, label in RESIDENCE_NOTICES:
        c = by.get(kind, Counter())
        total += c
        rows.append((label, *[c[k] for k in cols], sum(c[k] for k in cols)))
    rows.append(("計", *[total[k] for k in cols], sum(total[k] for k in cols)))
    return Table(
        "residence_notices",
        "住居地の届出とみなされる届出（集計期間・人数）",
        ("届出", *[label for _, label in NOTICE_CATEGORIES], "計"),
        tuple(rows),
        note="入管法第19条の7〜第19条の9・入管特例法第10条により住居地の届出とみなされる住基法の届出です。",
    )


def municipal_notice_table(moves: Iterable[Movement]) -> Table:
    """市町村通知 (住基法第30条の50) of the period: every 記載・消除・修正 of a foreign resident."""
    by: dict[str, Counter[str]] = {}
    for m in moves:
        reason = classify(m) if m.resident_type == "foreign" else None
        if reason is not None:
            by.setdefault(reason.division, Counter())[m.sex] += m.count
    rows = [_sex_row(label, by.get(div, Counter())) for div, label in DIVISIONS]
    rows.append(_sex_row("計", sum(by.values(), Counter())))
    return Table(
        "municipal_notices",
        "市町村通知の対象となった外国人住民の異動（集計期間・人数）",
        ("区分", "男", "女", "計"),
        tuple(rows),
    )


def immigration_tables(stock: list[PersonCount], moves: list[Movement]) -> tuple[Table, ...]:
    return (
        category_table(stock),
        nationality_table(stock),
        notice_table(moves),
        municipal_notice_table(moves),
    )
