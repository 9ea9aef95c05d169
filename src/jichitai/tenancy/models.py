"""Consortium, Municipality, DelegationGrant and the TenantModel base every tenant table uses.

A tenant row can only be read or written through a scoped manager under an active TenantContext;
on PostgreSQL the same rule is enforced a second time by FORCE ROW LEVEL SECURITY (see rls.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from jichitai.codes import is_valid_municipality_code

from .context import current


def validate_municipality_code(value: str) -> None:
    if not is_valid_municipality_code(value):
        raise ValidationError(
            "地方公共団体コードが正しくありません（6桁・検査数字を確認してください）: %(value)s",
            code="municipality_code",
            params={"value": value},
        )


class Consortium(models.Model):
    """協議会: the group of municipalities sharing one installation."""

    code = models.SlugField("協議会コード", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "協議会"

    def __str__(self) -> str:
        return self.name


class PopulationClass(models.TextChoices):
    VILLAGE = "village", "村"
    TOWN = "town", "町"
    CITY = "city", "市"
    DESIGNATED_CITY = "designated_city", "指定都市"
    WARD = "ward", "特別区"


class Municipality(models.Model):
    """地方公共団体: a member of a consortium. Its id is the tenant key of every tenant row."""

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="members")
    code = models.CharField(
        "地方公共団体コード", max_length=6, unique=True, validators=[validate_municipality_code]
    )
    name = models.CharField("団体名", max_length=50)
    kana = models.CharField("団体名カナ", max_length=100)
    prefecture = models.CharField("都道府県", max_length=10)
    population_class = models.CharField("人口規模区分", max_length=20, choices=PopulationClass.choices)
    active = models.BooleanField("利用中", default=True)

    class Meta:
        verbose_name = "地方公共団体"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.prefecture}{self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        validate_municipality_code(self.code)
        super().save(*args, **kwargs)


def municipalities_of_unit(*ids: int) -> dict[int, Municipality]:
    """The municipalities of the current unit of work by id, read once per unit (the page header
    and the template context both want them)."""
    from .context import unit_cache

    cache = unit_cache().setdefault("tenancy.municipalities", {})
    assert isinstance(cache, dict)
    wanted = [i for i in ids if i is not None and i not in cache]
    if wanted:
        cache.update(Municipality.objects.in_bulk(wanted))
    return {i: cache[i] for i in ids if i in cache}


class DelegationGrantQuerySet(models.QuerySet["DelegationGrant"]):
    def valid_at(self, when: Any = None) -> DelegationGrantQuerySet:
        when = when or timezone.now()
        return self.filter(revoked_at__isnull=True, valid_from__lte=when, valid_until__gt=when)


class DelegationGrant(models.Model):
    """代行 grant: ``grantee`` may act on ``grantor``'s data in a declared, time-boxed window."""

    grantor = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="grants_given",
        verbose_name="被代行団体（データ所有）",
    )
    grantee = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="grants_received",
        verbose_name="代行団体",
    )
    valid_from = models.DateTimeField("開始日時")
    valid_until = models.DateTimeField("終了日時")
    legal_basis = models.CharField("根拠", max_length=200)
    reason = models.TextField("理由", blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="宣言者"
    )
    declared_at = models.DateTimeField("宣言日時", default=timezone.now)
    revoked_at = models.DateTimeField("取消日時", null=True, blank=True)
    # the disaster declaration that made this grant (issue 14); none for a grant made by hand
    declaration = models.ForeignKey(
        "tenancy.DisasterDeclaration", on_delete=models.PROTECT, null=True, blank=True,
        related_name="grants", verbose_name="災害宣言",
    )

    objects = DelegationGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "代行許可"
        indexes = [models.Index(fields=["grantor", "grantee", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")), name="grant_window_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(grantor=models.F("grantee")), name="grant_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantee} → {self.grantor}（{self.valid_from:%Y-%m-%d}〜{self.valid_until:%Y-%m-%d}）"

    def is_valid_at(self, when: Any = None) -> bool:
        when = when or timezone.now()
        return self.revoked_at is None and self.valid_from <= when < self.valid_until


class TenantQuerySet(models.QuerySet[Any]):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        # bulk_create skips Model.save(): stamp and check the tenant here instead.
        mid = current().municipality_id
        objs = list(objs)
        for obj in objs:
            if obj.municipality_id is None:
                obj.municipality_id = mid
            elif obj.municipality_id != mid:
                raise TenantScopeViolation()
        return super().bulk_create(objs, *args, **kwargs)


class TenantManager(models.Manager[Any]):
    """Returns only the current context's rows; refuses to run without a context."""

    def get_queryset(self) -> TenantQuerySet:
        ctx = current()
        return TenantQuerySet(self.model, using=self._db).filter(municipality_id=ctx.municipality_id)


class TenantScopeViolation(PermissionError):
    def __init__(self) -> None:
        super().__init__(
            "他団体のデータは操作できません / this row belongs to another municipality"
        )


class TenantModel(models.Model):
    """Base of every tenant-owned table: carries ``municipality`` and scopes every access."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", db_index=False, editable=False
    )

    objects = TenantManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args: Any, **kwargs: Any) -> None:
        ctx = current()
        if self.municipality_id is None:
            self.municipality_id = ctx.municipality_id
        elif self.municipality_id != ctx.municipality_id:
            raise TenantScopeViolation()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.municipality_id != current().municipality_id:
            raise TenantScopeViolation()
        return super().delete(*args, **kwargs)


def tenant_models() -> list[type[TenantModel]]:
    from django.apps import apps

    return [
        m for m in apps.get_models() if issubclass(m, TenantModel) and not m._meta.abstract
    ]


class MunicipalSetting(TenantModel):
    """団体別設定: a member's own value for a consortium-wide setting (e.g. 証明書の公印名)."""

    key = models.CharField("設定項目", max_length=100)
    value = models.JSONField("設定値")
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta(TenantModel.Meta):
        verbose_name = "団体別設定"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="uniq_municipal_setting")
        ]

    def __str__(self) -> str:
        return self.key


class DisasterKind(models.TextChoices):
    EARTHQUAKE = "earthquake", "地震"
    TSUNAMI = "tsunami", "津波"
    STORM_FLOOD = "storm_flood", "風水害"
    LANDSLIDE = "landslide", "土砂災害"
    VOLCANO = "volcano", "火山噴火"
    FIRE = "fire", "大規模火災"
    FACILITY = "facility", "庁舎・システムの被災"
    OTHER = "other", "その他"


class LegalBasis(models.TextChoices):
    """根拠: why a partner may act for the stricken municipality (docs/operations.md)."""

    SUBSTITUTE_EXECUTION = "lag_252_16_2", "地方自治法第252条の16の2（事務の代替執行）"
    LEDGER_USE = "dcba_90_4", "災害対策基本法第90条の4（台帳情報の利用及び提供）"
    SUPPORT_REQUEST = "dcba_67", "災害対策基本法第67条（他の市町村長等に対する応援の要求）"
    ENTRUSTMENT = "lag_252_14", "地方自治法第252条の14（事務の委託）"
    AGREEMENT = "agreement", "災害時相互応援協定"


class DisasterDeclaration(TenantModel):
    """災害宣言: the stricken municipality's (the tenant's) declaration. Its partners act through
    the DelegationGrants it made (``grants``), never through anything else."""

    kind = models.CharField("災害の種別", max_length=20, choices=DisasterKind.choices)
    legal_basis = models.CharField("根拠", max_length=20, choices=LegalBasis.choices)
    purpose = models.TextField("目的")
    starts_at = models.DateTimeField("開始日時")
    ends_at = models.DateTimeField("終了予定日時")
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="宣言者"
    )
    declared_at = models.DateTimeField("宣言日時", default=timezone.now)
    ended_at = models.DateTimeField("終了日時", null=True, blank=True)
    revoked_at = models.DateTimeField("取消日時", null=True, blank=True)
    closing_note = models.TextField("終了・取消の理由", blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = "災害宣言"
        indexes = [models.Index(fields=["municipality", "starts_at"], name="disaster_by_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="disaster_window_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.starts_at:%Y-%m-%d}〜）"
