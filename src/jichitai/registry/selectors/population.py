"""The register counted set-wise ([1080] 統計): every person's state on a date folded from the event
log in SQL, and the 異動 of a period, returned only as aggregate rows (never a person).

It answers the same question as ``as_of`` (facts in canonical order: 異動日, 本登録順, fact id), for
all persons at once with one window query, so a 280,000-resident municipality is counted in
seconds. ``tests/registry/test_statistics.py`` checks it against ``as_of`` person by person.
It must never return identifiers, names or addresses: statistics leave no person-level data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

from jichitai.tenancy.context import current

from ..models import PersonStatus

# the person fields statistics read, and how each is named in the pivot
_FIELDS = ("status", "sex", "birth_date", "resident_type", "household_id", "move_out_planned_on",
           "foreign_category", "nationality")
REMOVED = (PersonStatus.MOVED_OUT.value, PersonStatus.DEAD.value, PersonStatus.DELETED.value,
           PersonStatus.VOID.value)
# a 転出 is counted once, on its 転出予定日 ([50]#1, [1080]#4): the plan, not its 転入通知
_MOVE_OUT_KINDS = ("move_out_planned", "move_out_confirmed")


def _text(expr: str) -> str:
    """A scalar JSON value as SQL text (NULL for JSON null)."""
    if connection.vendor == "postgresql":
        return f"({expr} #>> '{{}}')"
    return f"CAST(json_extract({expr}, '$') AS TEXT)"


def _key(expr: str, key: str) -> str:
    """``expr``'s top-level ``key`` as SQL text."""
    if connection.vendor == "postgresql":
        return f"({expr} ->> '{key}')"
    return f"CAST(json_extract({expr}, '$.{key}') AS TEXT)"


def _residents_cte() -> str:
    pivot = ",\n".join(f"    MAX(CASE WHEN field = '{f}' THEN val END) AS {f}" for f in _FIELDS)
    fields = ", ".join(f"'{f}'" for f in _FIELDS)
    return f"""
WITH latest AS (
  SELECT f.entity_id AS pid, f.field AS field, {_text("f.after")} AS val,
         ROW_NUMBER() OVER (PARTITION BY f.entity_id, f.field
                            ORDER BY f.effective_date DESC, f.approval_seq DESC, f.id DESC) AS rn
  FROM registry_eventfact f
  WHERE f.municipality_id = %(m)s AND f.entity = 'person' AND f.effective_date <= %(on)s
    AND f.field IN ({fields})
), person AS (
  SELECT pid,
{pivot}
  FROM latest WHERE rn = 1 GROUP BY pid
), resident AS (
  SELECT * FROM person
  WHERE status = 'resident' AND (move_out_planned_on IS NULL OR move_out_planned_on > %(on_text)s)
)"""


def _rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def _params(on: dt.date) -> dict[str, Any]:
    return {"m": current().municipality_id, "on": on, "on_text": on.isoformat()}


@dataclass(frozen=True, slots=True)
class PersonCount:
    """Residents of one kind on a date: 住民種別, 性別, 生年月日, 区分, 国籍・地域 and how many."""

    resident_type: str
    sex: str
    birth_date: dt.date
    foreign_category: str
    nationality: str
    count: int


def residents(on: dt.date) -> list[PersonCount]:
    """住民 at the end of ``on`` (a 転出予定者 whose 転出予定日 is after ``on`` counts, [1080]#4),
    grouped by the items the tables need."""
    sql = _residents_cte() + """
SELECT resident_type, sex, birth_date, foreign_category, nationality, COUNT(*)
FROM resident GROUP BY resident_type, sex, birth_date, foreign_category, nationality"""
    return [PersonCount(t or "", s or "", dt.date.fromisoformat(b), c or "", n or "", int(k))
            for t, s, b, c, n, k in _rows(sql, _params(on))]


def households(on: dt.date) -> dict[str, int]:
    """世帯 with at least one 住民 at the end of ``on``, by who lives there: ``japanese`` only,
    ``foreign`` only or ``mixed`` (複数国籍世帯)."""
    sql = _residents_cte() + """
SELECT kind, COUNT(*) FROM (
  SELECT household_id,
         CASE WHEN MIN(resident_type) = MAX(resident_type) THEN MIN(resident_type) ELSE 'mixed' END AS kind
  FROM resident GROUP BY household_id
) h GROUP BY kind"""
    return {kind: int(n) for kind, n in _rows(sql, _params(on))}


