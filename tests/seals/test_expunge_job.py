"""The 職権抹消 of departed persons' seals runs as a batch job through the runner (docs/seals.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jichitai.jobs import runner, worker
from jichitai.jobs.models import Run
from jichitai.seals.models import SealRegistration
from jichitai.seals.service import register
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, move_in_family, people
from tests.seals.conftest import image_bytes

MM = Decimal("15.0")


@pytest.mark.django_db
def test_the_job_expunges_a_dead_persons_seal_and_records_the_run(office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b, family="佐々木")
        b_wife = people()[1]
        register(b_wife.pk, image_bytes(), MM, MM, staff=office_b.clerk, reason="申請")
        apply(office_b, "death", {"person_id": b_wife.pk}, dt.date(2024, 6, 1))
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
        for p in (head, wife):
            register(p.pk, image_bytes(), MM, MM, staff=office.clerk, reason="申請")
        apply(office, "death", {"person_id": wife.pk}, dt.date(2024, 6, 1))
        runner.start("seals.expunge_departed", {}, staff=office.clerk)
    assert worker.drain() == 1
    with activate(office.ctx()):
        run = Run.objects.get(job_name="seals.expunge_departed")
        assert (run.status, run.counts) == ("succeeded", {"expunged": 1})
        states = dict(SealRegistration.objects.values_list("person_id", "state"))
        assert states == {head.pk: "active", wife.pk: "expunged"}
    with activate(office_b.ctx()):  # B's departed person is B's job, not touched by A's run
        assert SealRegistration.objects.get().state == "active" and not Run.objects.exists()
