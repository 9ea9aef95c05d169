"""縮退運転 binds the batch jobs too (issue 14): a job that changes the register is refused when
its run comes up while the municipality is degraded (a schedule keeps firing), a reading job (a
backup, an EUC extract) still runs, and another municipality's mode is not ours."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.jobs import catalogue, runner, worker
from jichitai.jobs.contract import BatchJob, JobOutcome
from jichitai.jobs.models import Run
from jichitai.tenancy import degraded
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import MunicipalSetting

pytestmark = pytest.mark.django_db


def _jobs(monkeypatch: Any, calls: list[str]) -> None:
    def run(name: str) -> Any:
        def _run(_params: Any, progress: Any) -> JobOutcome:
            calls.append(name)
            progress(1, 1)
            return JobOutcome(counts={"done": 1}, message="完了")

        return _run

    for name, writes in (("test.writer", True), ("test.reader", False)):
        monkeypatch.setitem(
            catalogue.jobs(),
            name,
            BatchJob(name=name, title="テスト", functions=("1280",), run=run(name), writes=writes),
        )


def _degrade(office: Any, mode: str) -> None:
    with activate(office.ctx()):
        MunicipalSetting.objects.create(
            key=degraded.SETTING, value={"mode": mode, "reason": "停電", "since": "", "by": "t"}
        )


def _queue(office: Any, name: str) -> int:
    with activate(office.ctx()):
        return runner.start(name, {}).pk  # as a schedule starts it: no staff member


@pytest.mark.parametrize("mode", [degraded.READ_ONLY, degraded.ISSUANCE_ONLY])
def test_a_writing_job_is_refused_in_a_degraded_municipality_and_a_reading_job_runs(
    office, office_b, monkeypatch, mode
) -> None:
    calls: list[str] = []
    _jobs(monkeypatch, calls)
    _degrade(office, mode)
    refused, read = _queue(office, "test.writer"), _queue(office, "test.reader")
    elsewhere = _queue(office_b, "test.writer")  # B is not degraded: A's mode is A's alone
    assert worker.drain() == 3
    assert sorted(calls) == ["test.reader", "test.writer"]  # the writer ran once: B's
    with activate(office.ctx()):
        run = Run.objects.get(pk=refused)
        assert run.status == "failed" and "縮退運転中" in run.error
        assert degraded.LABELS[mode] in run.error and run.error_code.endswith("DegradedModeRefusal")
        assert Run.objects.get(pk=read).status == "succeeded"
        assert not Run.objects.filter(pk=elsewhere).exists()  # B's run is not A's to read
    with activate(office_b.ctx()):
        assert Run.objects.get(pk=elsewhere).status == "succeeded"
        assert not Run.objects.filter(pk=refused).exists()


def test_once_the_mode_is_off_the_writing_job_runs_again(office, monkeypatch) -> None:
    calls: list[str] = []
    _jobs(monkeypatch, calls)
    _degrade(office, degraded.READ_ONLY)
    _queue(office, "test.writer")
    worker.drain()
    with activate(office.ctx()):
        MunicipalSetting.objects.filter(key=degraded.SETTING).delete()
    again = _queue(office, "test.writer")
    worker.drain()
    assert calls == ["test.writer"]
    with activate(office.ctx()):
        assert Run.objects.get(pk=again).status == "succeeded"


def test_the_shipped_reading_jobs_are_marked_as_reading() -> None:
    jobs = catalogue.jobs()
    assert jobs["continuity.backup"].writes is False and jobs["registry.euc"].writes is False
    assert jobs["registry.removed_archive"].writes is True  # 除票の移行 changes the register
