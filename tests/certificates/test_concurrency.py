"""200 simultaneous issuance requests at one municipality, each thread on its own PostgreSQL
connection: every response carries the subject it was asked for, and the 発行番号 are unique and
gap-free (the day's counter row locked with SELECT … FOR UPDATE in each issuing transaction).

At most CONNECTIONS threads hold a connection at once: the throwaway server allows 200 connections
(3 reserved) and the test itself holds one; all 200 requests are started together behind a barrier.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from jichitai.certificates.issuance import Requester, finalize, issue
from jichitai.certificates.issuance.fake import fake_renderer, read_fake
from jichitai.certificates.models import Issuance, IssuanceCounter
from jichitai.tenancy.context import activate

from .conftest import request

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs 200 real PostgreSQL connections (runs in the PostgreSQL pass)",
    ),
]
REQUESTS = 200
CONNECTIONS = 150


def _residents(office: Any, n: int) -> list[int]:
    from jichitai.registry.models import Household, Person

    ids = []
    for i in range(n):
        hh = Household.objects.create(
            household_no=f"c{i:05d}", address=office.address, banchi=f"{i + 1}番地"
        )
        kanji = "".join("〇一二三四五六七八九"[int(d)] for d in f"{i:03d}")
        p = Person.objects.create(
            atena_no=f"9{i:07d}",
            household=hh,
            relationship="世帯主",
            family_name="並行",
            given_name=kanji,
            name_key=f"並行{kanji}",
            kana_key="ヘイコウ",
            birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=i),
            sex="1",
            resident_type="japanese",
            status="resident",
            resident_code=f"{20_000_000_000 + i:011d}",
        )
        hh.head = p
        hh.save(update_fields=["head"])
        ids.append(p.pk)
    return ids


def test_200_simultaneous_requests_get_their_own_subject_and_gap_free_numbers(office) -> None:
    with activate(office.ctx()):
        subjects = _residents(office, REQUESTS)
    barrier = threading.Barrier(REQUESTS)
    slots = threading.BoundedSemaphore(CONNECTIONS)
    results: list[Any] = [None] * REQUESTS

    def work(i: int, pid: int) -> None:
        try:
            barrier.wait(timeout=60)
            with slots:
                try:
                    with activate(office.ctx(office.clerk)):
                        req = request([pid], requester=Requester("self", person_id=pid))
                        issued = issue(req, staff=office.clerk, renderer=fake_renderer)
                        results[i] = (req.request_id, finalize(issued, [pid]))
                finally:
                    connections.close_all()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i, pid)) for i, pid in enumerate(subjects)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    errors = [r for r in results if not isinstance(r, tuple)]
    assert not errors, errors[:3]
    seqs = []
    for pid, (request_id, issued) in zip(subjects, results, strict=True):
        assert issued.request_id == request_id and issued.subject_ids == (pid,)
        (copy,) = issued.copies
        printed = read_fake(copy.content)
        assert printed["person_ids"] == [pid] and printed["request_id"] == request_id
        assert printed["members"][0]["氏名"].startswith("並行")
        seqs.append(int(copy.number.split(" ")[-1]))
    assert sorted(seqs) == list(range(1, REQUESTS + 1))  # unique and gap-free
    with activate(office.ctx()):
        assert IssuanceCounter.objects.get(day=timezone.localdate()).last == REQUESTS
        rows = list(Issuance.objects.values_list("subject_ids", "numbers"))
        assert len(rows) == REQUESTS and sorted(s[0] for s, _ in rows) == sorted(subjects)


def test_the_counter_alone_never_hands_out_a_number_twice(office) -> None:
    """The lock itself, without the rest of the issuance around it (whose audit log also orders
    transactions): 60 transactions take numbers at once."""
    from django.db import transaction

    from jichitai.certificates.issuance import numbering

    day = dt.date(2030, 1, 1)
    barrier = threading.Barrier(60)
    results: list[Any] = [None] * 60

    def work(i: int) -> None:
        try:
            with activate(office.ctx(office.clerk)):
                barrier.wait(timeout=60)
                with transaction.atomic():
                    results[i] = numbering.take(day, 2)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    taken = sorted(n for r in results for n in r)
    assert taken == list(range(1, 121))
