"""Loading synthetic residents through the event path: the same 仮登録 and 決裁 a clerk and an
approver make, one household at a time (every rule runs; every step is in the operation log)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction

from jichitai.registry import events
from jichitai.registry.models import EventFact, EventStatus, Person

from .synthetic import (
    AddressCache,
    LoadStats,
    Progress,
    as_staff,
    chunks,
    household_plans,
    load_key,
    move_in_request,
    move_request,
    resolve_code,
)


def load_via_events(
    municipality: Any,
    residents: int,
    seed: int = 0,
    *,
    clerk: Any,
    approver: Any,
    effective_date: dt.date | None = None,
    history_share: float = 0.1,
    batch: int = 200,
    progress: Progress | None = None,
    source_code: str | None = None,
) -> LoadStats:
    """Fill ``municipality`` with ``residents`` synthetic residents through submit + approve.

    One transaction per ``batch`` households; ``progress(residents_done, residents)`` after each.
    Returns the counts (``facts`` are the EventFact rows the approvals wrote).
    """
    code = resolve_code(municipality, source_code)
    stats = LoadStats()
    start = time.perf_counter()
    addresses = AddressCache()
    plans = household_plans(code, residents, seed, effective_date, history_share)
    with as_staff(municipality, approver):
        facts_before = EventFact.objects.count()
    for chunk in chunks(plans, batch * 2):
        with transaction.atomic():
            with as_staff(municipality, clerk):
                ids = addresses.ensure(chunk)
            for plan in chunk:
                hh = plan.household
                stats.residents += plan.residents
                stats.households += 1
                with as_staff(municipality, clerk):
                    sub = events.submit_event(
                        "move_in", move_in_request(plan, ids, seed), effective_date=plan.move_in,
                        reported_date=plan.move_in, entered_by=clerk, confirm_alerts=True,
                        idempotency_key=load_key(code, seed, hh.seq, "move_in"),
                    )
                if sub.replayed and sub.event.status != EventStatus.PROVISIONAL:
                    stats.skipped += 1
                    continue
                with as_staff(municipality, approver):
                    event = events.approve_event(sub.event.pk, approver=approver)
                stats.events += 1
                if plan.move_on is None:
                    continue
                with as_staff(municipality, clerk):
                    members = list(
                        Person.objects.filter(household_id=event.household_id, status="resident")
                        .order_by("pk").values_list("pk", flat=True)
                    )
                    sub = events.submit_event(
                        "move_within", move_request(members, hh.address, ids),
                        effective_date=plan.move_on, reported_date=plan.move_on, entered_by=clerk,
                        idempotency_key=load_key(code, seed, hh.seq, "move_within"),
                    )
                with as_staff(municipality, approver):
                    events.approve_event(sub.event.pk, approver=approver)
                stats.events += 1
                stats.moves += 1
        if progress is not None:
            progress(stats.residents, residents)
    with as_staff(municipality, approver):
        stats.facts = EventFact.objects.count() - facts_before
    stats.seconds = time.perf_counter() - start
    return stats


