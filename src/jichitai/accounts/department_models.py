"""組織単位の権限付与 ([1380]#4): a role granted to a 所属部署 of a municipality, for a period."""

from __future__ import annotations

from django.db import models

from .models import PeriodGrant, period_order


class DepartmentGrant(PeriodGrant):
    """Every staff member whose 所属団体 is ``municipality`` and whose 所属部署 is ``department``
    holds ``role`` there while the grant is in force (the same period rule as RoleGrant)."""

    department = models.CharField("所属部署", max_length=100)

    class Meta:
        verbose_name = "所属部署への役割付与"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "department", "role"], name="uniq_department_grant"),
            period_order("department_grant_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.department}@{self.municipality_id}:{self.role}"
