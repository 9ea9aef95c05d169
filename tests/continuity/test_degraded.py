"""縮退運転 (issue 14): read-only keeps the reads, issuance-only keeps the reads and 証明書交付;
both refuse a 異動 on the web and the API (403 with the mode named, never a 5xx), for A's own
staff and for partners acting for A; the mode is A's alone and only an administrator switches it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.accounts.capabilities import CapabilityMissing, capabilities_of
from jichitai.audit.models import AuditEntry
from jichitai.continuity import degraded
from jichitai.continuity.disaster import DeclarationError
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import DelegationGrant
from tests.api.conftest import move_in_body

from .conftest import API, World, acting_for, api_post, declare, own_ctx, staff_with

pytestmark = pytest.mark.django_db


def _switch(world: World, municipality: Any, mode: str | None) -> None:
    with activate(
        own_ctx(municipality, world.admin_a if municipality == world.a else world.admin_b)
    ):
        if mode is None:
            degraded.switch_off(note="復旧")
        else:
            degraded.switch_on(mode, reason="停電のため", username="admin")


def _certificate(person_id: int) -> dict[str, Any]:
    return {
        "kind": "juminhyo",
        "subject_ids": [person_id],
        "requester": {"kind": "self", "person_id": person_id},
        "station": {"terminal": "DG1", "printer": "P1"},
    }


def _clerk_a(world: World) -> Any:
    return staff_with("counter-a", {world.a: ("clerk", "approver")})


def _pending_event(world: World) -> int:
    """A 転入 entered in A and waiting for its 決裁."""
    from jichitai.registry import events

    office = world.protected.office
    with activate(office.ctx()):
        return events.submit_event(
            "move_in",
            move_in_body(office, "保留")["request"],
            effective_date=dt.date(2024, 6, 1),
            reported_date=dt.date(2024, 6, 1),
            entered_by=office.clerk,
        ).event.pk


@pytest.mark.parametrize("mode", ["read_only", "issuance_only"])
def test_degraded_mode_refuses_events_on_web_and_api(world: World, mode: str) -> None:
    staff = _clerk_a(world)
    event_id = _pending_event(world)
    _switch(world, world.a, mode)
    client = acting_for(staff, f"m{world.a.pk}")
    office = world.protected.office
    submitted = api_post(client, "/events", move_in_body(office, "縮退"), "dg-1")
    assert submitted.status_code == 403 and "縮退運転中" in submitted.json()["errors"][0]["message"]
    approve = api_post(client, f"/events/{event_id}/approve", {}, "dg-2")
    assert approve.status_code == 403
    form = client.get("/registry/events/new/move_in/")
    assert form.status_code == 403 and "縮退運転中" in form.content.decode()
    posted = client.post("/registry/events/new/move_in/", {})
    assert posted.status_code == 403
    assert client.post(f"/registry/approvals/{event_id}/approve/", {}).status_code == 403
    # reads stay: the search, the person, the API read
    page = client.get("/registry/?name=髙橋")
    assert page.status_code == 200 and "縮退運転中" in page.content.decode()
    assert client.get(f"{API}/persons/{world.protected.head}").status_code == 200
    cert = api_post(client, "/certificates", _certificate(world.protected.head), "dg-3")
    if mode == "issuance_only":
        assert cert.status_code == 200 and cert.content.startswith(b"%PDF-")
        assert client.get("/certificates/").status_code == 200
    else:
        assert cert.status_code == 403 and "縮退運転中" in cert.json()["errors"][0]["message"]
        assert client.get("/certificates/").status_code == 403
    with activate(own_ctx(world.a, staff)):
        caps = capabilities_of(staff)
        assert (
            "registry.read" in caps
            and "registry.enter" not in caps
            and "registry.approve" not in caps
        )
        assert ("certificates.issue" in caps) is (mode == "issuance_only")
    with activate(own_ctx(world.a)):
        from jichitai.registry.models import RegistryEvent

        assert RegistryEvent.objects.get(pk=event_id).status == "provisional"
        assert not AuditEntry.objects.filter(category="error").exists()


def test_support_measure_post_is_refused_in_a_degraded_mode(world: World) -> None:
    officer = staff_with("shien-a", {world.a: ("clerk", "support_measure")})
    _switch(world, world.a, "read_only")
    client = acting_for(officer, f"m{world.a.pk}")
    assert client.get("/registry/support/").status_code == 200  # the list is a read
    resp = client.post("/registry/support/", {"person_id": world.protected.head, "reason": "DV"})
    assert resp.status_code == 403 and "縮退運転中（参照のみ）" in resp.content.decode()


def test_degraded_mode_binds_partners_acting_for_A_not_their_own_office(world: World) -> None:
    decl = declare(world)
    grant = DelegationGrant.objects.get(declaration_id=decl.pk)
    _switch(world, world.a, "read_only")
    partner = acting_for(world.clerk_b, f"g{grant.pk}")
    refused = api_post(partner, "/events", move_in_body(world.protected.office, "代行縮退"), "dp-1")
    assert refused.status_code == 403
    page = partner.get("/registry/")
    assert (
        page.status_code == 200
        and "縮退運転中" in page.content.decode()
        and "代行中" in page.content.decode()
    )
    # B itself runs normally: the mode is A's setting, read in A's context only
    own = acting_for(world.clerk_b, f"m{world.b.pk}")
    assert "縮退運転中" not in own.get("/registry/").content.decode()
    assert own.get("/registry/events/new/move_in/").status_code == 200
    _switch(world, world.a, None)
    assert (
        api_post(
            partner, "/events", move_in_body(world.protected.office, "代行復旧"), "dp-2"
        ).status_code
        == 201
    )


def test_only_an_administrator_switches_the_mode_through_the_screen(world: World) -> None:
    clerk = acting_for(_clerk_a(world), f"m{world.a.pk}")
    assert (
        clerk.post(
            "/continuity/degraded/", {"action": "on", "mode": "read_only", "reason": "x"}
        ).status_code
        == 403
    )
    with activate(own_ctx(world.a, world.protected.office.clerk)), pytest.raises(CapabilityMissing):
        degraded.switch_on("read_only", reason="x")
    grant = DelegationGrant.objects.get(declaration_id=declare(world).pk)
    partner_admin = acting_for(world.admin_b, f"g{grant.pk}")
    assert (
        partner_admin.post(
            "/continuity/degraded/", {"action": "on", "mode": "read_only", "reason": "x"}
        ).status_code
        == 403
    )
    admin = acting_for(world.admin_a, f"m{world.a.pk}")
    assert (
        admin.post(
            "/continuity/degraded/", {"action": "on", "mode": "bogus", "reason": "x"}
        ).status_code
        == 400
    )
    assert (
        admin.post(
            "/continuity/degraded/", {"action": "on", "mode": "read_only", "reason": ""}
        ).status_code
        == 400
    )
    on = admin.post(
        "/continuity/degraded/", {"action": "on", "mode": "issuance_only", "reason": "回線障害"}
    )
    assert on.status_code == 302
    page = admin.get("/continuity/degraded/").content.decode()
    assert (
        "証明書交付のみ" in page and "回線障害" in page and "縮退運転中（証明書交付のみ）" in page
    )
    # the administrator's own screens are never degraded (the mode must be switchable off)
    assert admin.get("/continuity/").status_code == 200 and admin.get("/staff/").status_code == 200
    off = admin.post("/continuity/degraded/", {"action": "off", "note": "復旧"})
    assert off.status_code == 302 and "縮退運転中" not in admin.get("/continuity/").content.decode()
    assert admin.post("/continuity/degraded/", {"action": "off"}).status_code == 400
    with activate(own_ctx(world.a)):
        actions = list(
            AuditEntry.objects.filter(action__startswith="continuity.degraded").values_list(
                "action", flat=True
            )
        )
    assert actions == ["continuity.degraded_on", "continuity.degraded_off"]
    with activate(own_ctx(world.b)):
        assert degraded.current_setting() is None  # never B's
    with activate(own_ctx(world.a, world.admin_a)), pytest.raises(DeclarationError):
        degraded.switch_off()


def test_a_refusal_names_the_mode_only_when_the_mode_is_the_reason(world: World) -> None:
    _switch(world, world.a, "read_only")
    admin = acting_for(world.admin_a, f"m{world.a.pk}")  # holds no 異動 right in any mode
    page = admin.get("/registry/events/new/move_in/")
    assert (
        page.status_code == 403
        and "のため、この操作を行う権限がありません" not in page.content.decode()
    )
    api = api_post(admin, "/events", move_in_body(world.protected.office, "管理"), "nm-1")
    assert api.status_code == 403 and "縮退運転中" not in api.json()["errors"][0]["message"]
    clerk = acting_for(_clerk_a(world), f"m{world.a.pk}")
    refused = clerk.get("/registry/events/new/move_in/").content.decode()
    assert "縮退運転中（参照のみ）のため、この操作を行う権限がありません" in refused
