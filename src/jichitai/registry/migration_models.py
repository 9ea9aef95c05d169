"""データ移行の実行記録: one row per import or export of the whole register (importer.migration)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class MigrationRun(TenantModel):
    """A migration run: written in the import's own transaction, so a failed run leaves none."""

    direction = models.CharField(
        "方向", max_length=10, choices=[("import", "取込"), ("export", "出力")]
    )
    run_key = models.CharField("実行キー", max_length=100, blank=True)
    sha256 = models.CharField("内容のSHA-256", max_length=64, blank=True)
    status = models.CharField(
        "状態", max_length=12, default="completed", choices=[("completed", "完了")]
    )
    persons = models.PositiveIntegerField("住民数", default=0)
    households = models.PositiveIntegerField("世帯数", default=0)
    events = models.PositiveIntegerField("異動数", default=0)
    facts = models.PositiveIntegerField("異動明細数", default=0)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="実行者"
    )
    started_at = models.DateTimeField("開始日時", default=timezone.now)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)
    detail = models.JSONField("詳細", default=dict)

    class Meta(TenantModel.Meta):
        verbose_name = "データ移行の実行"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "sha256"],
                name="uniq_migration_content",
                condition=models.Q(direction="import"),
            ),
        ]
