"""証明書の交付: the 発行番号 counter, the 交付履歴 ([300]) and the print log.

A 交付履歴 row cannot be deleted while its keeping period runs ([300]#2): ``delete()``, a
queryset delete and a cascade all pass through the ``pre_delete`` guard below.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class IssuanceCounter(TenantModel):
    """発行された順に付された番号 ([1040]#3): one row per municipality and day, locked by the
    issuing transaction, so numbers are gap-free and never handed out twice."""

    day = models.DateField("発行年月日")
    last = models.PositiveIntegerField("最終番号", default=0)

    class Meta(TenantModel.Meta):
        verbose_name = "発行番号の採番"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "day"], name="uniq_issuance_counter_day"
            )
        ]


class Issuance(TenantModel):
    """交付履歴 ([300]#1): one issuance (all its copies) of one request.

    ``status``: 発行中 while its copies are drawn (numbers taken), 交付済 once they exist, 書損 when
    they could not be made (its numbers void, never reused: the sequence has no hole)."""

    RESERVED, ISSUED, SPOILED = "reserved", "issued", "spoiled"
    STATUSES = ((RESERVED, "発行中"), (ISSUED, "交付済"), (SPOILED, "書損"))

    request_id = models.CharField("請求ID", max_length=64)
    issued_at = models.DateTimeField("交付年月日時", default=timezone.now)
    place = models.CharField(
        "交付場所", max_length=100, blank=True
    )  # kept, never printed ([1040]#6)
    terminal = models.CharField("端末名", max_length=50, blank=True)
    printer = models.CharField("プリンタ", max_length=50, blank=True)
    tray = models.CharField("トレー（ホッパ）", max_length=50, blank=True)  # [1420]#1
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="ユーザID",
    )
    kind = models.CharField("証明書の種別", max_length=30)
    subject_ids = models.JSONField("交付対象者")  # person ids, as requested
    requester_kind = models.CharField("請求者の区分", max_length=20)
    requester_name = models.CharField("請求者", max_length=200, blank=True)
    purpose = models.CharField("請求の事由", max_length=400, blank=True)
    # a kind's own inputs as asked (印鑑登録証の番号, 年度 …): which card, which 年度 was certified
    params = models.JSONField("種別ごとの請求事項", default=dict, blank=True)
    items = models.JSONField("記載事項", default=list)  # the items printed (after omissions)
    copies = models.PositiveSmallIntegerField("部数")
    pages = models.PositiveSmallIntegerField("枚数")  # per copy
    numbers = models.JSONField("発行番号", default=list)  # one per copy (without the page part)
    keep_until = models.DateField("保存期限")
    disposed_at = models.DateTimeField("処分日時", null=True, blank=True)
    disposed_reason = models.CharField("処分理由", max_length=200, blank=True)
    status = models.CharField("状態", max_length=10, choices=STATUSES, default=ISSUED)

    class Meta(TenantModel.Meta):
        verbose_name = "交付履歴"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "request_id"], name="uniq_issuance_request"
            )
        ]


class IssuanceSubject(TenantModel):
    """One person of an issuance, for 交付履歴照会 per person ([360])."""

    issuance = models.ForeignKey(Issuance, on_delete=models.PROTECT, related_name="subjects")
    person_id = models.BigIntegerField("交付対象者（住民ID）", db_index=True)

    class Meta(TenantModel.Meta):
        verbose_name = "交付対象者"


class PrintLog(TenantModel):
    """印刷ログ: one line per printed copy, with the hash of the bytes handed out."""

    issuance = models.ForeignKey(Issuance, on_delete=models.PROTECT, related_name="prints")
    number = models.CharField("発行番号", max_length=200)
    copy_no = models.PositiveSmallIntegerField("部")
    pages = models.PositiveSmallIntegerField("枚数")
    sha256 = models.CharField("内容のハッシュ", max_length=64)
    printed_at = models.DateTimeField("印刷日時", default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "印刷ログ"


class NoticePrint(TenantModel):
    """通知書の印刷ログ: one line per register notice printed (受理通知, 支援措置期間終了通知 …): who,
    when, which document kind, about whom, and the hash of the PDF handed out."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="印刷者"
    )
    printed_at = models.DateTimeField("印刷日時", default=timezone.now)
    kind = models.CharField("文書の種類", max_length=60)
    title = models.CharField("様式名", max_length=100)
    person_ids = models.JSONField("対象者（住民ID）", default=list)
    pages = models.PositiveSmallIntegerField("枚数")
    sha256 = models.CharField("内容のハッシュ", max_length=64)

    class Meta(TenantModel.Meta):
        verbose_name = "通知書の印刷ログ"
        indexes = [models.Index(fields=["municipality", "printed_at"], name="notice_print_at")]


HISTORY_UNDELETABLE = "交付履歴は保存期間（{until}まで）内は削除できません。"


class HistoryUndeletable(Exception):
    def __init__(self, until: Any) -> None:
        super().__init__(HISTORY_UNDELETABLE.format(until=until))


@receiver(pre_delete, sender=Issuance)
@receiver(pre_delete, sender=IssuanceSubject)
@receiver(pre_delete, sender=PrintLog)
def _keep_history(sender: Any, instance: Any, **kwargs: Any) -> None:
    """[300]#2 (must not): no deletion inside the period the municipality set."""
    issuance = (
        instance
        if isinstance(instance, Issuance)
        else Issuance.objects.get(pk=instance.issuance_id)
    )
    if issuance.keep_until >= timezone.localdate():
        raise HistoryUndeletable(issuance.keep_until)


from .authority.models import Authority, IssuerChoice, OfficialSeal  # noqa: E402,F401  ([310], [1050])
from .fees.models import FeeExemption, FeeRate, IssuanceFee  # noqa: E402,F401  (手数料)
from .move_out.models import MoveOutCertificate  # noqa: E402,F401  ([660]: the first issue's state)
from .overflow_models import OverflowEntry  # noqa: E402,F401  (文字超過リスト, [1070])
from .verify.models import VerificationCode  # noqa: E402,F401  (public, no personal data)
