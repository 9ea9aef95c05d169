"""認証者 ([310]) and 電子公印 ([290], [1050]) of a municipality, and each certificate kind's choice.

There is no office (本庁・支所) dimension anywhere: a 支所・出張所 cannot hold its own 公印
([1050]#4). A 指定都市's 区 is not an office: its 区長 certifies ([310]#3).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jichitai.tenancy.models import TenantModel

FORBIDDEN_TEXTS = ("附票通知", "規定により免除")  # [1060]#2: never printed


class AuthorityRole(models.TextChoices):
    MAYOR = "mayor", "市区町村長"
    DEPUTY = "deputy", "職務代理者"


class SealKind(models.TextChoices):
    MAYOR = "mayor", "市区町村長印"
    DEPUTY = "deputy", "職務代理者印"
    CERTIFICATE = "certificate", "証明書専用印"
    CARD = "card", "カード券面用印"


class SealColor(models.TextChoices):
    BLACK = "black", "黒色"
    RED = "red", "赤色"  # カード券面用印 only ([1050]#3)


class AuthorityChoice(models.TextChoices):
    AUTO = "auto", "期間により自動（職務代理者の期間は職務代理者）"
    MAYOR = "mayor", "市区町村長"
    DEPUTY = "deputy", "職務代理者"


class Authority(TenantModel):
    """認証者: the 市区町村長 (or a 指定都市's 区長) or the 職務代理者, for a period ([310]#1–#3).

    The printed 職名 is always 都道府県名 + 団体名 (+ 区名) + ``title`` ([1050]#1, #5)."""

    role = models.CharField("区分", max_length=10, choices=AuthorityRole.choices)
    ward = models.CharField("区（指定都市）", max_length=20, blank=True)
    title = models.CharField("職名（団体名に続く部分）", max_length=50)  # 長 / 長職務代理者　副市長
    name = models.CharField("氏名", max_length=100)
    valid_from = models.DateField("期間の開始日")
    valid_until = models.DateField("期間の終了日", null=True, blank=True)
    created_at = models.DateTimeField("登録日時", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name="登録者",
    )

    class Meta(TenantModel.Meta):
        app_label = "certificates"
        verbose_name = "認証者"
        constraints = [
            # [310]#4 (must not): no 認証者 with a blank name, even written past the service
            models.CheckConstraint(condition=~Q(name=""), name="authority_name_not_blank"),
            models.CheckConstraint(condition=~Q(title=""), name="authority_title_not_blank"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="authority_period_ordered",
            ),
        ]


class OfficialSeal(TenantModel):
    """電子公印: a black PNG (red allowed for the カード券面用印), at most 25 mm square printed.

    The newest upload of a kind (and 区) is the one printed; earlier ones stay for the record."""

    kind = models.CharField("公印の種類", max_length=20, choices=SealKind.choices)
    ward = models.CharField("区（指定都市）", max_length=20, blank=True)
    image = models.BinaryField("公印の画像（PNG）")
    image_sha256 = models.CharField("画像のSHA-256", max_length=64)
    width_px = models.PositiveIntegerField("幅（画素）")
    height_px = models.PositiveIntegerField("高さ（画素）")
    width_mm = models.DecimalField("印字の幅（mm）", max_digits=4, decimal_places=1)
    height_mm = models.DecimalField("印字の高さ（mm）", max_digits=4, decimal_places=1)
    color = models.CharField("色", max_length=10, choices=SealColor.choices, default="black")
    uploaded_at = models.DateTimeField("登録日時", default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name="登録者",
    )

    class Meta(TenantModel.Meta):
        app_label = "certificates"
        verbose_name = "電子公印"
        constraints = [
            models.CheckConstraint(
                condition=Q(width_mm__lte=25)
                & Q(height_mm__lte=25)
                & Q(width_mm__gt=0)
                & Q(height_mm__gt=0),
                name="official_seal_at_most_25mm",
            ),
            models.CheckConstraint(
                condition=Q(color="black") | Q(kind="card", color="red"),
                name="official_seal_black_unless_card",
            ),
        ]


class IssuerChoice(TenantModel):
    """Per certificate kind ([1050]#1, #2): which 認証者, whether the 公印 is printed and which,
    and a fixed text such as 「公印省略」「この印は黒色です」."""

    kind = models.CharField("証明書の種別", max_length=30)
    authority = models.CharField(
        "認証者", max_length=10, choices=AuthorityChoice.choices, default="auto"
    )
    print_seal = models.BooleanField("公印を印字する", default=True)
    seal_kind = models.CharField(
        "公印の種類", max_length=20, choices=SealKind.choices, blank=True
    )  # blank: the 認証者's own (市区町村長印 / 職務代理者印)
    fixed_text = models.CharField("固定文言", max_length=100, blank=True)
    updated_at = models.DateTimeField("更新日時", default=timezone.now)

    class Meta(TenantModel.Meta):
        app_label = "certificates"
        verbose_name = "証明書ごとの認証者・公印"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind"], name="uniq_issuer_choice_kind"
            ),
            *(
                models.CheckConstraint(
                    condition=~Q(fixed_text__contains=text), name=f"issuer_text_not_{i}"
                )
                for i, text in enumerate(FORBIDDEN_TEXTS)
            ),
        ]
