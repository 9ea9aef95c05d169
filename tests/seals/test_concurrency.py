"""Card numbers on real PostgreSQL connections: registrations at once get distinct, gap-free
numbers, and two registrations of one person at once leave exactly one."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from jichitai.seals import cards
from jichitai.seals.errors import SealError
from jichitai.seals.models import SealCard, SealRegistration
from jichitai.seals.service import register
from jichitai.tenancy.context import activate
from tests.registry.conftest import move_in_family, people
from tests.seals.conftest import image_bytes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real PostgreSQL connections (runs in the PostgreSQL pass)",
    ),
]


def _together(office: Any, jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def work(i: int) -> None:
        try:
            with activate(office.ctx()):
                barrier.wait(timeout=10)
                results[i] = jobs[i]()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _job(office: Any, person_id: int) -> Callable[[], Any]:
    return lambda: register(person_id, image_bytes(), Decimal(15), Decimal(15), staff=office.clerk)


def test_simultaneous_registrations_get_distinct_gap_free_numbers(office: Any) -> None:
    with activate(office.ctx()):
        for family in ("佐藤", "鈴木", "田中"):
            move_in_family(office, family=family)
        adults = [p.pk for p in people() if p.relationship != "子"]
    results = _together(office, [_job(office, pid) for pid in adults])
    assert all(isinstance(r, SealCard) for r in results), results
    numbers = sorted(r.number for r in results)
    assert numbers == [cards.card_number(n) for n in range(1, len(adults) + 1)]


def test_one_person_registered_twice_at_once_keeps_one(office: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0].pk
    results = _together(office, [_job(office, head) for _ in range(4)])
    won = [r for r in results if isinstance(r, SealCard)]
    lost = [r for r in results if isinstance(r, SealError)]
    assert len(won) == 1 and len(lost) == 3, results
    assert all("既に印鑑登録があります" in str(r) for r in lost)
    with activate(office.ctx()):
        assert SealRegistration.objects.filter(person_id=head).count() == 1
