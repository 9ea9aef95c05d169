"""A stricken municipality A (甲村) with residents (支援措置 cases included, tests/protection_world.py),
its partner B (乙町), a third member C of the same consortium that is never a partner, and Z of
another consortium; staff of each, logged in exactly like the web UI (session + confirmed TOTP). The register's offices
(A and B of tests/registry) serve the backup, bundle and extract tests."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jichitai.tenancy.context import TenantContext, activate
from tests.protection_world import Protected, build
from tests.registry.conftest import Office, _office, office, office_b  # noqa: F401

API = "/api/v1"
PURPOSE = "庁舎被災のため住民票の写し等の交付と転入届の受付を代行する"
_SEQ = itertools.count(1)


@dataclass
class World:
    a: Any
    b: Any
    c: Any  # same consortium, never a partner
    z: Any  # another consortium
    protected: Protected
    admin_a: Any  # 団体管理者 of A
    kyogikai: Any  # 協議会管理者 (roles in A, B, C)
    clerk_b: Any  # 窓口担当 of B
    approver_b: Any  # 決裁者 (and 窓口担当) of B
    shien_b: Any  # 窓口担当・支援措置担当 of B (need-to-know)
    admin_b: Any  # 団体管理者 of B
    clerk_c: Any
    clerk_z: Any


def staff_with(username: str, roles: dict[Any, tuple[str, ...]]) -> Any:
    from jichitai.accounts.models import RoleGrant, Staff

    staff = Staff.objects.create(username=username, display_name=username)
    for municipality, names in roles.items():
        for role in names:
            RoleGrant.objects.create(staff=staff, municipality=municipality, role=role)
    return staff


def own_ctx(municipality: Any, staff: Any = None) -> TenantContext:
    return TenantContext(
        municipality_id=municipality.pk,
        acting_municipality_id=municipality.pk,
        staff_id=getattr(staff, "pk", None),
        purpose="test",
    )


@pytest.fixture
def world(tenants: Any) -> World:
    from jichitai.codes import municipality_code_check_digit
    from jichitai.tenancy.models import Municipality

    c = Municipality.objects.create(
        consortium=tenants.a.consortium,
        code="99904" + str(municipality_code_check_digit("99904")),
        name="丁村",
        kana="テイムラ",
        prefecture="テスト県",
        population_class="village",
    )
    protected = build(_office(tenants.a, "dis"))
    return World(
        a=tenants.a,
        b=tenants.b,
        c=c,
        z=tenants.other_consortium,
        protected=protected,
        admin_a=staff_with("admin-a", {tenants.a: ("municipality_admin",)}),
        kyogikai=staff_with(
            "kyogikai", {m: ("consortium_admin",) for m in (tenants.a, tenants.b, c)}
        ),
        clerk_b=staff_with("clerk-b", {tenants.b: ("clerk",)}),
        approver_b=staff_with("approver-b", {tenants.b: ("approver", "clerk")}),
        shien_b=staff_with("shien-b", {tenants.b: ("clerk", "support_measure")}),
        admin_b=staff_with("admin-b", {tenants.b: ("municipality_admin",)}),
        clerk_c=staff_with("clerk-c", {c: ("clerk",)}),
        clerk_z=staff_with("clerk-z", {tenants.other_consortium: ("clerk",)}),
    )


def declare(
    world: World,
    *partners: Any,
    starts: dt.timedelta = dt.timedelta(hours=-1),
    days: int = 7,
    by: Any = None,
) -> Any:
    """A's declaration (as A's 団体管理者) naming ``partners`` (default: B)."""
    from jichitai.continuity import disaster

    now = timezone.now()
    with activate(own_ctx(world.a, by or world.admin_a)):
        return disaster.declare(
            kind="earthquake",
            legal_basis="lag_252_16_2",
            purpose=PURPOSE,
            starts_at=now + starts,
            ends_at=now + starts + dt.timedelta(days=days),
            partner_ids=[p.pk for p in partners or (world.b,)],
        )


def logged_in(staff: Any) -> Client:
    """A client past password and second factor, no municipality chosen yet."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name=f"t{next(_SEQ)}", confirmed=True)
    client = Client()
    client.force_login(staff)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def choose(client: Client, key: str) -> Any:
    return client.post("/accounts/choose-municipality/", {"choice": key})


def acting_for(staff: Any, key: str) -> Client:
    client = logged_in(staff)
    resp = choose(client, key)
    assert resp.status_code == 302, resp.content[:300]
    return client


def forged(staff: Any, data: Any, acting: Any, grant_id: int | None) -> Client:
    """A session written by hand (not through the selector): what a tampered session asks for."""
    client = logged_in(staff)
    session = client.session
    session["jichitai_municipality_id"] = data.pk
    session["jichitai_acting_municipality_id"] = acting.pk
    if grant_id is not None:
        session["jichitai_grant_id"] = grant_id
    session.save()
    return client


def api_post(client: Client, path: str, body: Any, key: str) -> Any:
    return client.post(
        API + path, body, content_type="application/json", headers={"Idempotency-Key": key}
    )


def sent_to_login(resp: Any) -> bool:
    return resp.status_code in (301, 302) and resp["Location"].startswith(
        ("/accounts/login/", "/accounts/choose-municipality/")
    )
