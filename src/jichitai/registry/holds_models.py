"""抑止 ([410] 3.1): a hold on one process for one person or one household.

A hold never ends by itself: ``end_date`` only informs ([410]#6); it ends when a person releases
it (``released_at``). A 一時解除 sets ``relock_at``: the hold counts again from then on, computed
at read time, so no job has to run for it to lock again ([410]#3).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class HoldProcess(models.TextChoices):
    ENTRY = "entry", "異動入力"
    ISSUANCE = "issuance", "証明書発行"
    INQUIRY = "inquiry", "照会"


class HoldLevel(models.TextChoices):
    ERROR = "error", "エラー（処理不可）"
    ALERT = "alert", "アラート（確認のうえ処理可）"


class Hold(TenantModel):
    """抑止: per process, per person or household, level error or alert."""

    process = models.CharField("抑止する処理", max_length=10, choices=HoldProcess.choices)
    level = models.CharField("抑止レベル", max_length=5, choices=HoldLevel.choices)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="holds", verbose_name="対象者")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="holds", verbose_name="対象世帯")
    start_date = models.DateField("開始日")
    end_date = models.DateField("終了日（予定）", null=True, blank=True)
    reason = models.CharField("抑止理由", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField("解除日時", null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    release_reason = models.CharField("解除理由", max_length=200, blank=True)
    # 一時解除: until relock_at the hold does not count; afterwards it counts again by itself
    relock_at = models.DateTimeField("一時解除の終了日時", null=True, blank=True)
    temporarily_released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                                blank=True, related_name="+")

    class Meta(TenantModel.Meta):
        verbose_name = "抑止"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, household__isnull=True)
                | models.Q(person__isnull=True, household__isnull=False),
                name="hold_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "person"], name="hold_person"),
            models.Index(fields=["municipality", "household"], name="hold_household"),
        ]
