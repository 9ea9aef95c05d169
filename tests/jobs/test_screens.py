"""The batch screens ([1280]): the last parameters offered again, the changed ones marked before
the start, the start only queued (the counter never runs a batch), schedules, the run history
with the error of a failed run; 除票検索 ([50]#6) from the protected side."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from jichitai.jobs import worker
from jichitai.jobs.models import Run, Schedule
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, move_in_family, people
from tests.registry.test_snapshots import _protect
from tests.web_registry.conftest import login

pytestmark = pytest.mark.django_db
JOB = "/registry/batch/jobs/registry.removed_archive/"


def _approver(office) -> Client:
    return login(Client(), office.approver, office.municipality)


@pytest.mark.std("1280#2", "1280#3", "1280#4")
def test_last_parameters_offered_changes_marked_and_the_start_only_queued(office) -> None:
    c = _approver(office)
    page = c.get(JOB).content.decode()
    assert 'name="batch_size" value="500"' in page and "前回の値" in page
    confirm = c.post(
        JOB, {"action": "confirm", "years": "5", "batch_size": "200", "base_date": ""}
    ).content.decode()
    assert (
        confirm.count('badge">変更あり') == 1 and "1件" in confirm
    )  # only 1回に処理する件数 changed
    resp = c.post(JOB, {"action": "run", "years": "5", "batch_size": "200", "base_date": ""})
    assert resp.status_code == 302
    with activate(office.ctx()):
        run = Run.objects.get()
        assert run.status == "queued" and run.changed == [
            "batch_size"
        ]  # queued: the worker runs it
    assert 'value="200"' in c.get(JOB).content.decode()  # offered again next time
    detail = c.get(resp["Location"]).content.decode()
    assert "待機中" in detail and "前回から変更" in detail
    bad = c.post(JOB, {"action": "confirm", "years": "五", "batch_size": "200", "base_date": ""})
    assert bad.status_code == 400 and "数字で入力" in bad.content.decode()


@pytest.mark.std("1280#1", "1280#5")
def test_schedules_and_the_run_history_with_a_failure(office) -> None:
    c = _approver(office)
    resp = c.post(
        JOB + "schedule/",
        {
            "kind": "weekly",
            "weekday": "6",
            "at_time": "02:30",
            "years": "5",
            "batch_size": "500",
            "base_date": "",
        },
    )
    assert resp.status_code == 302
    for bad in (
        {"kind": "once", "on_date": "令和2年1月1日", "at_time": "02:30"},
        {"kind": "monthly", "day_of_month": "40", "at_time": "02:30"},
        {"kind": "daily", "at_time": "25時"},
    ):
        r = c.post(JOB + "schedule/", {**bad, "years": "5", "batch_size": "500", "base_date": ""})
        assert r.status_code == 400
    listing = c.get("/registry/batch/").content.decode()
    assert "毎週 日曜日 02:30" in listing and "除票用データベースへの移行" in listing
    with activate(office.ctx()):
        s = Schedule.objects.get()
        assert s.next_run_at.astimezone().weekday() in range(7) and s.kind == "weekly"
    c.post(JOB, {"action": "run", "years": "3", "batch_size": "500", "base_date": ""})
    worker.drain()
    history = c.get("/registry/batch/runs/").content.decode()
    assert "異常終了" in history
    with activate(office.ctx()):
        run = Run.objects.get(status="failed")
    detail = c.get(f"/registry/batch/runs/{run.pk}/").content.decode()
    assert "経過年数は5年以上" in detail and "エラーコード" in detail
    assert c.post(f"/registry/batch/schedules/{s.pk}/stop/").status_code == 302
    with activate(office.ctx()):
        assert not Schedule.objects.get().active


def test_a_clerk_has_no_batch_screens_and_another_municipality_no_runs(office, office_b) -> None:
    clerk = login(Client(), office.clerk, office.municipality)
    assert clerk.get("/registry/batch/").status_code == 403
    _approver(office).post(
        JOB, {"action": "run", "years": "5", "batch_size": "500", "base_date": ""}
    )
    with activate(office.ctx()):
        run = Run.objects.get()
    other = login(Client(), office_b.approver, office_b.municipality)
    assert other.get(f"/registry/batch/runs/{run.pk}/").status_code == 404


@pytest.mark.std("50#6")
def test_removed_search_screen_masks_a_protected_record(office) -> None:
    with activate(office.ctx()):
        move_in_family(office, dt.date(2015, 4, 1))
        head, wife, son = people()
        apply(office, "death", {"person_id": son.pk}, dt.date(2019, 3, 3))
        _protect(office, son.pk)
    page = login(Client(), office.clerk, office.municipality).get(
        "/registry/removed/", {"name": "髙橋"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "支援措置対象" in text and "太郎" not in text
    assert f"/registry/persons/{son.pk}/" not in text
    assert (
        login(Client(), office.clerk, office.municipality)
        .get("/registry/removed/", {"birth_date": "昭和九十九年"})
        .status_code
        == 400
    )


def test_a_job_asking_a_further_right_is_refused_without_it(office, monkeypatch) -> None:
    from jichitai.jobs import catalogue
    from jichitai.jobs.contract import BatchJob, JobOutcome

    job = BatchJob(
        name="test.admin",
        title="管理者の処理",
        functions=("1280",),
        run=lambda p, progress: JobOutcome(),
        capability="accounts.manage_staff",
    )
    monkeypatch.setitem(catalogue.jobs(), job.name, job)
    c = _approver(office)
    assert c.get("/registry/batch/jobs/test.admin/").status_code == 403
    assert c.post("/registry/batch/jobs/test.admin/", {"action": "run"}).status_code == 403
    with activate(office.ctx()):
        assert not Run.objects.exists()
