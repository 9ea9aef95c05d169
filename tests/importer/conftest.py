"""Migration fixtures: the register's offices (A and B) and a 団体管理者 in each, who runs migrations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.registry.conftest import Office, office, office_b  # noqa: F401


def migration_admin(at: Office, name: str = "admin") -> Any:
    from jichitai.accounts.models import RoleGrant, Staff

    staff = Staff.objects.create(
        username=f"{name}-{at.municipality.code}", display_name="移行 管理者"
    )
    RoleGrant.objects.create(staff=staff, municipality=at.municipality, role="municipality_admin")
    return staff


@pytest.fixture
def admin(office: Office) -> Any:  # noqa: F811
    return migration_admin(office)


@pytest.fixture
def admin_b(office_b: Office) -> Any:  # noqa: F811
    return migration_admin(office_b)
