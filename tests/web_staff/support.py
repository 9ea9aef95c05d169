"""Logged-in clients and staff of the 職員管理 tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.web_registry.conftest import login


def session_client(staff: Any, municipality: Any) -> Client:
    """A client logged in with both factors, acting for ``municipality``."""
    return login(Client(), staff, municipality)


@pytest.fixture
def admin_a(make_staff: Any, muni_a: Any) -> Any:
    staff = make_staff("admin.a", [(muni_a, "municipality_admin")])
    staff.home_municipality = muni_a
    staff.save()
    return staff


@pytest.fixture
def kyogikai(make_staff: Any, muni_a: Any, muni_b: Any) -> Any:
    return make_staff("kyogikai.admin", [(muni_a, "consortium_admin"), (muni_b, "consortium_admin")])


@pytest.fixture
def clerk_b(make_staff: Any, muni_b: Any) -> Any:
    staff = make_staff("clerk.b", [(muni_b, "clerk")])
    staff.home_municipality = muni_b
    staff.save()
    return staff


@pytest.fixture
def clerk_a(make_staff: Any, muni_a: Any) -> Any:
    staff = make_staff("clerk.a", [(muni_a, "clerk")])
    staff.home_municipality = muni_a
    staff.save()
    return staff
