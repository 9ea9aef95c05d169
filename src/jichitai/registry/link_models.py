"""抑止の連携 ([410]#9, [420]#1): one row per hold or 支援措置 set or released, in order.

An outbox: the set/release functions write a row in the same transaction as the change, so the
宛名システム, the kiosk and the CS read every change exactly once by a cursor (``seq``). A 一時解除
never writes a row ([410]#2). Reasons, 加害者等 and the [160] case never enter this table.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class HoldChange(TenantModel):
    """抑止の設定・解除の連携データ."""

    seq = models.BigAutoField("連番", primary_key=True)
    at = models.DateTimeField("処理日時", default=timezone.now)
    action = models.CharField("区分", max_length=7, choices=[("set", "設定"), ("release", "解除")])
    source = models.CharField(
        "抑止の種類", max_length=7, choices=[("hold", "抑止"), ("support", "支援措置")]
    )
    hold = models.ForeignKey(
        "registry.Hold", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    measure = models.ForeignKey(
        "registry.SupportMeasure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # a 支援措置 holds every process; a hold names one ([410]#2)
    process = models.CharField("抑止する処理", max_length=10)
    level = models.CharField("抑止レベル", max_length=5)
    start_date = models.DateField("開始日")
    end_date = models.DateField("終了日（予定）", null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = "抑止の連携データ"
        indexes = [models.Index(fields=["municipality", "seq"], name="hold_change_seq")]
