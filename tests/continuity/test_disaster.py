"""災害宣言と代行 (issue 14): a declaration lends A's register to its partners for the declared
period only, within the partner staff's own roles; every action is logged naming both
municipalities; after end or revoke the partners get nothing (web, API, direct URL); a third
municipality never sees A."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.accounts.capabilities import CapabilityMissing
from jichitai.accounts.selection import choices_for
from jichitai.audit.models import AuditEntry, SystemAuditEntry
from jichitai.continuity import disaster
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import DelegationGrant, DisasterDeclaration, LegalBasis
from tests.api.conftest import move_in_body

from .conftest import (
    API,
    PURPOSE,
    World,
    acting_for,
    api_post,
    declare,
    forged,
    logged_in,
    own_ctx,
    sent_to_login,
)

pytestmark = pytest.mark.django_db
BASIS = LegalBasis.SUBSTITUTE_EXECUTION.label


def _grant(decl: Any, partner: Any) -> DelegationGrant:
    return DelegationGrant.objects.get(declaration_id=decl.pk, grantee=partner)


def _certificate(person_id: int) -> dict[str, Any]:
    return {
        "kind": "juminhyo",
        "subject_ids": [person_id],
        "requester": {"kind": "self", "person_id": person_id},
        "station": {"terminal": "DR1", "printer": "P1"},
    }


# ---- declaring --------------------------------------------------------------------------------


def test_declare_creates_one_grant_per_partner_for_the_declared_period(world: World) -> None:
    decl = declare(world, world.b, world.c)
    grants = list(DelegationGrant.objects.filter(declaration_id=decl.pk).order_by("grantee__code"))
    assert {g.grantee_id for g in grants} == {world.b.pk, world.c.pk} and len(grants) == 2
    for g in grants:
        assert g.grantor_id == world.a.pk and g.legal_basis == BASIS and g.reason == PURPOSE
        assert (g.valid_from, g.valid_until) == (decl.starts_at, decl.ends_at) and g.is_valid_at()
    with activate(own_ctx(world.a)):
        entry = AuditEntry.objects.get(action="continuity.declared")
        assert entry.username == "admin-a" and entry.detail["partners"] == sorted(
            [world.b.code, world.c.code]
        )
        assert disaster.state_of(decl) == "有効"
    # each grant is a consortium settings change too (who declared it, which municipality)
    logged = SystemAuditEntry.objects.filter(
        subject_type="tenancy.delegationgrant", action="created"
    )
    assert {e.subject_id for e in logged} == {str(g.pk) for g in grants}


def test_declare_is_refused_to_others_and_for_bad_partners(world: World) -> None:
    now = timezone.now()
    args = {
        "kind": "tsunami",
        "legal_basis": "dcba_90_4",
        "purpose": PURPOSE,
        "starts_at": now,
        "ends_at": now + dt.timedelta(days=3),
    }
    clerk_a = world.protected.office.clerk
    with activate(own_ctx(world.a, clerk_a)), pytest.raises(CapabilityMissing):
        disaster.declare(**args, partner_ids=[world.b.pk])
    for partners, message in (
        ([world.z.pk], "同じ協議会"),
        ([world.a.pk], "同じ協議会"),
        ([], "1つ以上"),
        (["x"], "正しくありません"),
    ):
        with (
            activate(own_ctx(world.a, world.admin_a)),
            pytest.raises(disaster.DeclarationError, match=message),
        ):
            disaster.declare(**args, partner_ids=partners)
    with (
        activate(own_ctx(world.a, world.admin_a)),
        pytest.raises(disaster.DeclarationError, match="終了予定"),
    ):
        disaster.declare(
            **{**args, "ends_at": now - dt.timedelta(days=1)}, partner_ids=[world.b.pk]
        )
    # B's administrator cannot declare for A: in B's own context the declaration would be B's,
    # and A's is not in their reach (A's administrator role is A's)
    with activate(own_ctx(world.a, world.admin_b)), pytest.raises(CapabilityMissing):
        disaster.declare(**args, partner_ids=[world.b.pk])
    assert not DelegationGrant.objects.filter(grantor=world.a).exists()


def test_consortium_admin_declares_through_the_screen(world: World) -> None:
    client = acting_for(world.kyogikai, f"m{world.a.pk}")
    form = client.get("/continuity/declare/")
    body = form.content.decode()
    assert form.status_code == 200 and "乙町" in body and "丁村" in body and "丙市" not in body
    now = timezone.localtime()
    resp = client.post(
        "/continuity/declare/",
        {
            "kind": "storm_flood",
            "legal_basis": "dcba_67",
            "purpose": "浸水被害",
            "partners": [world.b.pk],
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert resp.status_code == 302, resp.content[:500]
    with activate(own_ctx(world.a)):
        decl = DisasterDeclaration.objects.get()
    assert decl.declared_by_id == world.kyogikai.pk and _grant(decl, world.b).is_valid_at()
    page = client.get(resp["Location"]).content.decode()
    assert "乙町" in page and "災害対策基本法第67条" in page and "有効" in page
    bad = client.post(
        "/continuity/declare/",
        {
            "kind": "storm_flood",
            "legal_basis": "dcba_67",
            "purpose": "x",
            "partners": [world.z.pk],
            "starts_at": "2026-01-01T00:00",
            "ends_at": "bad",
        },
    )
    assert bad.status_code == 400 and "日時" in bad.content.decode()


# ---- partners act for A, within their own role, only in the period ----------------------------


def test_partner_sees_A_in_the_selector_with_a_banner(world: World) -> None:
    decl = declare(world)
    grant = _grant(decl, world.b)
    labels = {c.key: c.label for c in choices_for(world.clerk_b)}
    assert labels == {
        f"m{world.b.pk}": str(world.b),
        f"g{grant.pk}": f"{world.a}（{world.b}として代行）",
    }
    client = acting_for(world.clerk_b, f"g{grant.pk}")
    page = client.get("/registry/").content.decode()
    assert (
        "代行中" in page and "災害宣言による代行" in page and BASIS in page and str(world.a) in page
    )


def test_partner_acts_within_its_own_role_and_every_action_names_both(world: World) -> None:
    decl = declare(world)
    key = f"g{_grant(decl, world.b).pk}"
    office = world.protected.office
    clerk = acting_for(world.clerk_b, key)
    submitted = api_post(clerk, "/events", move_in_body(office, "代行"), "dr-1")
    assert submitted.status_code == 201, submitted.content[:400]
    event_id = submitted.json()["id"]
    # a clerk does not approve (their own role in B), not even for A
    assert api_post(clerk, f"/events/{event_id}/approve", {}, "dr-2").status_code == 403
    approver = acting_for(world.approver_b, key)
    assert api_post(approver, f"/events/{event_id}/approve", {}, "dr-3").status_code == 200
    cert = api_post(clerk, "/certificates", _certificate(world.protected.head), "dr-4")
    assert cert.status_code == 200 and cert.content.startswith(b"%PDF-")
    assert clerk.get(f"/registry/persons/{world.protected.head}/").status_code == 200
    # administration is never lent: B's 団体管理者 acting for A cannot reach the continuity screens
    admin = acting_for(world.admin_b, key)
    assert admin.get("/continuity/").status_code == 403
    with activate(own_ctx(world.a)):
        under = list(AuditEntry.objects.filter(acting_municipality=world.b))
    assert len(under) >= 4
    for e in under:
        assert (e.municipality_id, e.acting_municipality_id, e.grant_id) == (
            world.a.pk,
            world.b.pk,
            _grant(decl, world.b).pk,
        )
        assert (
            e.legal_basis == BASIS
            and e.purpose == PURPOSE
            and e.username in {"clerk-b", "approver-b", "admin-b"}
        )
    assert {e.username for e in under} >= {"clerk-b", "approver-b"}
    with activate(own_ctx(world.b)):  # nothing of A's work lands in B's chain
        assert not AuditEntry.objects.filter(grant_id=_grant(decl, world.b).pk).exists()


def test_no_access_before_the_period_starts(world: World) -> None:
    decl = declare(world, starts=dt.timedelta(days=1))
    grant = _grant(decl, world.b)
    assert f"g{grant.pk}" not in {c.key for c in choices_for(world.clerk_b)}
    client = logged_in(world.clerk_b)
    assert (
        client.post("/accounts/choose-municipality/", {"choice": f"g{grant.pk}"}).status_code == 403
    )
    assert "jichitai_grant_id" not in client.session
    early = forged(world.clerk_b, world.a, world.b, grant.pk)
    assert sent_to_login(early.get(f"/registry/persons/{world.protected.head}/"))
    assert (
        forged(world.clerk_b, world.a, world.b, grant.pk)
        .get(f"{API}/persons/{world.protected.head}")
        .status_code
        == 401
    )
    with activate(own_ctx(world.a, world.admin_a)):
        assert disaster.state_of(decl) == "予定"
        disaster.end(decl, note="取りやめ")  # a grant that had not begun is withdrawn
    assert DelegationGrant.objects.get(pk=grant.pk).revoked_at is not None


@pytest.mark.parametrize("how", ["end", "revoke", "revoke_partner"])
def test_after_end_or_revoke_the_partner_gets_nothing(world: World, how: str) -> None:
    decl = declare(world, world.b, world.c)
    key = f"g{_grant(decl, world.b).pk}"
    web = acting_for(world.clerk_b, key)
    api = acting_for(world.clerk_b, key)
    head = world.protected.head
    assert web.get(f"/registry/persons/{head}/").status_code == 200
    with activate(own_ctx(world.a, world.admin_a)):
        if how == "end":
            disaster.end(decl, note="復旧")
        elif how == "revoke":
            disaster.revoke(decl, note="誤って宣言")
        else:
            disaster.revoke(decl, note="乙町の代行を終える", partner_id=world.b.pk)
    person = web.get(f"/registry/persons/{head}/")
    assert sent_to_login(person) and "髙橋" not in person.content.decode()
    resp = api.get(f"{API}/persons/{head}")
    assert resp.status_code == 401 and "髙橋" not in resp.content.decode()
    assert api_post(api, "/certificates", _certificate(head), "after-1").status_code == 401
    # a new session through the selector: A is not offered any more
    assert f"g{_grant(decl, world.b).pk}" not in {c.key for c in choices_for(world.clerk_b)}
    again = forged(world.clerk_b, world.a, world.b, _grant(decl, world.b).pk)
    assert sent_to_login(again.get("/registry/?name=髙橋"))
    c_still = _grant(decl, world.c).is_valid_at()
    assert c_still is (how == "revoke_partner")
    with activate(own_ctx(world.a)):
        assert (
            AuditEntry.objects.filter(action__in=["continuity.ended", "continuity.revoked"]).count()
            == 1
        )


def test_extend_moves_the_end_of_the_open_grants(world: World) -> None:
    decl = declare(world, world.b, world.c, days=2)
    new_end = decl.ends_at + dt.timedelta(days=10)
    with activate(own_ctx(world.a, world.admin_a)):
        disaster.revoke(decl, note="丁村は不要", partner_id=world.c.pk)
        disaster.extend(decl, new_end, note="復旧が遅れている")
        with pytest.raises(disaster.DeclarationError, match="後に"):
            disaster.extend(decl, new_end - dt.timedelta(days=1))
    assert _grant(decl, world.b).valid_until == new_end
    assert (
        _grant(decl, world.c).revoked_at is not None
        and _grant(decl, world.c).valid_until != new_end
    )
    client = acting_for(world.admin_a, f"m{world.a.pk}")
    page = client.get(f"/continuity/{decl.pk}/").content.decode()
    assert "取消" in page and "有効" in page
    ended = client.post(f"/continuity/{decl.pk}/end/", {"note": "復旧"})
    assert ended.status_code == 302
    assert (
        client.post(f"/continuity/{decl.pk}/extend/", {"ends_at": "2099-01-01T00:00"}).status_code
        == 400
    )
    assert not _grant(decl, world.b).is_valid_at()


# ---- a third municipality never sees A -----------------------------------------------------------


def test_a_third_municipality_never_sees_A(world: World) -> None:
    decl = declare(world)
    grant = _grant(decl, world.b)
    for staff in (world.clerk_c, world.clerk_z):
        assert world.a.pk not in {c.municipality_id for c in choices_for(staff)}
        client = logged_in(staff)
        refused = client.post("/accounts/choose-municipality/", {"choice": f"g{grant.pk}"})
        assert refused.status_code == 403 and "髙橋" not in refused.content.decode()
        assert "jichitai_municipality_id" not in client.session
        acting = world.c if staff is world.clerk_c else world.z
        tampered = forged(staff, world.a, acting, grant.pk)  # B's grant, named by C's or Z's staff
        assert sent_to_login(tampered.get(f"/registry/persons/{world.protected.head}/"))
        api = forged(staff, world.a, acting, grant.pk)
        assert api.get(f"{API}/persons/{world.protected.head}").status_code == 401
        assert (
            api_post(
                api, "/events", move_in_body(world.protected.office, "不正"), "t-1"
            ).status_code
            == 401
        )
    # C's administrator sees no declaration of A, and A's declaration id answers 404 in C's context
    kyogikai_c = acting_for(world.kyogikai, f"m{world.c.pk}")
    assert kyogikai_c.get(f"/continuity/{decl.pk}/").status_code == 404
    assert kyogikai_c.get(f"/continuity/{decl.pk}/report.csv").status_code == 404
    assert "地震" not in kyogikai_c.get("/continuity/").content.decode()
    assert kyogikai_c.post(f"/continuity/{decl.pk}/end/", {}).status_code == 404
    assert _grant(decl, world.b).is_valid_at()


# ---- the report A's administrators see when they are back ----------------------------------------


def test_report_lists_what_partners_did_without_naming_residents(world: World) -> None:
    decl = declare(world)
    clerk = acting_for(world.clerk_b, f"g{_grant(decl, world.b).pk}")
    head = world.protected.head
    assert clerk.get(f"/registry/persons/{head}/").status_code == 200
    assert api_post(clerk, "/certificates", _certificate(head), "rep-1").status_code == 200
    admin = acting_for(world.admin_a, f"m{world.a.pk}")
    page = admin.get(f"/continuity/{decl.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "clerk-b" in body and str(world.b) in body and BASIS in body
    csv = admin.get(f"/continuity/{decl.pk}/report.csv")
    text = csv.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert csv.status_code == 200 and lines[0].startswith("日時,代行団体,職員")
    with activate(own_ctx(world.a)):
        expected = AuditEntry.objects.filter(grant_id=_grant(decl, world.b).pk).count()
    assert len(lines) - 1 == expected >= 2
    assert all(",clerk-b," in line and PURPOSE in line for line in lines[1:])
    for secret in ("髙橋", "山本", *world.protected.atena.values(), "秘密"):
        assert secret not in text and secret not in body
    # the partner's own staff (and B's administrator in B's own context) do not get it
    assert (
        acting_for(world.admin_b, f"m{world.b.pk}").get(f"/continuity/{decl.pk}/").status_code
        == 404
    )
    assert clerk.get(f"/continuity/{decl.pk}/report.csv").status_code == 403


# ---- 支援措置: protected persons of A stay protected from partner staff ---------------------------


def test_protected_persons_of_A_stay_protected_from_partner_staff(world: World) -> None:
    from tests.protection_world import revealed

    decl = declare(world)
    key = f"g{_grant(decl, world.b).pk}"
    p = world.protected
    clerk = acting_for(world.clerk_b, key)
    for path in (
        f"{API}/persons/{p.misaki}",
        f"{API}/households/{p.all}",
        f"{API}/households/{p.some}",
        f"{API}/persons/{p.son}",
        f"{API}/persons?name=髙橋",
        f"{API}/persons?name=山本",
    ):
        resp = clerk.get(path)
        assert resp.status_code < 500 and revealed(resp.content.decode(), p) == [], (
            path,
            resp.status_code,
        )
    for path in (
        f"/registry/persons/{p.misaki}/",
        f"/registry/households/{p.some}/",
        "/registry/?name=山本",
        f"/registry/persons/{p.son}/",
    ):
        resp = clerk.get(path)
        assert resp.status_code < 500 and revealed(resp.content.decode(), p) == [], (
            path,
            resp.status_code,
        )
    cert = api_post(clerk, "/certificates", _certificate(p.misaki), "prot-1")
    assert cert.status_code in (403, 404) and revealed(cert.content.decode(), p) == []
    # need-to-know in the acting municipality (B's 支援措置担当) is what lets a partner see the record
    shien = acting_for(world.shien_b, key)
    seen = shien.get(f"{API}/persons/{p.misaki}")
    assert seen.status_code == 200 and "山本" in seen.content.decode()
    with activate(own_ctx(world.a)):  # every access to a protected person is alerted in A's chain
        alerts = AuditEntry.objects.filter(category="alert", acting_municipality=world.b)
        assert alerts.exists() and all(a.grant_id == _grant(decl, world.b).pk for a in alerts)


def test_extending_an_expired_declaration_reopens_its_grants(world: World) -> None:
    decl = declare(world, world.b, world.c, starts=dt.timedelta(days=-3), days=5)
    past = timezone.now() - dt.timedelta(days=1)
    with activate(own_ctx(world.a, world.admin_a)):
        disaster.revoke(decl, note="丁村は不要", partner_id=world.c.pk)
        # time passes: the declared period ran out yesterday
        DisasterDeclaration.objects.filter(pk=decl.pk).update(ends_at=past)
        DelegationGrant.objects.filter(declaration_id=decl.pk).update(valid_until=past)
        decl.refresh_from_db()
        assert disaster.state_of(decl) == "終了" and not _grant(decl, world.b).is_valid_at()
        disaster.extend(decl, timezone.now() + dt.timedelta(days=2), note="余震")
    assert _grant(decl, world.b).is_valid_at() and not _grant(decl, world.c).is_valid_at()
    assert (
        acting_for(world.clerk_b, f"g{_grant(decl, world.b).pk}").get("/registry/").status_code
        == 200
    )