@dataclass(frozen=True, slots=True)
class Movement:
    """Persons of one kind touched by 異動 of one kind in a period. ``direction``: ``entry`` (the
    record became 住民), ``removal`` (it stopped being one) or ``change``."""

    kind: str
    sub_reason: str
    target_kind: str
    target_sub_reason: str
    direction: str
    resident_type: str
    sex: str
    foreign_category: str
    count: int


def _direction(before: str | None, after: str | None) -> str:
    if after == PersonStatus.RESIDENT and before != PersonStatus.RESIDENT:
        return "entry"
    if before == PersonStatus.RESIDENT and after in REMOVED:
        return "removal"
    return "change"


def movements(start: dt.date, end: dt.date) -> Iterator[Movement]:
    """Every approved 異動 with its 異動日 in [start, end], one row per kind of person it touched;
    a 転出 counted on its 転出予定日 (``planned_move_outs``), not here."""
    skip = ", ".join(f"'{k}'" for k in _MOVE_OUT_KINDS)
    sql = f"""
SELECT e.kind, COALESCE({_key("e.request", "reason")}, {_key("e.request", "action")}, ''),
       COALESCE(t.kind, ''), COALESCE({_key("t.request", "reason")}, ''),
       {_text("s.before")}, {_text("s.after")}, p.resident_type, p.sex, p.foreign_category, COUNT(*)
FROM (SELECT DISTINCT f.event_id, f.entity_id
      FROM registry_registryevent ev JOIN registry_eventfact f ON f.event_id = ev.id
      WHERE ev.municipality_id = %(m)s AND ev.status = 'approved' AND f.entity = 'person'
        AND ev.effective_date BETWEEN %(start)s AND %(end)s AND ev.kind NOT IN ({skip})) ep
JOIN registry_registryevent e ON e.id = ep.event_id
LEFT JOIN registry_registryevent t ON t.id = e.target_id
LEFT JOIN registry_eventfact s ON s.event_id = ep.event_id AND s.entity = 'person'
     AND s.entity_id = ep.entity_id AND s.field = 'status'
JOIN registry_person p ON p.id = ep.entity_id
WHERE NOT (e.kind = 'cancellation' AND COALESCE(t.kind, '') IN ({skip}))
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9"""
    params = {"m": current().municipality_id, "start": start, "end": end}
    for kind, sub, tkind, tsub, before, after, rtype, sex, cat, n in _rows(sql, params):
        yield Movement(kind, sub or "", tkind, tsub or "", _direction(before, after), rtype, sex, cat or "", int(n))
    yield from planned_move_outs(start, end)


def planned_move_outs(start: dt.date, end: dt.date) -> Iterator[Movement]:
    """国内転出 by 転出予定日 in [start, end] ([50]#1): the plans registered by ``end`` and not
    取消'd; the 転入通知 that confirms one later is the same 転出, not a second."""
    sql = f"""
SELECT p.resident_type, p.sex, p.foreign_category, COUNT(*)
FROM registry_eventfact f
JOIN registry_registryevent e ON e.id = f.event_id
JOIN registry_person p ON p.id = f.entity_id
WHERE f.municipality_id = %(m)s AND f.entity = 'person' AND f.field = 'move_out_planned_on'
  AND e.kind = 'move_out_planned' AND e.status = 'approved' AND e.effective_date <= %(end)s
  AND {_text("f.after")} BETWEEN %(start_text)s AND %(end_text)s
  AND NOT EXISTS (SELECT 1 FROM registry_registryevent c
                  WHERE c.target_id = e.id AND c.kind = 'cancellation' AND c.status = 'approved')
GROUP BY 1, 2, 3"""
    params = {"m": current().municipality_id, "end": end, "start_text": start.isoformat(),
              "end_text": end.isoformat()}
    for rtype, sex, cat, n in _rows(sql, params):
        yield Movement("move_out_planned", "", "", "", "removal", rtype, sex, cat or "", int(n))
