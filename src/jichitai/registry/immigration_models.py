"""法務省通知 received ([960]): each notice kept until it is taken in, so the ones not yet taken in can be
listed whatever their 通知日 and taken in later (automatically once nothing blocks them, or by hand)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class NoticeState(models.TextChoices):
    PENDING = "pending", "未取込"
    SUBMITTED = "submitted", "取込済み（仮登録）"
    SETTLED = "settled", "手動で取込済み"


class ImmigrationNotice(TenantModel):
    """One 出入国在留管理庁長官通知 as the file gave it (registry.immigration.Notice)."""

    number = models.CharField("通知番号", max_length=40)
    notified_on = models.DateField("通知日")
    action = models.CharField("処理区分", max_length=4)
    reason = models.CharField("事由", max_length=100, blank=True)
    effective_date = models.DateField("異動日")
    card = models.CharField("在留カード等番号", max_length=12)
    birth_date = models.DateField("生年月日")
    sex = models.CharField("性別", max_length=1)
    changes = models.JSONField("変更後の項目", default=dict)
    file_name = models.CharField("ファイル名", max_length=200, blank=True)
    received_at = models.DateTimeField("取込日時", default=timezone.now)
    state = models.CharField(
        "状態", max_length=10, choices=NoticeState.choices, default=NoticeState.PENDING
    )
    event = models.ForeignKey(
        "registry.RegistryEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="異動",
    )

    class Meta(TenantModel.Meta):
        verbose_name = "出入国在留管理庁長官通知"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="uniq_immigration_notice"
            )
        ]

    def __str__(self) -> str:
        return self.number
