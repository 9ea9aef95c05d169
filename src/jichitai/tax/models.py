"""課税情報: one row per version of a person's 個人住民税 record for one 年度 (append-only).

Amounts are integers in 円, stored as the 課税 system gives them (certificates print what is
stored). A 未申告 record carries no amounts (NULL). The current record of (person, 年度) is the
highest version; older versions are the history and are never changed or deleted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class TaxStatus(models.TextChoices):
    TAXABLE = "taxable", "課税"
    EXEMPT = "exempt", "非課税"
    UNDECLARED = "undeclared", "未申告"


class Source(models.TextChoices):
    ENTERED = "entered", "職員入力"
    IMPORTED = "imported", "取込"


# (field, label): the amounts in the order screens, the CSV and certificates use
INCOME_ITEMS = (("salary", "給与"), ("pension", "年金"), ("business", "事業"), ("other", "その他"))
AMOUNT_FIELDS: tuple[tuple[str, str], ...] = (
    *(
        pair
        for k, label in INCOME_ITEMS
        for pair in ((f"{k}_revenue", f"{label}収入"), (f"{k}_income", f"{label}所得"))
    ),
    ("total_income", "合計所得金額"),
    ("deductions", "所得控除合計"),
    ("income_levy", "所得割額"),
    ("per_capita_levy", "均等割額"),
)


def _amount(label: str) -> Any:
    return models.BigIntegerField(label, null=True, blank=True)


class Assessment(TenantModel):
    """個人住民税の課税情報 of one person for one 年度 (one version)."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="住民"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度（西暦）")
    version = models.PositiveIntegerField("版", default=1)
    status = models.CharField("課税区分", max_length=12, choices=TaxStatus.choices)
    salary_revenue = _amount("給与収入")
    pension_revenue = _amount("年金収入")
    business_revenue = _amount("事業収入")
    other_revenue = _amount("その他収入")
    salary_income = _amount("給与所得")
    pension_income = _amount("年金所得")
    business_income = _amount("事業所得")
    other_income = _amount("その他所得")
    total_income = _amount("合計所得金額")
    deductions = _amount("所得控除合計")
    income_levy = _amount("所得割額")
    per_capita_levy = _amount("均等割額")
    source = models.CharField("登録方法", max_length=10, choices=Source.choices)
    reason = models.CharField("理由", max_length=500, blank=True)
    file_name = models.CharField("取込ファイル", max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="登録者",
    )
    entered_at = models.DateTimeField("登録日時", default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "課税情報"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "person", "fiscal_year", "version"],
                name="uniq_tax_assessment_version",
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{f}__gte": 0}) | models.Q(**{f"{f}__isnull": True}),
                    name=f"tax_{f}_non_negative",
                )
                for f, _ in AMOUNT_FIELDS
            ),
        ]
        indexes = [models.Index(fields=["municipality", "fiscal_year"], name="tax_year_idx")]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.get_status_display()} 版{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # append-only: a correction is a new version, never an update of a stored one
        if self.pk is not None or kwargs.get("force_update"):
            raise PermissionError("課税情報は修正できません。訂正は新しい版として登録します。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("課税情報は削除できません。")

    def amounts(self) -> dict[str, int | None]:
        return {f: getattr(self, f) for f, _ in AMOUNT_FIELDS}
