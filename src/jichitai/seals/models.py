"""印鑑登録 (registration, its 印鑑登録証 and the append-only change log).

One registration per resident at a time (a constraint). A card number is never given twice in a
municipality (a constraint, and the numbers come from a race-free counter): a 再交付 gives a new
card and the old one stays dead. The impression is kept in the database as bytes with its sha256.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class RegistrationState(models.TextChoices):
    ACTIVE = "active", "登録中"
    ABOLISHED = "abolished", "廃止"
    EXPUNGED = "expunged", "職権抹消"


class CardState(models.TextChoices):
    ACTIVE = "active", "有効"
    LOST = "lost", "亡失"
    ABOLISHED = "abolished", "廃止"
    EXPUNGED = "expunged", "職権抹消"


class SealRegistration(TenantModel):
    """印鑑登録: the resident, the name registered with the seal and the impression."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="登録者"
    )
    registered_name = models.CharField("登録氏名", max_length=200)
    registered_kana = models.CharField("登録氏名（フリガナ）", max_length=200, blank=True)
    image = models.BinaryField("印影")
    image_sha256 = models.CharField("印影のSHA-256", max_length=64)
    image_type = models.CharField("印影の形式", max_length=20)
    width_px = models.PositiveIntegerField("幅（画素）")
    height_px = models.PositiveIntegerField("高さ（画素）")
    impression_width_mm = models.DecimalField("印影の幅（mm）", max_digits=4, decimal_places=1)
    impression_height_mm = models.DecimalField("印影の高さ（mm）", max_digits=4, decimal_places=1)
    state = models.CharField(
        "状態", max_length=10, choices=RegistrationState.choices, default=RegistrationState.ACTIVE
    )
    registered_at = models.DateTimeField("登録日時", default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField("廃止・抹消日時", null=True, blank=True)
    end_reason = models.CharField("廃止・抹消の理由", max_length=200, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = "印鑑登録"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "person"],
                condition=models.Q(state="active"),
                name="seal_one_active_per_person",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "person"], name="seal_person")]


class SealCard(TenantModel):
    """印鑑登録証: its number is unique in the municipality for ever."""

    registration = models.ForeignKey(
        SealRegistration, on_delete=models.PROTECT, related_name="cards"
    )
    number = models.CharField("印鑑登録証の番号", max_length=8)
    state = models.CharField(
        "状態", max_length=10, choices=CardState.choices, default=CardState.ACTIVE
    )
    issued_at = models.DateTimeField("交付日時", default=timezone.now)
    ended_at = models.DateTimeField("失効日時", null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = "印鑑登録証"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="seal_card_number_unique"
            ),
            models.UniqueConstraint(
                fields=["municipality", "registration"],
                condition=models.Q(state="active"),
                name="seal_one_active_card",
            ),
        ]


class SealEventKind(models.TextChoices):
    REGISTER = "register", "登録"
    CHANGE = "change", "登録事項の変更"
    LOST = "lost", "亡失"
    REISSUE = "reissue", "再交付"
    ABOLISH = "abolish", "廃止"
    EXPUNGE = "expunge", "職権抹消"


class AppendOnly(PermissionError):
    def __init__(self) -> None:
        super().__init__("印鑑登録の履歴は変更・削除できません。")


class SealEvent(TenantModel):
    """One change of a registration: who, when, why, what (append-only)."""

    registration = models.ForeignKey(
        SealRegistration, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("処理", max_length=10, choices=SealEventKind.choices)
    card_number = models.CharField("印鑑登録証の番号", max_length=8, blank=True)
    reason = models.CharField("理由", max_length=200, blank=True)
    detail = models.JSONField("内容", default=dict)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="処理した職員",
    )
    at = models.DateTimeField("処理日時", default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "印鑑登録の履歴"
        ordering = ["at", "pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly()
