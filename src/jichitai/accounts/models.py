"""Staff directory (ID統合管理) and per-municipality roles."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django_otp.models import Device

from jichitai.tenancy.models import Consortium, Municipality


class Role(models.TextChoices):
    CLERK = "clerk", "窓口担当"
    APPROVER = "approver", "決裁者"
    MUNICIPALITY_ADMIN = "municipality_admin", "団体管理者"
    CONSORTIUM_ADMIN = "consortium_admin", "協議会管理者"
    AUDITOR = "auditor", "監査担当"
    # need-to-know roles of the register: 個人番号 search/display, 支援措置 records
    MY_NUMBER_ACCESS = "my_number_access", "個人番号利用事務担当"
    SUPPORT_MEASURE = "support_measure", "支援措置担当"
    # [1380]#9: 支援対象者照会 without 支援対象者管理 (e.g. 証明書交付 staff who must see the record)
    SUPPORT_INQUIRY = "support_inquiry", "支援対象者照会担当"


class Staff(AbstractUser):
    """職員: one identity across the consortium; roles are granted per municipality."""

    consortium = models.ForeignKey(
        Consortium, on_delete=models.PROTECT, null=True, related_name="staff", verbose_name="協議会"
    )
    display_name = models.CharField("氏名", max_length=100, blank=True)
    failed_logins = models.PositiveIntegerField("連続失敗回数", default=0)
    locked_until = models.DateTimeField("ロック解除日時", null=True, blank=True)
    # [1380]#1: 所属部署 and the municipality whose 団体管理者 administers the account
    department = models.CharField("所属部署", max_length=100, blank=True)
    home_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="所属団体",
    )
    # set by an administrator's password reset: the next login must choose a new password
    must_change_password = models.BooleanField("次回ログイン時にパスワード変更", default=False)

    class Meta:
        verbose_name = "職員"

    def __str__(self) -> str:
        return self.display_name or self.username

    def is_locked(self, now: datetime | None = None) -> bool:
        """ロック中: too many consecutive failures; refused even with the right password and code."""
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def in_force(self, day: date | None = None) -> RoleGrantQuerySet:
        """Grants whose period includes ``day`` (default: today, local time): a grant outside
        its period grants nothing ([1380]#1, #6: a future start is the schedule)."""
        day = day or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day),
        )


class PeriodGrant(models.Model):
    """A role in one municipality for a period (open ends allowed), to a staff member or a 所属部署.

    By 事務 (the roles), never by 職位 (job rank): there is no rank anywhere ([1380]#13).
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("役割", max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    valid_from = models.DateField("開始日", null=True, blank=True)
    valid_until = models.DateField("終了日", null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        abstract = True


def period_order(name: str) -> models.CheckConstraint:
    """The period's start is not after its end (either may be open)."""
    return models.CheckConstraint(
        condition=models.Q(valid_from__isnull=True) | models.Q(valid_until__isnull=True)
        | models.Q(valid_from__lte=models.F("valid_until")),
        name=name,
    )


class RoleGrant(PeriodGrant):
    """A role held by a staff member in one municipality, for a period."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="role_grants")

    class Meta:
        verbose_name = "役割付与"
        constraints = [
            models.UniqueConstraint(fields=["staff", "municipality", "role"], name="uniq_role_grant"),
            period_order("role_grant_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id}@{self.municipality_id}:{self.role}"


class WebAuthnCredential(Device):
    """セキュリティキー (WebAuthn credential): the software stand-in for the staff IC card.

    A django-otp ``Device`` so that ``django_otp.login`` and ``user.is_verified()`` treat it like
    any other second factor. Only the public key is stored; the sign counter must grow with every
    use (a cloned authenticator shows up as a counter that does not).
    """

    credential_id = models.CharField("認証情報ID (base64url)", max_length=1400, unique=True)
    public_key = models.BinaryField("公開鍵 (COSE)")
    sign_count = models.PositiveBigIntegerField("署名カウンタ", default=0)
    transports = models.JSONField("通信方式", default=list, blank=True)
    created_at = models.DateTimeField("登録日時", default=timezone.now)
    last_used_at = models.DateTimeField("最終利用日時", null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = "セキュリティキー"


from .department_models import DepartmentGrant  # noqa: E402, F401 - [1380]#4 grants by 所属部署
from .display_models import DisplayRestriction  # noqa: E402, F401 - [1390] per-staff display rights
