"""住民票コードの蓄積 ([870] 4.6.1): codes received for new numbering, kept until one is given.

The national network (CS) hands the municipality a stock of unused 住民票コード; this table holds
that stock locally. A code is used when a person row holds it (no separate "used" flag that could
disagree with the register); what is left is drawn at random ([870]#3).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class ResidentCodeStock(TenantModel):
    """One 新規付番用の住民票コード received (from the CS, or its simulated file)."""

    code = models.CharField("住民票コード", max_length=11)
    received_at = models.DateTimeField("取得日時", default=timezone.now)
    source = models.CharField("取得元", max_length=100, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = "新規付番用住民票コード"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="uniq_resident_code_stock"
            )
        ]

    def __str__(self) -> str:
        return self.code
