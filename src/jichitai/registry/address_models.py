"""住所辞書 ([250] 1.3.3), 住居表示・地番 ([240] 1.3.2) and 方書 ([260] 1.3.4) masters, kept by staff.

The dictionary rows are the nationally provided 住所辞書 (loaded per municipality, so each keeps
its own copy and corrections): an 11-digit 住所コード = 都道府県 (JIS X 0401, 2) + 市区町村
(JIS X 0402, 3) + 大字 (3) + 小字 (3), with names, kana and 郵便番号. (旧)町名 stay, marked, so a
本籍 may still name them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class AddressDictionary(TenantModel):
    """One 大字・小字 of the national 住所辞書."""

    code = models.CharField("住所コード", max_length=11)
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    pref_name = models.CharField("都道府県", max_length=10)
    pref_kana = models.CharField("都道府県カナ", max_length=20)
    city_name = models.CharField("市区町村", max_length=50)
    city_kana = models.CharField("市区町村カナ", max_length=100)
    oaza_name = models.CharField("大字・町", max_length=100, blank=True)
    oaza_kana = models.CharField("大字・町カナ", max_length=200, blank=True)
    koaza_name = models.CharField("小字・丁目", max_length=100, blank=True)
    koaza_kana = models.CharField("小字・丁目カナ", max_length=200, blank=True)
    former = models.BooleanField("旧町名", default=False)
    updated_at = models.DateTimeField("更新日時", default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "住所辞書（全国）"
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="uniq_address_dictionary")]
        indexes = [models.Index(fields=["municipality", "postal_code"], name="address_dict_postal")]

    @property
    def name(self) -> str:
        return f"{self.pref_name}{self.city_name}{self.oaza_name}{self.koaza_name}"


class LotKind(models.TextChoices):
    RESIDENCE_INDICATION = "jukyo", "住居表示"
    LAND_LOT = "chiban", "地番"
    SPECIAL_LOT = "special", "特殊地番"


class AddressLot(TenantModel):
    """住居表示・地番 of a 町字 ([240]#1) with numeric codes for sorting ([240]#2)."""

    address = models.ForeignKey("registry.AddressEntry", on_delete=models.PROTECT, related_name="+",
                                verbose_name="町字")
    kind = models.CharField("種別", max_length=10, choices=LotKind.choices)
    text = models.CharField("番地", max_length=100)
    ban = models.PositiveIntegerField("番地コード", default=0)
    eda = models.PositiveIntegerField("枝番コード", default=0)
    sub = models.PositiveIntegerField("部屋番号等コード", default=0)
    active = models.BooleanField("使用中", default=True)

    class Meta(TenantModel.Meta):
        verbose_name = "住居表示・地番"
        constraints = [models.UniqueConstraint(fields=["municipality", "address", "text"], name="uniq_address_lot")]
        indexes = [models.Index(fields=["municipality", "address", "ban", "eda", "sub"], name="address_lot_order")]


class Katagaki(TenantModel):
    """方書 (アパート・マンション・寮等) tied to the address it stands at ([260])."""

    address = models.ForeignKey("registry.AddressEntry", on_delete=models.PROTECT, related_name="+",
                                verbose_name="町字")
    banchi = models.CharField("番地", max_length=100)
    name = models.CharField("方書", max_length=200)
    kana = models.CharField("方書カナ", max_length=400, blank=True)
    active = models.BooleanField("使用中", default=True)

    class Meta(TenantModel.Meta):
        verbose_name = "方書"
        constraints = [models.UniqueConstraint(fields=["municipality", "address", "banchi", "name"],
                                               name="uniq_katagaki")]


class CountryName(TenantModel):
    """国名 ([250]#1: updated every year): the names a 転出先・国籍 may take; a name dropped from the
    latest list stays, marked no longer current, so older records still read."""

    code = models.CharField("国コード", max_length=3)
    name = models.CharField("国名", max_length=60)
    kana = models.CharField("国名カナ", max_length=120, blank=True)
    current = models.BooleanField("最新の一覧にある", default=True)
    updated_at = models.DateTimeField("更新日時", default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "国名"
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="uniq_country_name")]
