"""API fixtures: staff logged in exactly like the web UI (session + confirmed TOTP + municipality).

``login(municipality, *roles)`` returns a fresh test client for a new staff member holding
``roles`` in ``municipality``. ``world`` holds a family in A (approved), a provisional event in A,
and the same in B ("隔離乙" data) for the other-municipality checks.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from jichitai.tenancy.context import activate

from ..registry.conftest import Office, _office, move_in_family, person_spec

D = dt.date
API = "/api/v1"
_SEQ = itertools.count(1)


def login_client(municipality: Any, *roles: str, otp: bool = True, context: bool = True) -> tuple[Client, Any]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts.models import RoleGrant, Staff

    staff = Staff.objects.create(
        username=f"api-{next(_SEQ)}-{'-'.join(roles) or 'none'}"[:150],
        consortium=municipality.consortium,
    )
    for role in roles:
        RoleGrant.objects.create(staff=staff, municipality=municipality, role=role)
    device = TOTPDevice.objects.create(user=staff, name="test", confirmed=True)
    client = Client()
    client.force_login(staff)
    session = client.session
    if otp:
        session["otp_device_id"] = device.persistent_id
    if context:
        session["jichitai_acting_municipality_id"] = municipality.pk
        session["jichitai_municipality_id"] = municipality.pk
    session.save()
    return client, staff


@pytest.fixture
def login(tenants: Any) -> Callable[..., tuple[Client, Any]]:
    def _login(*roles: str, municipality: Any = None, **kw: Any) -> tuple[Client, Any]:
        return login_client(municipality or tenants.a, *roles, **kw)

    return _login


@dataclass
class Side:
    office: Office
    family: list[int]  # person ids: head, wife, child
    household_id: int
    provisional_event_id: int


@dataclass
class World:
    a: Side
    b: Side


def name_change(office: Office, person_id: int, family: str, key: str | None = None) -> Any:
    from jichitai.registry import events

    with activate(office.ctx()):
        return events.submit_event(
            "name_change", {"person_id": person_id, "family_name": family, "family_name_kana": "ミョウジ"},
            effective_date=D(2024, 1, 10), reported_date=D(2024, 1, 10), entered_by=office.clerk,
            idempotency_key=key,
        ).event


def _side(office: Office, family: str) -> Side:
    from jichitai.registry.models import Person

    with activate(office.ctx()):
        move_in_family(office, family=family)
        ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
        hid = Person.objects.for_read(screen="テスト").get(pk=ids[0]).household_id
    ev = name_change(office, ids[0], f"{family}改")
    return Side(office, ids, hid, ev.pk)


@pytest.fixture
def world(tenants: Any) -> World:
    return World(a=_side(_office(tenants.a, "a"), "髙橋"), b=_side(_office(tenants.b, "b"), "隔離乙"))


def move_in_body(office: Office, family: str = "佐藤", **kw: Any) -> dict[str, Any]:
    return {
        "kind": "move_in",
        "effective_date": "2024-02-01",
        "reported_date": "2024-02-01",
        "request": {
            "household": {"new": {"address_id": office.address.pk, "banchi": "5番地"}},
            "persons": [person_spec("p1", family, "次郎", "1990-03-03", "世帯主", family_kana="サトウ",
                                    given_kana="ジロウ",
                                    # the same body twice must be the same request (replay tests)
                                    resident_code=f"{20_000_000_000 + sum(map(ord, family)):011d}")],
            "previous_address": "大阪府大阪市北区1番",
        },
        **kw,
    }


def post(client: Client, path: str, body: Any = None, key: str | None = "k-1") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(API + path, body if body is not None else {}, content_type="application/json",
                       headers=headers)
