"""手数料: the fee per certificate kind and copy, the 減免事由 the counter may choose, and the fee
charged with each issuance (kept like the 交付履歴 it belongs to, [300]#2)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from jichitai.tenancy.models import TenantModel

from ..models import Issuance


class FeeRate(TenantModel):
    """The municipality's fee for one copy of a kind (手数料条例); a kind without a row costs 0
    and the 日計表 says 「手数料未設定」."""

    kind = models.CharField("証明書の種別", max_length=30)
    amount = models.PositiveIntegerField("手数料（1通・円）")
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name="更新者",
    )

    class Meta(TenantModel.Meta):
        verbose_name = "証明書手数料"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="uniq_fee_rate_kind")
        ]


class FeeExemption(TenantModel):
    """A named 減免事由 (e.g. 生活保護) with its 根拠, chosen at the counter. Never deleted: an
    issuance may name it; a reason no longer used is switched off."""

    label = models.CharField("減免事由", max_length=50)
    basis = models.CharField("根拠", max_length=200)
    active = models.BooleanField("使用中", default=True)
    created_at = models.DateTimeField("登録日時", default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "手数料の減免事由"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "label"], name="uniq_fee_exemption")
        ]


class IssuanceFee(TenantModel):
    """The fee of one issuance: the rate and the exemption as they were when it was issued."""

    # part of the 交付履歴 row: goes with it once its period is over (the guards below and on
    # Issuance refuse any deletion before)
    issuance = models.OneToOneField(
        Issuance, on_delete=models.CASCADE, related_name="fee", verbose_name="交付履歴"
    )
    unit = models.PositiveIntegerField("手数料（1通）")
    rate_set = models.BooleanField("手数料設定あり", default=True)
    copies = models.PositiveSmallIntegerField("通数")
    amount = models.PositiveIntegerField("徴収額")
    exemption = models.CharField("減免事由", max_length=50, blank=True)  # 公用 or a FeeExemption
    exemption_basis = models.CharField("減免の根拠", max_length=400, blank=True)
    exemption_ref = models.ForeignKey(
        FeeExemption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="減免事由（設定）",
    )

    class Meta(TenantModel.Meta):
        verbose_name = "交付手数料"


@receiver(pre_delete, sender=IssuanceFee)
def _keep_fee(sender: Any, instance: IssuanceFee, **kwargs: Any) -> None:
    """The fee is part of the 交付履歴: no deletion inside its keeping period ([300]#2)."""
    from ..models import HistoryUndeletable

    until = Issuance.objects.filter(pk=instance.issuance_id).values_list("keep_until", flat=True)
    if until and until[0] >= timezone.localdate():
        raise HistoryUndeletable(until[0])


@receiver(post_save, sender=FeeRate)
@receiver(post_save, sender=FeeExemption)
def _audit_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """A fee or 減免事由 changed: 設定変更ログ, as every 団体別設定."""
    from jichitai.audit.receivers import on_settings_saved

    on_settings_saved(sender, instance, created=created)


@receiver(post_delete, sender=FeeRate)
def _audit_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from jichitai.audit.receivers import on_settings_deleted

    on_settings_deleted(sender, instance)
