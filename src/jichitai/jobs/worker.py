"""The worker: due schedules are queued, then the queue is drained with django-tasks-db's own
worker pieces (claim under a row lock, run, record), in a process of its own.

``drain()`` runs what is ready and returns (tests run it in-process; ``jichitai jobs worker
--once`` too); ``serve()`` repeats ``tick()`` until stopped.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from jichitai.tenancy.context import activate
from jichitai.tenancy.models import Municipality
from jichitai.tenancy.services import own_context

from . import runner, schedules
from .models import Schedule
from .tasks import QUEUE


def enqueue_due(now: dt.datetime | None = None) -> int:
    """Queue a run for every active schedule whose time has come (one per schedule, however
    late the worker is); returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    for municipality in Municipality.objects.filter(active=True).order_by("pk"):
        with activate(own_context(municipality, purpose="バッチ処理スケジュール")):
            for pk in Schedule.objects.filter(active=True, next_run_at__lte=now).values_list(
                "pk", flat=True
            ):
                queued += _fire(pk, now)
    return queued


def _fire(schedule_pk: int, now: dt.datetime) -> int:
    with transaction.atomic():
        s = (
            Schedule.objects.select_for_update()
            .filter(pk=schedule_pk, active=True, next_run_at__lte=now)
            .first()
        )
        if s is None:  # another worker fired it
            return 0
        s.next_run_at = schedules.next_run(s, now)
        s.active = s.next_run_at is not None
        s.last_enqueued_at = now
        s.save(update_fields=["next_run_at", "active", "last_enqueued_at"])
    runner.start(s.job_name, s.params, schedule=s)
    return 1


def _worker(worker_id: str) -> Worker:
    return Worker(
        queue_names=[QUEUE],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def drain(max_tasks: int | None = None, worker_id: str | None = None) -> int:
    """Run every ready task of the batch queue; returns how many ran."""
    worker = _worker(worker_id or get_random_string(32))
    ran = 0
    while max_tasks is None or ran < max_tasks:
        tasks = DBTaskResult.objects.ready().filter(backend_name="default", queue_name=QUEUE)
        with exclusive_transaction(tasks.db):
            task_result: Any = tasks.get_locked()
            if task_result is not None:
                task_result.claim(worker.worker_id)  # claimed: no other worker runs it
        if task_result is None:
            return ran
        worker.run_task(task_result)
        ran += 1
    return ran


def tick() -> tuple[int, int]:
    """One round of the worker: (schedules fired, tasks run)."""
    return enqueue_due(), drain()


def serve(interval: float = 10.0, stop: Any = None) -> None:
    """Run rounds until ``stop()`` says so (the CLI stops on Ctrl-C / SIGTERM)."""
    while not (stop and stop()):
        fired, ran = tick()
        if not fired and not ran:
            time.sleep(interval)
