"""Tax fixtures: municipality A's office with the 髙橋 family (and B's office), a 支援措置 case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from jichitai.tenancy.context import activate
from tests.registry.conftest import Office, _office, move_in_family, people
from tests.web_registry.conftest import login


@pytest.fixture
def office(tenants: Any) -> Office:
    return _office(tenants.a, "ta")


@pytest.fixture
def office_b(tenants: Any) -> Office:
    return _office(tenants.b, "tb")


@dataclass
class Family:
    office: Office
    head: int
    wife: int  # under 支援措置 from today
    son: int
    atena: dict[int, str]
    officer: Any  # clerk + 支援措置担当: need-to-know


@pytest.fixture
def family(office: Office) -> Family:
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.registry import support

    officer = Staff.objects.create(username="tax-officer", display_name="支援 担当")
    for role in ("clerk", "support_measure"):
        RoleGrant.objects.create(staff=officer, municipality=office.municipality, role=role)
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        support.start_measure(
            wife.pk,
            start=dt.date.today(),
            reason="DV（配偶者からの暴力）",
            against=[{"person_id": head.pk, "name": "髙橋 一郎"}],
            staff=officer,
        )
    return Family(
        office, head.pk, wife.pk, son.pk, {p.pk: p.atena_no for p in (head, wife, son)}, officer
    )


def taxable(**over: int | None) -> dict[str, int | None]:
    """A consistent 課税 record: 給与 4,000,000 → 所得 2,760,000."""
    a: dict[str, int | None] = {
        "salary_revenue": 4_000_000,
        "salary_income": 2_760_000,
        "total_income": 2_760_000,
        "deductions": 1_130_000,
        "income_levy": 163_000,
        "per_capita_levy": 5_000,
    }
    a.update(over)
    return a


@pytest.fixture
def client_for() -> Any:
    from django.test import Client

    def _make(staff: Any, office: Office) -> Client:
        return login(Client(), staff, office.municipality)

    return _make
