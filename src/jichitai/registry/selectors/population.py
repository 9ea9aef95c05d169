"""The register counted set-wise ([1080] 統計): every person's state on a date folded from the event
log in SQL, and the 異動 of a period, returned only as aggregate rows (never a person).

It answers the same question as ``as_of`` (facts in canonical order: 異動日, 本登録順, fact id) for
all persons at once: the projection (the fold of the whole log) for persons unchanged since the
date, one window query over the facts for the others, so a 280,000-resident municipality is counted
in seconds. ``tests/registry/test_statistics.py`` checks it against ``as_of`` person by person.
It must never return identifiers, names or addresses: statistics leave no person-level data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from jichitai.tenancy.context import current

from ..models import PersonStatus

# the person fields statistics read, and how each is named in the pivot
_FIELDS = (
    "status",
    "sex",
    "birth_date",
    "resident_type",
    "household_id",
    "move_out_planned_on",
    "foreign_category",
    "nationality",
)
REMOVED = (
    PersonStatus.MOVED_OUT.value,
    PersonStatus.DEAD.value,
    PersonStatus.DELETED.value,
    PersonStatus.VOID.value,
)
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
    """住民 at the end of ``%(on)s``, one row per person, from the log: the projection is the fold of
    every fact, so a person none of whose counted items changed after ``on`` reads as his current
    row; only the persons with a later fact are replayed from their facts up to ``on``. (Facts carry
    their event's 異動日, so the later ones are found through the events, not a scan of all facts.)"""
    pivot = ",\n".join(f"    MAX(CASE WHEN field = '{f}' THEN val END) AS {f}" for f in _FIELDS)
    fields = ", ".join(f"'{f}'" for f in _FIELDS)
    current = ", ".join(f"CAST(p.{f} AS TEXT)" for f in _FIELDS)
    return f"""
WITH changed AS (
  SELECT DISTINCT f.entity_id AS pid
  FROM registry_registryevent ev JOIN registry_eventfact f ON f.event_id = ev.id
  WHERE ev.municipality_id = %(m)s AND ev.status = 'approved' AND ev.effective_date > %(on)s
    AND f.entity = 'person' AND f.field IN ({fields})
), latest AS (
  SELECT f.entity_id AS pid, f.field AS field, {_text("f.after")} AS val,
         ROW_NUMBER() OVER (PARTITION BY f.entity_id, f.field
                            ORDER BY f.effective_date DESC, f.approval_seq DESC, f.id DESC) AS rn
  FROM registry_eventfact f
  WHERE f.municipality_id = %(m)s AND f.entity = 'person' AND f.effective_date <= %(on)s
    AND f.field IN ({fields}) AND f.entity_id IN (SELECT pid FROM changed)
), person AS (
  SELECT pid,
{pivot}
  FROM latest WHERE rn = 1 GROUP BY pid
  UNION ALL
  SELECT p.id, {current} FROM registry_person p
  WHERE p.municipality_id = %(m)s AND p.id NOT IN (SELECT pid FROM changed)
), resident AS (
  SELECT * FROM person
  WHERE status = 'resident' AND (move_out_planned_on IS NULL OR move_out_planned_on > %(on_text)s)
)"""


@contextlib.contextmanager
def counting() -> Iterator[None]:
    """One transaction for a report's queries, with room to sort in memory on PostgreSQL (the
    replay sorts the facts of every person changed since the date: spilling them to disk is
    what would make a report slow)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL work_mem = '128MB'")
                cur.execute("SET LOCAL jit = off")  # compiling costs more than these queries gain
                # the facts of the events since a date are reached through the event index; with
                # the default cost of a random read (a disk that seeks) the planner scans the whole
                # fact table instead once the events pass a few thousand
                cur.execute("SET LOCAL random_page_cost = 1.1")
        yield


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
    return census(on, homes=False)[0]


def census(on: dt.date, *, homes: bool = True) -> tuple[list[PersonCount], dict[str, int]]:
    """``residents(on)`` and, with ``homes``, the 世帯 with at least one 住民 by who lives there:
    ``japanese`` only, ``foreign`` only or ``mixed`` (複数国籍世帯) — one pass over the log."""
    if homes:  # each household once: on its first member's row, with its composition
        sql = (
            _residents_cte()
            + """, placed AS (
  SELECT resident_type, sex, birth_date, foreign_category, nationality,
         ROW_NUMBER() OVER (PARTITION BY household_id ORDER BY resident_type) AS hn,
         MIN(resident_type) OVER (PARTITION BY household_id) AS lo,
         MAX(resident_type) OVER (PARTITION BY household_id) AS hi
  FROM resident
)
SELECT resident_type, sex, birth_date, foreign_category, nationality,
       CASE WHEN hn = 1 THEN (CASE WHEN lo = hi THEN lo ELSE 'mixed' END) END, COUNT(*)
FROM placed GROUP BY 1, 2, 3, 4, 5, 6"""
        )
    else:
        sql = (
            _residents_cte()
            + """
SELECT resident_type, sex, birth_date, foreign_category, nationality, NULL, COUNT(*)
FROM resident GROUP BY 1, 2, 3, 4, 5"""
        )
    people: dict[tuple[str, str, str, str, str], int] = {}
    households: dict[str, int] = {}
    for t, s, b, c, n, kind, k in _rows(sql, _params(on)):
        key = (t or "", s or "", b, c or "", n or "")
        people[key] = people.get(key, 0) + int(k)
        if kind:
            households[kind] = households.get(kind, 0) + int(k)
    counts = [
        PersonCount(t, s, dt.date.fromisoformat(str(b)[:10]), c, n, k)
        for (t, s, b, c, n), k in people.items()
    ]
    return counts, households


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
    status = "CASE WHEN f.field = 'status' THEN {} END"
    # the period's events first (their requests read once each), then one pass over their person
    # facts: (event, person) with the status change if any, then the person's 住民種別・性別・区分
    sql = f"""
WITH evs AS (
  SELECT ev.id, ev.kind,
         COALESCE({_key("ev.request", "reason")}, {_key("ev.request", "action")}, '') AS sub,
         COALESCE(t.kind, '') AS target_kind, COALESCE({_key("t.request", "reason")}, '') AS target_sub
  FROM registry_registryevent ev LEFT JOIN registry_registryevent t ON t.id = ev.target_id
  WHERE ev.municipality_id = %(m)s AND ev.status = 'approved'
    AND ev.effective_date BETWEEN %(start)s AND %(end)s AND ev.kind NOT IN ({skip})
    AND NOT (ev.kind = 'cancellation' AND COALESCE(t.kind, '') IN ({skip}))
), ep AS (
  SELECT f.event_id, f.entity_id,
         MAX({status.format(_text("f.before"))}) AS before_status,
         MAX({status.format(_text("f.after"))}) AS after_status
  FROM evs JOIN registry_eventfact f ON f.event_id = evs.id
  WHERE f.municipality_id = %(m)s AND f.entity = 'person'
  GROUP BY f.event_id, f.entity_id
)
SELECT evs.kind, evs.sub, evs.target_kind, evs.target_sub, ep.before_status, ep.after_status,
       p.resident_type, p.sex, p.foreign_category, COUNT(*)
FROM ep JOIN evs ON evs.id = ep.event_id JOIN registry_person p ON p.id = ep.entity_id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9"""
    params = {"m": current().municipality_id, "start": start, "end": end}
    for kind, sub, tkind, tsub, before, after, rtype, sex, cat, n in _rows(sql, params):
        yield Movement(
            kind,
            sub or "",
            tkind,
            tsub or "",
            _direction(before, after),
            rtype,
            sex,
            cat or "",
            int(n),
        )
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
    params = {
        "m": current().municipality_id,
        "end": end,
        "start_text": start.isoformat(),
        "end_text": end.isoformat(),
    }
    for rtype, sex, cat, n in _rows(sql, params):
        yield Movement("move_out_planned", "", "", "", "removal", rtype, sex, cat or "", int(n))
