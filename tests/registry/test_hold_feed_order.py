"""[420]#1 on two real PostgreSQL connections: a hold change still in flight blocks the next writer
of the municipality, so feed rows commit in ``seq`` order and a reader's cursor never passes a
row that commits later (which that reader would never get). The feed's own lock
(``hold_feed._in_turn``) guarantees it; the audit chain's head lock, taken by the same change,
does too today — this test proves the behaviour, whichever holds it."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction

from jichitai.registry import hold_feed, holds
from jichitai.registry.link_models import HoldChange
from jichitai.tenancy.context import activate

from .conftest import move_in_family, people

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two real PostgreSQL connections (runs in the PostgreSQL pass)",
    ),
]


def _set(office: Any, person_id: int, reason: str) -> Any:
    return holds.set_hold(
        process="issuance",
        level="error",
        start=dt.date(2024, 1, 1),
        reason=reason,
        staff=office.approver,
        person_id=person_id,
    )


@pytest.mark.std("420#1")
def test_a_change_in_flight_holds_the_next_one_back(office: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
    inserted, done_b = threading.Event(), threading.Event()
    seqs: dict[str, int] = {}

    def first() -> None:
        try:
            with activate(office.ctx(office.approver)), transaction.atomic():
                seqs["a"] = HoldChange.objects.get(hold=_set(office, head.pk, "一件目")).seq
                inserted.set()
                time.sleep(1.5)  # still in flight
        finally:
            connections.close_all()

    def second() -> None:
        try:
            inserted.wait(timeout=10)
            with activate(office.ctx(office.approver)):
                seqs["b"] = HoldChange.objects.get(hold=_set(office, wife.pk, "二件目")).seq
            done_b.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    assert inserted.wait(timeout=10)
    time.sleep(0.5)
    assert not done_b.is_set()  # the second writer waits for the first to commit
    with activate(office.ctx()):
        assert (
            hold_feed.changes(since=0, target="atena", staff=office.approver).rows == []
        )  # nothing yet
    for t in threads:
        t.join(timeout=30)
    assert seqs["a"] < seqs["b"]
    with activate(office.ctx()):
        rows = hold_feed.changes(since=0, target="atena", staff=office.approver).rows
        assert [r["person_id"] for r in rows] == [head.pk, wife.pk]
