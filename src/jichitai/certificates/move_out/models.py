"""The 転出証明書 as first issued ([660]#3): what its first copy printed, per person and 転出."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class MoveOutCertificate(TenantModel):
    """One person's 転出証明書 (or 転出証明書に準ずる証明書) as it was first printed: a 再交付 prints
    this, never the register of its day ([660]#3, #4). Written once, in the first issuance's
    transaction; never changed."""

    person_id = models.BigIntegerField("住民ID", db_index=True)
    event_id = models.BigIntegerField("転出の異動")  # the 転出届 / 職権消除 (RegistryEvent)
    kind = models.CharField("証明書の種別", max_length=30)
    printed = models.JSONField("当初の記載事項")  # member, address and the 転出's items, as printed
    first_request_id = models.CharField("当初の請求ID", max_length=64)
    first_number = models.CharField("当初の発行番号", max_length=200)
    first_issued_on = models.DateField("当初の交付年月日")
    created_at = models.DateTimeField("記録日時", default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "転出証明書（当初の記載）"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "person_id", "event_id"], name="uniq_move_out_certificate"
            )
        ]
