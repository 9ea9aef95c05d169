"""Two clerks, one household, two real PostgreSQL connections: no update is ever lost.

Both events are entered against the same household version; both are approved at the same time
from two threads (two connections). Exactly one wins; the other is refused with the 「他の職員が先に」
message and stays provisional, so the clerk re-enters it against the new state.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections

from jichitai.registry import events, selectors
from jichitai.registry.errors import ConcurrentUpdate
from jichitai.registry.models import RegistryEvent
from jichitai.tenancy.context import activate

from .conftest import move_in_family, people

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs two real PostgreSQL connections (runs in the PostgreSQL pass)"),
]
D = dt.date


def _approve_together(office: Any, event_ids: list[int]) -> list[Any]:
    barrier = threading.Barrier(len(event_ids))
    results: list[Any] = [None] * len(event_ids)

    def work(i: int, event_id: int) -> None:
        try:
            with activate(office.ctx(office.approver)):
                barrier.wait(timeout=10)
                results[i] = events.approve_event(event_id, approver=office.approver)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, e)) for i, e in enumerate(event_ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_clerks_editing_one_household_never_lose_an_update(office: Any) -> None:
    for _round in range(3):
        with activate(office.ctx()):
            if _round == 0:
                move_in_family(office)
            fam = [p for p in people() if p.status == "resident"]
            head = next(p for p in fam if p.relationship == "世帯主")
            other = next(p for p in fam if p.pk != head.pk and p.household_id == head.household_id)
            s1 = events.submit_event(
                "move_within", {"person_ids": [p.pk for p in fam if p.household_id == head.household_id],
                                "address": {"address_id": office.address2.pk, "banchi": f"{_round}-1"}},
                effective_date=D(2023, 1 + 2 * _round, 1), reported_date=None, entered_by=office.clerk)
            s2 = events.submit_event(
                "head_change", {"household_id": head.household_id, "new_head_id": other.pk,
                                "relationships": {str(head.pk): "同居人"}},
                effective_date=D(2023, 1 + 2 * _round, 1), reported_date=None, entered_by=office.clerk)
        results = _approve_together(office, [s1.event.pk, s2.event.pk])
        winners = [r for r in results if isinstance(r, RegistryEvent)]
        losers = [r for r in results if isinstance(r, ConcurrentUpdate)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert "他の職員が先に" in losers[0].messages[0]
        with activate(office.ctx()):
            statuses = dict(RegistryEvent.objects.filter(pk__in=[s1.event.pk, s2.event.pk])
                            .values_list("pk", "status"))
            assert sorted(statuses.values()) == ["approved", "provisional"]
            # the winner's change is in the projection and in the log; nothing half-applied
            hh_state = selectors.household_as_of(head.household_id, D(2100, 1, 1))
            won = winners[0]
            if won.kind == "move_within":
                assert hh_state["banchi"] == f"{_round}-1"
            else:
                assert hh_state["head_id"] == other.pk
            # the loser, re-entered against the new state, goes through
            loser_id = next(pk for pk, st in statuses.items() if st == "provisional")
            ev = RegistryEvent.objects.get(pk=loser_id)
            events.reject_event(loser_id, approver=office.approver, reason="競合のため再入力")
            if ev.kind == "head_change":
                fam = [p for p in people() if p.status == "resident" and p.household_id == head.household_id]
                new_head = next(p for p in fam if p.relationship != "世帯主")
                old_head = next(p for p in fam if p.relationship == "世帯主")
                s = events.submit_event("head_change", {
                    "household_id": head.household_id, "new_head_id": new_head.pk,
                    "relationships": {str(old_head.pk): "同居人"}}, effective_date=D(2023, 2 + 2 * _round, 1),
                    reported_date=None, entered_by=office.clerk)
            else:
                s = events.submit_event("move_within", {
                    "person_ids": [p.pk for p in people() if p.status == "resident"
                                   and p.household_id == head.household_id],
                    "address": {"address_id": office.address2.pk, "banchi": f"{_round}-1"}},
                    effective_date=D(2023, 2 + 2 * _round, 1), reported_date=None, entered_by=office.clerk)
            events.approve_event(s.event.pk, approver=office.approver)


def test_parallel_approvals_of_different_households_all_succeed_with_gapless_order(office: Any) -> None:
    with activate(office.ctx()):
        for family in ("佐藤", "鈴木", "田中", "伊藤"):
            move_in_family(office, family=family)
        heads = [p for p in people() if p.relationship == "世帯主"]
        subs = [events.submit_event("name_change", {"person_id": h.pk, "family_name": h.family_name + "野"},
                                      effective_date=D(2023, 3, 3), reported_date=None, entered_by=office.clerk)
                for h in heads]
    results = _approve_together(office, [s.event.pk for s in subs])
    assert all(isinstance(r, RegistryEvent) for r in results), results
    with activate(office.ctx()):
        seqs = sorted(RegistryEvent.objects.filter(status="approved").values_list("approval_seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))
