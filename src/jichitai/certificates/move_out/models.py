"""The 転出証明書 as first issued ([660]#3): what its first copy printed, per person and 転出."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class MoveOutCertificate(TenantModel):
    """One person's 転出証明書 (or 転出証明書に準ずる証明書) as it was first printed: a 再交付 prints
    this, never the register of its day ([660]#3, #4). Written in the first issuance's transaction;
    replaced only by a new first issue after that one was 処分 (taken back as wrongly issued)."""

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


def kept(event_id: int, person_ids: Iterable[int]) -> Any:
    """The kept first issues of ``person_ids`` for one 転出, oldest first; a first issue that was
    処分 keeps nothing (the next issue is a first issue again)."""
    from ..models import Issuance

    disposed = Issuance.objects.filter(disposed_at__isnull=False).values("request_id")
    return (
        MoveOutCertificate.objects.filter(event_id=event_id, person_id__in=list(person_ids))
        .exclude(first_request_id__in=disposed)
        .order_by("pk")
    )
