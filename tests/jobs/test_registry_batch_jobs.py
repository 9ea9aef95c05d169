"""[1280]#7: the register's chapter 9 work ([1290], [1310]–[1340]) runs as batch jobs — started
directly or by a schedule, run by the worker (in-process here, the same database queue), each run
recorded with its counts and files; a run that fails is recorded as failed with an alert.

[530]#8 (must not): the 閲覧用写し is made while a 仮登録 waits; it is not blocked by it and holds
only 本登録 data. Another municipality's runs and residents stay out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.jobs import runner, worker
from jichitai.jobs.models import Run, RunFile, Schedule
from jichitai.registry import events
from jichitai.registry.models import EventStatus, RegistryEvent
from jichitai.tenancy.context import activate
from tests.registry.conftest import move_in_family, people, person_spec

pytestmark = pytest.mark.django_db
D = dt.date
JOBS = {  # job → the parameters a clerk gives
    "registry.held_persons": {},
    "registry.adult_ward_notices": {"since": "2020-01-01", "until": "2030-12-31"},
    "registry.inspection_copy": {},
    "registry.random_sample": {"count": 2},
    "registry.address_renumbering": {"mode": "extract", "towns": "001"},
}


def _rows(run: Run, name: str) -> list[list[str]]:
    data = RunFile.objects.get(run=run, name=name).content
    return list(csv.reader(io.StringIO(bytes(data).decode("utf-8-sig"))))


def _names(run: Run) -> set[str]:
    return {r[1] for r in _rows(run, "閲覧用写し.csv")[1:]}


@pytest.mark.std("1280#7")
def test_the_chapter_9_jobs_run_through_the_worker_and_are_recorded(office, office_b) -> None:
    with activate(office.ctx()):
        move_in_family(office, D(2020, 4, 1))
        for name, values in JOBS.items():
            runner.start(name, values, staff=office.approver)
        s = Schedule(
            job_name="registry.inspection_copy",
            kind="daily",
            at_time=dt.time(1, 0),
            params={"order": "kana"},
            created_by=office.approver,
        )
        s.next_run_at = timezone.now() - dt.timedelta(minutes=1)
        s.save()
    with activate(office_b.ctx()):
        move_in_family(office_b, D(2020, 4, 1), family="佐々木")
    assert worker.enqueue_due() == 1
    assert worker.drain() == len(JOBS) + 1
    with activate(office.ctx()):
        done = {r.job_name: r for r in Run.objects.filter(trigger="manual")}
        assert {n: r.status for n, r in done.items()} == dict.fromkeys(JOBS, "succeeded")
        assert all(r.counts and r.message and r.duration_seconds is not None for r in done.values())
        inspection = done["registry.inspection_copy"]
        assert _names(inspection) == {"髙橋\u3000一郎", "髙橋\u3000花子", "髙橋\u3000太郎"}
        scheduled = Run.objects.get(trigger="schedule")
        assert scheduled.status == "succeeded" and _names(scheduled) == _names(inspection)
        assert done["registry.address_renumbering"].counts == {"households": 1}
        assert RunFile.objects.filter(run=done["registry.random_sample"]).exists()
        assert RunFile.objects.filter(run=done["registry.address_renumbering"]).exists()
    with activate(office_b.ctx()):
        assert not Run.objects.exists()


@pytest.mark.std("1280#7")
def test_a_chapter_9_job_that_fails_is_recorded_as_failed_with_an_alert(office) -> None:
    with activate(office.ctx(office.approver)):
        move_in_family(office, D(2020, 4, 1))
        bad = runner.start(
            "registry.inspection_copy",
            {"born_from": "2000-01-01", "born_to": "1990-01-01"},
            staff=office.approver,
        )
        wrong = runner.start(
            "registry.address_renumbering",
            {"mode": "apply", "csv": "壊れた,行"},
            staff=office.approver,
        )
    assert worker.drain() == 2
    with activate(office.ctx()):
        for run in (bad, wrong):
            run.refresh_from_db()
            assert run.status == "failed" and run.error_code and run.finished_at
            assert not RunFile.objects.filter(run=run).exists()
        assert "生年月日の範囲が逆" in bad.error
        alerts = AuditEntry.objects.filter(category="alert", action="jobs.run.failed")
        assert {a.subject_id for a in alerts} == {str(bad.pk), str(wrong.pk)}


@pytest.mark.std("530#8")
def test_the_inspection_copy_is_made_while_a_provisional_event_waits(office) -> None:
    with activate(office.ctx()):
        move_in_family(office, D(2020, 4, 1))
        head = people(given_name="一郎")[0]
        waiting = [
            events.submit_event(
                "move_in",
                {
                    "household": {"new": {"address_id": office.address2.pk, "banchi": "9番"}},
                    "persons": [person_spec("p1", "仮野", "登録", "1990-01-01", "世帯主")],
                    "previous_address": "東京都千代田区千代田1番1号",
                },
                effective_date=D(2024, 5, 1),
                reported_date=D(2024, 5, 1),
                entered_by=office.clerk,
            ),
            events.submit_event(
                "move_within",
                {
                    "person_ids": [p.pk for p in people(household_id=head.household_id)],
                    "address": {"address_id": office.address2.pk, "banchi": "3"},
                },
                effective_date=D(2024, 5, 1),
                reported_date=D(2024, 5, 1),
                entered_by=office.clerk,
            ),
        ]
        assert {RegistryEvent.objects.get(pk=w.event.pk).status for w in waiting} == {
            EventStatus.PROVISIONAL
        }
        run = runner.start("registry.inspection_copy", {}, staff=office.approver)
    assert worker.drain() == 1
    with activate(office.ctx()):
        run.refresh_from_db()
        assert run.status == "succeeded"  # not refused because 仮登録 wait
        rows = _rows(run, "閲覧用写し.csv")[1:]
        assert {r[1] for r in rows} == {
            "髙橋\u3000一郎",
            "髙橋\u3000花子",
            "髙橋\u3000太郎",
        }  # 本登録 only
        assert all(
            "1番地2" in r[4] and "3" not in r[4].replace("1番地2", "") for r in rows
        )  # address before
        # the 仮登録 still wait, untouched by the copy
        assert {RegistryEvent.objects.get(pk=w.event.pk).status for w in waiting} == {
            EventStatus.PROVISIONAL
        }
