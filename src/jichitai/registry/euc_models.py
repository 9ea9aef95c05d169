"""EUC の大量抽出 ([1360]#4, #5): an extraction run by the batch worker instead of the screen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class EucBatch(TenantModel):
    """One extraction handed to the batch worker; its file is handed out to the staff member who
    asked for it only (it was extracted with their 支援措置 need-to-know and 表示権限)."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="依頼した職員",
    )
    spec = models.JSONField("抽出の指定")
    requested_at = models.DateTimeField("依頼日時", default=timezone.now)
    run_id = models.BigIntegerField("バッチ処理の実行ID", null=True, blank=True)  # jobs.Run
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)
    rows = models.PositiveIntegerField("件数", null=True, blank=True)
    file_name = models.CharField("ファイル名", max_length=100, blank=True)
    content = models.BinaryField("出力ファイル", null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = "EUC の大量抽出"
        indexes = [
            models.Index(fields=["municipality", "staff", "requested_at"], name="euc_batch_staff")
        ]
