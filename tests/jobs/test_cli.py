"""`jichitai jobs list|run|schedule|worker` ([1280]#1 直接起動, #2/#3 the last parameters with the
changes named, #5 the result printed and the exit code)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.cli import main as jichitai
from jichitai.jobs.models import Run, Schedule
from jichitai.tenancy.context import activate

pytestmark = pytest.mark.django_db


@pytest.mark.std("1280#1", "1280#2")
def test_list_run_schedule_and_worker(office, capsys: Any) -> None:
    code = office.municipality.code
    assert jichitai(["jobs", "list"]) == 0
    assert "registry.removed_archive\t除票用データベースへの移行" in capsys.readouterr().out
    assert (
        jichitai(
            [
                "jobs",
                "run",
                "registry.removed_archive",
                "--municipality",
                code,
                "--staff",
                office.approver.username,
                "--param",
                "batch_size=50",
                "--wait",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "変更したパラメータ: batch_size" in out and "正常終了" in out
    # the next run is offered the last parameters: nothing changed unless asked
    assert jichitai(["jobs", "run", "registry.removed_archive", "--municipality", code]) == 0
    out = capsys.readouterr().out
    assert "変更したパラメータ: なし" in out and "'batch_size': 50" in out
    with activate(office.ctx()):
        assert Run.objects.order_by("-pk").first().params["batch_size"] == 50
        Schedule.objects.create(
            job_name="registry.removed_archive",
            kind="month_end",
            at_time=dt.time(3, 0),
            params={"years": 5, "batch_size": 100, "base_date": ""},
            created_by=office.approver,
            next_run_at=timezone.now() - dt.timedelta(seconds=1),
        )
    assert jichitai(["jobs", "schedule", "--municipality", code]) == 0
    assert "毎月末 03:00" in capsys.readouterr().out
    assert jichitai(["jobs", "worker", "--once"]) == 0
    assert (
        "スケジュール起動 1件、実行 2件" in capsys.readouterr().out
    )  # the queued run and the scheduled one
    with activate(office.ctx()):
        assert set(Run.objects.values_list("status", flat=True)) == {"succeeded"}


def test_usage_errors_and_a_clerk_without_the_right(office, capsys: Any) -> None:
    code = office.municipality.code
    assert jichitai(["jobs", "run", "no.such", "--municipality", code]) == 2
    assert jichitai(["jobs", "run", "registry.removed_archive", "--municipality", "999999"]) == 2
    assert (
        jichitai(
            ["jobs", "run", "registry.removed_archive", "--municipality", code, "--param", "x"]
        )
        == 2
    )
    assert (
        jichitai(
            [
                "jobs",
                "run",
                "registry.removed_archive",
                "--municipality",
                code,
                "--staff",
                office.clerk.username,
            ]
        )
        == 2
    )
    assert "権限" in capsys.readouterr().err
    with activate(office.ctx()):
        assert not Run.objects.exists()
