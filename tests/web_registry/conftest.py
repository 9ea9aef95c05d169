"""Web register fixtures: municipality A's office (clerk, approver, addresses) and logged-in clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.registry.conftest import Office, _office


def login(client: Client, staff: Any, municipality: Any) -> Client:
    """Password and second factor done, municipality chosen (as tests/test_isolation.py does)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=staff, confirmed=True).first() or TOTPDevice.objects.create(
        user=staff, name="test", confirmed=True
    )
    client.force_login(staff)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["jichitai_acting_municipality_id"] = municipality.pk
    session["jichitai_municipality_id"] = municipality.pk
    session.save()
    return client


@pytest.fixture
def office(tenants: Any) -> Office:
    return _office(tenants.a, "wa")


@pytest.fixture
def office_b(tenants: Any) -> Office:
    return _office(tenants.b, "wb")


@pytest.fixture
def staff_client(office: Office) -> Callable[..., Client]:
    """``staff_client("clerk")`` / ``staff_client(office.approver)`` / ``staff_client(roles=[...])``."""
    from jichitai.accounts.models import RoleGrant, Staff

    made = iter(range(1000))

    def _make(who: Any = "clerk", roles: list[str] | None = None) -> Client:
        if roles is not None:
            staff = Staff.objects.create(username=f"web-{next(made)}-{'-'.join(roles)}", display_name="試験 職員")
            for role in roles:
                RoleGrant.objects.create(staff=staff, municipality=office.municipality, role=role)
        elif isinstance(who, str):
            staff = getattr(office, who)
        else:
            staff = who
        return login(Client(), staff, office.municipality)

    return _make
