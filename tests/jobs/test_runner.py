"""[1280] バッチ処理: schedules, the last parameters offered again with the changes named, every
run's result recorded, failure alerted; the worker runs in-process here (django-tasks' database
queue, as in production); another municipality's runs are not ours."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.jobs import catalogue, params, runner, schedules, worker
from jichitai.jobs.contract import BatchJob, JobOutcome
from jichitai.jobs.models import Run, RunFile, Schedule
from jichitai.tenancy.context import activate

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))


def _job(monkeypatch: Any, name: str, run: Any, defaults: dict[str, Any] | None = None) -> BatchJob:
    job = BatchJob(
        name=name,
        title="テスト処理",
        functions=("1280",),
        run=run,
        defaults=defaults or {"count": 3, "label": "既定", "dry_run": False},
    )
    monkeypatch.setitem(catalogue.jobs(), name, job)
    return job


def _counting(params: Any, progress: Any) -> JobOutcome:
    for done in range(1, params["count"] + 1):
        progress(done, params["count"])
    return JobOutcome(
        counts={"processed": params["count"]},
        message=f"{params['label']} 完了",
        files={"result.csv": "氏名\n".encode()},
    )


def _schedule(kind: str, **kw: Any) -> Schedule:
    return Schedule(job_name="x", kind=kind, at_time=dt.time(2, 30), **kw)


@pytest.mark.std("1280#1")
def test_schedules_by_date_time_daily_weekly_monthly_and_month_end() -> None:
    now = dt.datetime(2027, 1, 30, 12, 0, tzinfo=JST)  # a Saturday
    at = lambda s: timezone.localtime(schedules.next_run(s, now))  # noqa: E731
    assert at(_schedule("once", on_date=dt.date(2027, 2, 3))) == dt.datetime(
        2027, 2, 3, 2, 30, tzinfo=JST
    )
    assert schedules.next_run(_schedule("once", on_date=dt.date(2027, 1, 1)), now) is None
    assert at(_schedule("daily")) == dt.datetime(2027, 1, 31, 2, 30, tzinfo=JST)
    assert at(_schedule("weekly", weekday=0)) == dt.datetime(
        2027, 2, 1, 2, 30, tzinfo=JST
    )  # 月曜日
    assert at(_schedule("monthly", day_of_month=15)) == dt.datetime(2027, 2, 15, 2, 30, tzinfo=JST)
    # 毎月31日: February has none, so its last day
    assert at(_schedule("monthly", day_of_month=31)) == dt.datetime(2027, 1, 31, 2, 30, tzinfo=JST)
    feb = dt.datetime(2027, 2, 1, 0, 0, tzinfo=JST)
    assert timezone.localtime(
        schedules.next_run(_schedule("monthly", day_of_month=31), feb)
    ).date() == dt.date(2027, 2, 28)
    assert timezone.localtime(schedules.next_run(_schedule("month_end"), feb)).date() == dt.date(
        2027, 2, 28
    )
    assert timezone.localtime(
        schedules.next_run(_schedule("month_end"), dt.datetime(2028, 2, 1, tzinfo=JST))
    ).date() == dt.date(2028, 2, 29)


@pytest.mark.std("1280#1", "1280#4", "1280#5", "1280#6")
def test_a_due_schedule_is_queued_and_run_by_the_worker_with_its_result_recorded(
    office, monkeypatch
) -> None:
    _job(monkeypatch, "test.count", _counting)
    with activate(office.ctx()):
        s = Schedule(
            job_name="test.count",
            kind="daily",
            at_time=dt.time(1, 0),
            params={"count": 4, "label": "夜間", "dry_run": False},
            created_by=office.approver,
        )
        s.next_run_at = timezone.now() - dt.timedelta(minutes=1)
        s.save()
    assert worker.enqueue_due() == 1
    assert worker.enqueue_due() == 0  # fired once: its next start is tomorrow
    with activate(office.ctx()):
        run = Run.objects.get()
        assert (
            run.status == "queued" and run.trigger == "schedule"
        )  # queued, not run by whoever queued it
        s.refresh_from_db()
        assert s.next_run_at > timezone.now() and s.last_enqueued_at is not None
    assert worker.drain() == 1
    with activate(office.ctx()):
        run.refresh_from_db()
        assert (run.status, run.counts, run.message) == ("succeeded", {"processed": 4}, "夜間 完了")
        assert run.duration_seconds is not None and run.duration_seconds >= 0 and run.terminal
        assert (run.progress_done, run.progress_total) == (4, 4)
        assert run.started_at <= run.finished_at
        assert RunFile.objects.get(run=run).content == "氏名\n".encode()


@pytest.mark.std("1280#2", "1280#3")
def test_last_parameters_offered_again_and_changes_named(office, monkeypatch) -> None:
    job = _job(monkeypatch, "test.count", _counting)
    with activate(office.ctx()):
        assert params.last_params(job) == {
            "count": 3,
            "label": "既定",
            "dry_run": False,
        }  # first time: defaults
        first = runner.start("test.count", {"count": "7", "label": "四月分"}, staff=office.approver)
        assert first.changed == ["count", "label"]
        assert params.last_params(job) == {
            "count": 7,
            "label": "四月分",
            "dry_run": False,
        }  # offered again
        second = runner.start(
            "test.count", {**params.last_params(job), "label": "五月分"}, staff=office.approver
        )
        assert second.changed == ["label"]  # only what was changed is marked
        with pytest.raises(Exception, match="数字"):
            runner.start("test.count", {"count": "七"}, staff=office.approver)


@pytest.mark.std("1280#5")
def test_a_failed_run_records_the_error_and_alerts(office, monkeypatch, caplog) -> None:
    from jichitai.audit.models import AuditEntry

    def broken(params: Any, progress: Any) -> JobOutcome:
        raise OSError(28, "No space left on device")

    _job(monkeypatch, "test.broken", broken)
    with activate(office.ctx(office.approver)):
        run = runner.start("test.broken", {}, staff=office.approver)
    caplog.set_level("ERROR", logger="jichitai.jobs")
    assert worker.drain() == 1
    with activate(office.ctx()):
        run.refresh_from_db()
        assert run.status == "failed" and run.error_code == "builtins.OSError"
        assert (
            "No space left on device" in run.error
            and run.finished_at
            and run.duration_seconds is not None
        )
        alert = AuditEntry.objects.filter(category="alert", action="jobs.run.failed").get()
        assert alert.severity == "critical" and alert.subject_id == str(run.pk)
    assert any("test.broken" in r.getMessage() for r in caplog.records)  # for the 通報システム


def test_runs_and_schedules_of_another_municipality_are_not_ours(
    office, office_b, monkeypatch
) -> None:
    _job(monkeypatch, "test.count", _counting)
    with activate(office.ctx()):
        runner.start("test.count", {}, staff=office.approver)
    with activate(office_b.ctx()):
        assert not Run.objects.exists() and not Schedule.objects.exists()
    assert worker.drain() == 1
    with activate(office_b.ctx()):
        assert not Run.objects.exists()
    with activate(office.ctx()):
        assert Run.objects.get().status == "succeeded"


def test_the_catalogue_loads_every_module_of_entries() -> None:
    import pkgutil

    from jichitai.jobs import entries

    modules = {i.name for i in pkgutil.iter_modules(entries.__path__)}
    assert "removed_archive" in modules
    assert catalogue.get("registry.removed_archive").title == "除票用データベースへの移行"
    with pytest.raises(catalogue.UnknownJob):
        catalogue.get("no.such.job")
