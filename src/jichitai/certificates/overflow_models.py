"""文字超過リスト ([1070]#2): values that did not fit their box, and characters IPAmj明朝 cannot draw
(未登録外字), each with the person, the item and the certificate, for staff to check."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel

OVERFLOW, UNDRAWABLE = "overflow", "undrawable"


class OverflowEntry(TenantModel):
    """One line of the 文字超過リスト."""

    kind = models.CharField(
        "区分",
        max_length=12,
        choices=[(OVERFLOW, "文字溢れ"), (UNDRAWABLE, "印字できない文字（外字）")],
    )
    recorded_at = models.DateTimeField("記録日時", default=timezone.now)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="職員"
    )
    certificate_kind = models.CharField("証明書の種別", max_length=30)
    # kept when the 交付履歴 goes after its period; empty when nothing was issued (外字)
    issuance = models.ForeignKey(
        "certificates.Issuance", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    number = models.CharField("発行番号", max_length=200, blank=True)
    person_id = models.BigIntegerField("住民ID", null=True, blank=True)
    item = models.CharField("項目", max_length=60, blank=True)
    text = models.TextField("内容（全文）", blank=True)
    codes = models.CharField("文字コード", max_length=200, blank=True)  # "U+8FBB U+E0199"
    checked_at = models.DateTimeField("確認日時", null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="確認した職員",
    )

    class Meta(TenantModel.Meta):
        verbose_name = "文字超過リスト"
        indexes = [models.Index(fields=["municipality", "recorded_at"], name="overflow_recorded")]
