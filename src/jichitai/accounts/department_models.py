"""組織単位の権限付与 ([1380]#4): a role granted to a 所属部署 of a municipality, for a period."""

from __future__ import annotations

from django.db import models

from jichitai.tenancy.models import Municipality

from .models import Role, RoleGrantQuerySet


class DepartmentGrant(models.Model):
    """Every staff member whose 所属団体 is ``municipality`` and whose 所属部署 is ``department``
    holds ``role`` there while the grant is in force (the same period rule as RoleGrant)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    department = models.CharField("所属部署", max_length=100)
    role = models.CharField("役割", max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    valid_from = models.DateField("開始日", null=True, blank=True)
    valid_until = models.DateField("終了日", null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "所属部署への役割付与"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "department", "role"], name="uniq_department_grant"),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True) | models.Q(valid_until__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_until")),
                name="department_grant_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department}@{self.municipality_id}:{self.role}"
