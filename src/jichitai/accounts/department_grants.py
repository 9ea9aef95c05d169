"""組織単位の権限付与 ([1380]#4): roles by 所属部署, next to the roles per person (RoleGrant).

A department grant gives its role to every staff member whose 所属団体 (``home_municipality``) is
the grant's municipality and whose 所属部署 (``department``, compared after trimming) is the grant's,
while the grant is in force. The roles a staff member holds in a municipality are the union of
their own grants and their department's (``roles_from_departments``); ``capabilities.roles_of``,
the municipality selection and the session check all ask it, so moving a staff member to another
department (or ending the grant) takes the role away at their next request. Still by 事務, never by
職位: the role is one of ``Role`` ([1380]#13).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from .department_models import DepartmentGrant


def _membership(staff: Any) -> tuple[str, int | None]:
    if hasattr(staff, "department") and hasattr(staff, "home_municipality_id"):
        return (staff.department or "").strip(), staff.home_municipality_id
    from .models import Staff

    row = Staff.objects.filter(pk=staff).values_list("department", "home_municipality_id").first()
    return ((row[0] or "").strip(), row[1]) if row else ("", None)


def roles_from_departments(staff: Any, municipality_id: int | None = None, *,
                           active_only: bool = False) -> set[tuple[int, str]]:
    """(municipality id, role) pairs ``staff`` (object or id) holds through their 所属部署 today;
    no query for a staff member without a department."""
    department, home = _membership(staff)
    if not department or home is None or (municipality_id is not None and municipality_id != home):
        return set()
    qs = DepartmentGrant.objects.in_force().filter(municipality_id=home, department=department)
    if active_only:
        qs = qs.filter(municipality__active=True)
    return set(qs.values_list("municipality_id", "role"))


def grants_in_scope(scope: Any) -> list[DepartmentGrant]:
    return list(DepartmentGrant.objects.filter(municipality_id__in=scope.municipality_ids)
                .select_related("municipality").order_by("municipality__code", "department", "role"))


def _department(text: str) -> str:
    from .administration import AdminError

    department = (text or "").strip()
    if not department or len(department) > 100:
        raise AdminError("所属部署は1〜100文字で入力してください。", "department")
    return department


@transaction.atomic
def grant_department(scope: Any, *, municipality_id: Any, department: str, role: str,
                     valid_from: dt.date | None = None, valid_until: dt.date | None = None) -> DepartmentGrant:
    """Grant (or change the period of) ``role`` to a 所属部署; the same checks as a grant per person."""
    from .administration import _emit, check_grant

    muni = check_grant(scope, municipality_id, role, valid_from, valid_until)
    department = _department(department)
    grant, created = DepartmentGrant.objects.update_or_create(
        municipality_id=muni, department=department, role=role,
        defaults={"valid_from": valid_from, "valid_until": valid_until})
    _emit(scope, "department_role_granted" if created else "department_role_period_changed", None, muni,
          department=department, role=role, valid_from=valid_from.isoformat() if valid_from else None,
          valid_until=valid_until.isoformat() if valid_until else None)
    return grant


@transaction.atomic
def revoke_department(scope: Any, *, municipality_id: Any, department: str, role: str) -> bool:
    from .administration import AdminError, _emit, check_grant

    muni = check_grant(scope, municipality_id, role, None, None)
    department = _department(department)
    grant = DepartmentGrant.objects.filter(municipality_id=muni, department=department, role=role).first()
    if grant is None:
        raise AdminError("この所属部署にこの役割は付与されていません。", "role")
    grant.delete()
    _emit(scope, "department_role_revoked", None, muni, department=department, role=role)
    return True
