"""抑止の連携 ([410]#9, [420]#1): the set and release of holds and 支援措置 as a feed other systems
read by a cursor — the 宛名システム every change, the コンビニ交付 kiosk and the 住基ネット CS those
that stop 証明書発行 (issuance holds and every 支援措置).

Written in the transaction of the change (``record_*``), read with :func:`changes`. A 一時解除 is
never written ([410]#2). A row carries ids, process, level and dates only: never a reason, a
加害者等 or the [160] items. A change about a person under 支援措置 (or a household with one)
reaches only readers with need-to-know; to others it is left out as if it never happened, and
the cursor still moves past it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F

from jichitai.audit.recording import record

from .holds_models import Hold, HoldProcess
from .link_models import HoldChange
from .models import Counter, SupportMeasure
from .selectors import access
from .selectors.link_numbers import numbers_of

TARGETS = {"atena": "宛名システム等", "kiosk": "コンビニ交付", "cs": "住基ネットCS"}
ALL_PROCESSES = "all"  # a 支援措置 stops issuance, 閲覧 and every other disclosure
MAX_LIMIT = 1000
LOCK = "hold_feed"


def _in_turn() -> None:
    """Writers of one municipality take its feed lock (held to commit), so its rows commit in
    ``seq`` order: a reader never moves its cursor past a row still in flight."""
    Counter.objects.bulk_create([Counter(name=LOCK)], ignore_conflicts=True)
    rows = Counter.objects.filter(name=LOCK)
    if connection.vendor != "postgresql":
        rows.update(value=F("value"))  # SQLite: take the database's write lock first
    row = rows.select_for_update().get()
    row.value += 1
    row.save(update_fields=["value"])


def record_hold(hold: Hold, action: str) -> HoldChange:
    _in_turn()
    return HoldChange.objects.create(
        action=action,
        source="hold",
        hold=hold,
        person_id=hold.person_id,
        household_id=hold.household_id,
        process=hold.process,
        level=hold.level,
        start_date=hold.start_date,
        end_date=hold.end_date,
    )


def record_measure(measure: SupportMeasure, action: str) -> HoldChange:
    start = measure.provisional_start or measure.start_date
    _in_turn()
    return HoldChange.objects.create(
        action=action,
        source="support",
        measure=measure,
        person_id=measure.person_id,
        process=ALL_PROCESSES,
        level="error",
        start_date=min(start, measure.start_date),
        end_date=measure.end_date,
    )


@dataclass(frozen=True)
class Feed:
    rows: list[dict[str, Any]]
    next_cursor: int  # the last seq looked at: the next read starts after it
    more: bool


def _shielded_ids() -> tuple[set[int], set[int]]:
    households, persons = access.shielded()
    return persons, households


def _row(c: HoldChange, numbers: dict[str, dict[int, str]]) -> dict[str, Any]:
    return {
        "seq": c.seq,
        "at": c.at.isoformat(),
        "action": c.action,
        "source": c.source,
        "process": c.process,
        "level": c.level,
        "person_id": c.person_id,
        "atena_no": numbers["person"].get(c.person_id or 0, ""),
        "household_id": c.household_id,
        "household_no": numbers["household"].get(c.household_id or 0, ""),
        "start_date": c.start_date.isoformat(),
        "end_date": c.end_date.isoformat() if c.end_date else None,
    }


def _for_target(target: str) -> Any:
    qs = HoldChange.objects.all()
    if target in ("kiosk", "cs"):  # [410]#9: only what stops 証明書発行
        qs = qs.filter(process__in=(HoldProcess.ISSUANCE, ALL_PROCESSES))
    return qs


def changes(*, since: int, target: str, staff: Any, limit: int = 500) -> Feed:
    """The changes after ``since`` for ``target`` (oldest first, at most ``limit``); the read is
    logged (who, which target, the cursor, how many) and each 支援措置 row shown is alerted."""
    if target not in TARGETS:
        raise ValueError(target)
    limit = max(1, min(limit, MAX_LIMIT))
    found = list(_for_target(target).filter(seq__gt=since).order_by("seq")[: limit + 1])
    more, found = len(found) > limit, found[:limit]
    knows = access.need_to_know(staff)
    persons, households = _shielded_ids()
    shown: list[HoldChange] = []
    for c in found:
        protected = c.source == "support" or c.person_id in persons or c.household_id in households
        if protected and not knows:
            continue  # existence of the protection is itself protected
        if protected and c.person_id:
            access.alert_access(
                c.person_id,
                screen="抑止の連携",
                function="holds.feed",
                detail={"seq": c.seq, "target": target},
            )
        shown.append(c)
    numbers = numbers_of(
        {c.person_id for c in shown if c.person_id},
        {c.household_id for c in shown if c.household_id},
    )
    rows = [_row(c, numbers) for c in shown]
    next_cursor = found[-1].seq if found else since
    record(
        "operation",
        "registry.holds.feed",
        screen="抑止の連携",
        function=target,
        detail={"since": since, "next": next_cursor, "rows": len(rows), "target": target},
    )
    return Feed(rows, next_cursor, more)
