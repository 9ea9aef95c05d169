"""Starting and running a job: a :class:`Run` is recorded, queued on django-tasks' database queue
and executed by the worker (``jichitai jobs worker``) in the municipality's TenantContext.

Never runs a job in the caller's process: the web request only records and queues ([1280]#4: the
counter never waits for a batch). A failure leaves the run 異常終了 with the error and writes an
alert ([1280]#5) that the operators' monitoring reads (audit alert + the ``jichitai.jobs`` logger).
"""

from __future__ import annotations

import logging
import socket
import time
import traceback
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.audit.models import Severity
from jichitai.audit.recording import record, record_alert
from jichitai.tenancy import degraded
from jichitai.tenancy.context import current

from . import catalogue, params
from .contract import JobOutcome
from .models import Run, RunFile, RunStatus, Schedule

logger = logging.getLogger("jichitai.jobs")


class DegradedModeRefusal(RuntimeError):
    def __init__(self, label: str) -> None:
        super().__init__(f"縮退運転中（{label}）のため、登録を変更するバッチ処理は実行しません。")


def start(
    job_name: str, values: Mapping[str, Any], *, staff: Any = None, schedule: Schedule | None = None
) -> Run:
    """Record a run of ``job_name`` with ``values`` (coerced to the job's types) and queue it."""
    from jichitai.accounts.capabilities import CapabilityMissing, has_capability

    from .tasks import run_job

    job = catalogue.get(job_name)
    if staff is not None and not has_capability(staff, job.capability):
        raise CapabilityMissing(job.capability)
    chosen = params.coerce(job, values)
    before = params.last_params(job)
    with transaction.atomic():
        run = Run.objects.create(
            job_name=job.name,
            trigger="schedule" if schedule else "manual",
            schedule=schedule,
            requested_by=staff,
            params=chosen,
            changed=params.changed_keys(before, chosen),
        )
        record(
            "operation",
            "jobs.run.queued",
            subject_type="batch_run",
            subject_id=run.pk,
            screen="バッチ処理",
            function=job.name,
            detail={"params": chosen, "changed": run.changed},
        )
    # queued after the commit: a worker never sees a task whose run it cannot read
    result = run_job.enqueue(run.pk, current().municipality_id)
    Run.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.task_id = str(result.id)
    return run


def _progress(run: Run):  # type: ignore[no-untyped-def]
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0 or done >= total:  # at most one write a second
            last[0] = now
            Run.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total)

    return progress


def execute(run_id: int) -> str:
    """The worker's side: run the job in batches (the job commits per batch), record the outcome.
    Called inside the run's municipality's TenantContext (tasks.run_job sets it)."""
    run = Run.objects.get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return run.status  # a task delivered twice runs once
    job = catalogue.get(run.job_name)
    if job.writes and (mode := degraded.mode_of_unit()) is not None:
        # a schedule keeps firing while the office is degraded: the run is refused, not deferred,
        # so the operator sees it and starts it again once the mode is off
        _failed(run, DegradedModeRefusal(degraded.LABELS[mode]), 0.0)
        return RunStatus.FAILED
    started = time.monotonic()
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), terminal=socket.gethostname()[:100]
    )
    try:
        outcome = job.run(dict(run.params), _progress(run))
        if not isinstance(outcome, JobOutcome):
            raise TypeError(f"{job.name} returned {type(outcome).__name__}, not JobOutcome")
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, none kills the worker
        _failed(run, exc, time.monotonic() - started)
        return RunStatus.FAILED
    with transaction.atomic():
        for name, content in outcome.files.items():
            RunFile.objects.create(run=run, name=name[:200], content=content, size=len(content))
        Run.objects.filter(pk=run.pk).update(
            status=RunStatus.SUCCEEDED,
            counts=dict(outcome.counts),
            message=outcome.message[:300],
            finished_at=timezone.now(),
            duration_seconds=time.monotonic() - started,
        )
        record(
            "operation",
            "jobs.run.succeeded",
            subject_type="batch_run",
            subject_id=run.pk,
            screen="バッチ処理",
            function=job.name,
            detail={"counts": dict(outcome.counts)},
        )
    return RunStatus.SUCCEEDED


def _failed(run: Run, exc: Exception, seconds: float) -> None:
    code = f"{type(exc).__module__}.{type(exc).__qualname__}"
    if getattr(exc, "pgcode", None) or getattr(getattr(exc, "__cause__", None), "sqlstate", None):
        code += f" ({getattr(exc, 'pgcode', None) or exc.__cause__.sqlstate})"  # type: ignore[union-attr]
    text = "".join(traceback.format_exception_only(exc)).strip()[:2000]
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED,
        error_code=code[:200],
        error=text,
        finished_at=timezone.now(),
        duration_seconds=seconds,
        message="異常終了しました。エラー内容を確認してください。",
    )
    record_alert(
        "jobs.run.failed",
        severity=Severity.CRITICAL,
        subject_type="batch_run",
        subject_id=run.pk,
        screen="バッチ処理",
        function=run.job_name,
        detail={"error_code": code, "error": text[:500]},
    )
    # the other 通報システム read the log: one line with the municipality, job, run and error
    logger.error(
        "batch job failed: municipality=%s job=%s run=%s error=%s",
        current().municipality_id,
        run.job_name,
        run.pk,
        text.splitlines()[-1] if text else code,
    )
