"""Schedules and runs of batch jobs (chapter 9 [1280]), per municipality.

The queue itself is django-tasks' database table (consortium-wide, carries no resident data: a run
id and a municipality id); what a run did is here, tenant-scoped like every register table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class ScheduleKind(models.TextChoices):
    ONCE = "once", "年月日及び時分"
    DAILY = "daily", "毎日"
    WEEKLY = "weekly", "毎週"
    MONTHLY = "monthly", "毎月（日を指定）"
    MONTH_END = "month_end", "毎月末"


WEEKDAYS = [
    (0, "月曜日"),
    (1, "火曜日"),
    (2, "水曜日"),
    (3, "木曜日"),
    (4, "金曜日"),
    (5, "土曜日"),
    (6, "日曜日"),
]


class Schedule(TenantModel):
    """スケジュール: when a job starts by itself, with the parameters it starts with."""

    job_name = models.CharField("処理", max_length=80)
    kind = models.CharField("起動方法", max_length=10, choices=ScheduleKind.choices)
    on_date = models.DateField("年月日", null=True, blank=True)  # ONCE
    at_time = models.TimeField("時分")
    weekday = models.PositiveSmallIntegerField("曜日", null=True, blank=True, choices=WEEKDAYS)
    day_of_month = models.PositiveSmallIntegerField("日", null=True, blank=True)
    params = models.JSONField("パラメータ", default=dict)
    active = models.BooleanField("有効", default=True)
    next_run_at = models.DateTimeField("次回起動日時", null=True, blank=True)
    last_enqueued_at = models.DateTimeField("前回起動日時", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登録者"
    )
    created_at = models.DateTimeField("登録日時", default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "バッチ処理スケジュール"
        indexes = [
            models.Index(fields=["municipality", "active", "next_run_at"], name="jobs_schedule_due")
        ]

    def __str__(self) -> str:
        return f"{self.job_name} {self.get_kind_display()}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "実行中"
    SUCCEEDED = "succeeded", "正常終了"
    FAILED = "failed", "異常終了"


class Run(TenantModel):
    """実行結果: one run of a job: what, with which parameters, how many, how long, how it ended."""

    job_name = models.CharField("処理", max_length=80)
    trigger = models.CharField(
        "起動", max_length=10, choices=[("manual", "直接起動"), ("schedule", "スケジュール")]
    )
    schedule = models.ForeignKey(
        Schedule, on_delete=models.PROTECT, null=True, blank=True, related_name="runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="起動者",
    )
    params = models.JSONField("パラメータ", default=dict)
    changed = models.JSONField("前回から変更したパラメータ", default=list)
    status = models.CharField(
        "状態", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    counts = models.JSONField("件数", default=dict)
    message = models.CharField("処理結果", max_length=300, blank=True)
    progress_done = models.PositiveBigIntegerField("処理済み件数", default=0)
    progress_total = models.PositiveBigIntegerField("対象件数", default=0)
    error_code = models.CharField("エラーコード", max_length=200, blank=True)
    error = models.TextField("エラー内容", blank=True)
    terminal = models.CharField("処理端末名称", max_length=100, blank=True)
    task_id = models.CharField("キューのタスクID", max_length=64, blank=True)
    enqueued_at = models.DateTimeField("受付日時", default=timezone.now)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)
    duration_seconds = models.FloatField("処理時間（秒）", null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = "バッチ処理の実行結果"
        indexes = [
            models.Index(fields=["municipality", "job_name", "enqueued_at"], name="jobs_run_job")
        ]

    def __str__(self) -> str:
        return f"{self.job_name} #{self.pk} {self.get_status_display()}"


class RunFile(TenantModel):
    """A file a run produced (CSV, labels …), kept with the run for staff to download."""

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="files")
    name = models.CharField("ファイル名", max_length=200)
    content = models.BinaryField("内容")
    size = models.PositiveBigIntegerField("サイズ")

    class Meta(TenantModel.Meta):
        verbose_name = "バッチ処理の出力ファイル"
        indexes = [models.Index(fields=["municipality", "run"], name="jobs_runfile_run")]

    def __str__(self) -> str:
        return self.name
