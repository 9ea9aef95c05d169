"""個人単位の表示制限 ([1390]#1): a display capability withheld from one staff member in one
municipality, although their roles would grant it. Set by a 団体管理者 / 協議会管理者 (/staff/)."""

from __future__ import annotations

from django.db import models

from jichitai.tenancy.models import Municipality


class DisplayRestriction(models.Model):
    staff = models.ForeignKey("accounts.Staff", on_delete=models.CASCADE, related_name="display_restrictions")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    capability = models.CharField("表示しない項目（権能）", max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "accounts"
        verbose_name = "表示制限"
        constraints = [models.UniqueConstraint(fields=["staff", "municipality", "capability"],
                                               name="uniq_display_restriction")]

    def __str__(self) -> str:
        return f"{self.staff_id}@{self.municipality_id}:-{self.capability}"
