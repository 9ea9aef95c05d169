"""職員管理 ([1380]): screens for 団体管理者 / 協議会管理者, periods, resets, bulk CSV, audit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts import administration as admin
from jichitai.accounts.bulk_grants import BulkRefused, apply_csv
from jichitai.accounts.capabilities import has_capability, roles_of
from jichitai.accounts.models import RoleGrant, Staff
from jichitai.accounts.selection import choices_for
from jichitai.audit.models import SystemAuditEntry
from tests.accounts.support import PASSWORD, password_step, totp_code

from .support import session_client

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _issued_password(resp) -> str:
    m = re.search(r'id="issued-password">([^<]+)<', resp.content.decode())
    assert m, resp.content.decode()
    return m.group(1)


@pytest.mark.std("1380#1", "1380#2", "1380#4", "1380#5")
def test_a_municipality_admin_creates_staff_and_grants_a_role_for_a_period(admin_a, muni_a):
    c = session_client(admin_a, muni_a)
    resp = c.post("/staff/new/", {"username": "new.clerk", "display_name": "新規 花子", "department": "市民課"})
    assert resp.status_code == 200 and "no-store" in resp["Cache-Control"]
    password = _issued_password(resp)
    assert 'id="issued-secret"' in resp.content.decode()
    staff = Staff.objects.get(username="new.clerk")
    assert (staff.display_name, staff.department, staff.home_municipality_id) == ("新規 花子", "市民課", muni_a.pk)
    assert staff.check_password(password) and staff.must_change_password
    assert password not in str(list(SystemAuditEntry.objects.values_list("detail_json", flat=True)))
    resp = c.post(f"/staff/{staff.pk}/grants/", {"municipality": muni_a.pk, "role": "clerk",
                                                 "valid_from": "", "valid_until": "令和20年3月31日"})
    assert resp.status_code == 302
    grant = RoleGrant.objects.get(staff=staff)
    assert (grant.role, grant.valid_until) == ("clerk", dt.date(2038, 3, 31))
    page = c.get("/staff/").content.decode()
    assert "new.clerk" in page and "市民課" in page
    actions = set(SystemAuditEntry.objects.filter(category="settings").values_list("action", flat=True))
    assert {"staff.staff_created", "staff.role_granted"} <= actions


def test_wrong_input_names_the_field(admin_a, muni_a):
    c = session_client(admin_a, muni_a)
    resp = c.post("/staff/new/", {"username": "X!", "display_name": "名"})
    assert resp.status_code == 400 and "職員ID" in resp.content.decode()
    target = Staff.objects.create(username="t.a", consortium=admin_a.consortium, home_municipality=muni_a)
    resp = c.post(f"/staff/{target.pk}/grants/", {"municipality": muni_a.pk, "role": "clerk",
                                                  "valid_from": "2030-04-01", "valid_until": "2030-03-01"})
    assert resp.status_code == 400 and "終了日は開始日以降" in resp.content.decode()
    resp = c.post(f"/staff/{target.pk}/grants/", {"municipality": muni_a.pk, "role": "clerk", "valid_from": "あした"})
    assert resp.status_code == 400 and "日付の形式" in resp.content.decode()


@pytest.mark.std("1380#5")
def test_a_municipality_admin_never_sees_or_changes_another_municipalitys_staff(admin_a, clerk_b, muni_a, muni_b):
    c = session_client(admin_a, muni_a)
    assert "clerk.b" not in c.get("/staff/").content.decode()
    assert c.get(f"/staff/{clerk_b.pk}/").status_code == 404
    for url in ("password-reset/", "second-factor-reset/", "active/", "edit/", "grants/"):
        assert c.post(f"/staff/{clerk_b.pk}/{url}", {"municipality": muni_b.pk, "role": "clerk"}).status_code == 404
    grant_b = RoleGrant.objects.get(staff=clerk_b)
    assert c.post(f"/staff/{clerk_b.pk}/grants/{grant_b.pk}/revoke/").status_code == 404
    clerk_b.refresh_from_db()
    assert clerk_b.is_active and not clerk_b.must_change_password and RoleGrant.objects.filter(pk=grant_b.pk).exists()
    # its own staff cannot be given a role in B either, and B's code is not in its bulk scope
    own = Staff.objects.create(username="own.a", consortium=admin_a.consortium, home_municipality=muni_a)
    resp = c.post(f"/staff/{own.pk}/grants/", {"municipality": muni_b.pk, "role": "clerk"})
    assert resp.status_code == 400 and not RoleGrant.objects.filter(staff=own).exists()
    with pytest.raises(BulkRefused) as err:
        apply_csv(admin.scope_for(admin_a, muni_a.pk),
                  f"username,municipality_code,role,valid_from,valid_until,action\nclerk.b,{muni_b.code},clerk,,,grant\n")
    assert {e.field for e in err.value.errors} == {"username", "municipality_code"}


def test_a_municipality_admin_cannot_make_a_consortium_admin(admin_a, muni_a):
    own = Staff.objects.create(username="own.a", consortium=admin_a.consortium, home_municipality=muni_a)
    scope = admin.scope_for(admin_a, muni_a.pk)
    with pytest.raises(admin.AdminError, match="協議会管理者"):
        admin.grant_role(scope, own, municipality_id=muni_a.pk, role="consortium_admin")


def test_a_consortium_admin_manages_every_member(kyogikai, clerk_b, muni_a, muni_b):
    c = session_client(kyogikai, muni_a)
    assert "clerk.b" in c.get("/staff/").content.decode()
    resp = c.post(f"/staff/{clerk_b.pk}/grants/", {"municipality": muni_a.pk, "role": "approver"})
    assert resp.status_code == 302 and roles_of(clerk_b, muni_a.pk) == frozenset({"approver"})


@pytest.mark.std("1380#1", "1380#6")
def test_a_grant_outside_its_period_grants_nothing_and_a_future_start_is_the_schedule(make_staff, muni_a):
    staff = make_staff("period", [])
    past = RoleGrant.objects.create(staff=staff, municipality=muni_a, role="clerk",
                                    valid_until=TODAY - dt.timedelta(days=1))
    assert roles_of(staff, muni_a.pk) == frozenset() and choices_for(staff) == []
    assert not has_capability(staff, "registry.read", muni_a.pk)
    past.delete()
    RoleGrant.objects.create(staff=staff, municipality=muni_a, role="clerk", valid_from=TODAY + dt.timedelta(days=1))
    assert roles_of(staff, muni_a.pk) == frozenset()  # scheduled: not yet
    assert RoleGrant.objects.in_force(TODAY + dt.timedelta(days=1)).filter(staff=staff).count() == 1
    RoleGrant.objects.filter(staff=staff).update(valid_from=TODAY)
    assert roles_of(staff, muni_a.pk) == frozenset({"clerk"}) and has_capability(staff, "registry.read", muni_a.pk)


@pytest.mark.std("1380#3")
def test_a_reset_password_works_once_and_must_be_changed_at_the_next_login(admin_a, clerk_a, muni_a):
    c = session_client(admin_a, muni_a)
    password = _issued_password(c.post(f"/staff/{clerk_a.pk}/password-reset/"))
    clerk_a.refresh_from_db()
    assert clerk_a.must_change_password and not clerk_a.check_password(PASSWORD)
    me = Client()
    assert password_step(me, "clerk.a", password).status_code == 302
    device = TOTPDevice.objects.get(user=clerk_a)
    me.post("/accounts/second-factor/", {"factor": "totp", "token": totp_code(device)})
    assert me.get("/registry/")["Location"] == "/accounts/password/"
    api = me.get("/api/v1/persons", {"name": "誰か"})
    assert api.status_code == 403 and "パスワードの変更が必要です" in api.json()["errors"][0]["message"]
    resp = me.post("/accounts/password/", {"current": password, "new": "short", "again": "short"})
    assert resp.status_code == 400 and "条件を満たしません" in resp.content.decode()
    resp = me.post("/accounts/password/", {"current": password, "new": "atarashii-pass-42", "again": "atarashii-pass-42"})
    assert resp.status_code == 302
    clerk_a.refresh_from_db()
    assert clerk_a.check_password("atarashii-pass-42") and not clerk_a.must_change_password
    assert me.get("/registry/").status_code == 200


def test_a_second_factor_reset_replaces_every_device(admin_a, clerk_a, muni_a):
    old = TOTPDevice.objects.get(user=clerk_a)
    c = session_client(admin_a, muni_a)
    resp = c.post(f"/staff/{clerk_a.pk}/second-factor-reset/")
    assert resp.status_code == 200 and 'id="issued-secret"' in resp.content.decode()
    devices = list(TOTPDevice.objects.filter(user=clerk_a))
    assert len(devices) == 1 and devices[0].pk != old.pk and devices[0].key != old.key
    assert SystemAuditEntry.objects.filter(action="staff.second_factor_reset", subject_id=str(clerk_a.pk)).exists()


def test_a_deactivated_staff_member_is_logged_out_at_the_next_request(admin_a, clerk_a, muni_a):
    theirs = session_client(clerk_a, muni_a)
    assert theirs.get("/registry/").status_code == 200
    c = session_client(admin_a, muni_a)
    assert c.post(f"/staff/{clerk_a.pk}/active/", {"active": "0"}).status_code == 302
    assert theirs.get("/registry/").status_code == 302
    assert c.post(f"/staff/{admin_a.pk}/active/", {"active": "0"}).status_code == 400  # not oneself


@pytest.mark.std("1380#10", "1380#6")
def test_bulk_grants_are_all_or_nothing_with_line_and_field_errors(admin_a, clerk_a, muni_a):
    c = session_client(admin_a, muni_a)
    other = Staff.objects.create(username="other.a", consortium=admin_a.consortium, home_municipality=muni_a)
    head = "username,municipality_code,role,valid_from,valid_until,action\n"
    bad = head + f"clerk.a,{muni_a.code},approver,2030-04-01,,grant\nother.a,{muni_a.code},課長,,,grant\nnobody,{muni_a.code},clerk,令和99年,,付与\n"
    resp = c.post("/staff/bulk/", {"file": SimpleUploadedFile("g.csv", bad.encode("cp932"))})
    text = resp.content.decode()
    assert resp.status_code == 400 and "3行目 role" in text and "4行目 username" in text and "4行目 valid_from" in text
    assert not RoleGrant.objects.filter(staff=clerk_a, role="approver").exists()  # line 2 was fine, still nothing
    good = head + f"clerk.a,{muni_a.code},決裁者,2030-04-01,,grant\nother.a,{muni_a.code},clerk,,,\nclerk.a,{muni_a.code},clerk,,,revoke\n"
    resp = c.post("/staff/bulk/", {"file": SimpleUploadedFile("g.csv", good.encode("utf-8-sig"))})
    assert resp.status_code == 302
    assert set(RoleGrant.objects.filter(staff=clerk_a).values_list("role", "valid_from")) == {("approver", dt.date(2030, 4, 1))}
    assert roles_of(clerk_a, muni_a.pk) == frozenset()  # the approver role is scheduled for 2030
    assert RoleGrant.objects.filter(staff=other, role="clerk").exists()
    assert SystemAuditEntry.objects.filter(action="staff.role_revoked").exists()


@pytest.mark.std("1380#13")
def test_rights_are_by_duty_only_a_rank_cannot_be_set(admin_a, clerk_a, muni_a):
    fields = {f.name for m in (Staff, RoleGrant) for f in m._meta.get_fields()}
    assert not fields & {"rank", "position", "job_rank", "title", "grade", "職位"}
    scope = admin.scope_for(admin_a, muni_a.pk)
    for rank in ("課長", "係長", "manager"):
        with pytest.raises(admin.AdminError, match="職位による設定はできません"):
            admin.grant_role(scope, clerk_a, municipality_id=muni_a.pk, role=rank)
    with pytest.raises(BulkRefused) as err:
        apply_csv(scope, "username,municipality_code,role,職位,valid_from,valid_until,action\n")
    assert err.value.errors[0].field == "職位" and "職位・職権による設定はできません" in err.value.errors[0].message


@pytest.mark.std("1390#1")
def test_an_admin_sets_display_rights_per_staff_member_in_their_scope_only(admin_a, clerk_a, muni_a, muni_b):
    from jichitai.accounts.capabilities import capabilities_of
    from jichitai.accounts.models import DisplayRestriction

    c = session_client(admin_a, muni_a)
    assert "表示権限" in c.get(f"/staff/{clerk_a.pk}/").content.decode()
    resp = c.post(f"/staff/{clerk_a.pk}/display/", {"municipality": muni_a.pk, "shown": ["registry.show_resident_code"]})
    assert resp.status_code == 302
    caps = capabilities_of(clerk_a, muni_a.pk)
    assert "registry.show_resident_code" in caps and "registry.show_honseki" not in caps
    assert "registry.read" in caps  # the roles still decide what the clerk does
    assert SystemAuditEntry.objects.filter(action="staff.display_rights_changed").exists()
    resp = c.post(f"/staff/{clerk_a.pk}/display/", {"municipality": muni_b.pk, "shown": []})
    assert resp.status_code == 400 and not DisplayRestriction.objects.filter(municipality=muni_b).exists()
    resp = c.post(f"/staff/{clerk_a.pk}/display/", {"municipality": muni_a.pk, "shown": ["registry.read"]})
    assert resp.status_code == 400  # only display rights can be set here


def test_the_consortium_admin_assigns_the_home_municipality_and_the_migration_guesses_it(
        kyogikai, admin_a, muni_a, muni_b, make_staff):
    import importlib

    from django.apps import apps

    single = make_staff("single", [(muni_b, "clerk")])
    shared = make_staff("shared", [(muni_a, "clerk"), (muni_b, "clerk")])
    migration = importlib.import_module("jichitai.accounts.migrations.0005_staff_admin")
    migration.home_from_grants(apps, None)
    single.refresh_from_db()
    shared.refresh_from_db()
    assert single.home_municipality_id == muni_b.pk and shared.home_municipality_id is None
    c = session_client(admin_a, muni_a)
    assert c.get(f"/staff/{shared.pk}/").status_code == 404  # unassigned: not a 団体管理者's
    k = session_client(kyogikai, muni_a)
    resp = k.post(f"/staff/{shared.pk}/edit/", {"display_name": "共有 職員", "department": "",
                                                "home_municipality": muni_a.pk})
    assert resp.status_code == 302
    assert c.get(f"/staff/{shared.pk}/").status_code == 200
    # a 団体管理者 cannot move their staff elsewhere
    c.post(f"/staff/{shared.pk}/edit/", {"display_name": "共有 職員", "home_municipality": muni_b.pk})
    shared.refresh_from_db()
    assert shared.home_municipality_id == muni_a.pk


@pytest.mark.std("1380#6")
def test_a_running_session_ends_when_the_last_grant_runs_out(clerk_a, muni_a):
    c = session_client(clerk_a, muni_a)
    assert c.get("/registry/").status_code == 200
    RoleGrant.objects.filter(staff=clerk_a).update(valid_until=TODAY - dt.timedelta(days=1))
    resp = c.get("/registry/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")


@pytest.mark.std("1380#10")
def test_the_grants_export_round_trips_through_the_bulk_import(admin_a, clerk_a, clerk_b, muni_a):
    c = session_client(admin_a, muni_a)
    RoleGrant.objects.filter(staff=clerk_a).update(valid_until=dt.date(2031, 3, 31))
    body = c.get("/staff/bulk/grants.csv").content.decode("utf-8")
    assert body.startswith("\ufeffusername,municipality_code,role,valid_from,valid_until,action")
    assert f"clerk.a,{muni_a.code},clerk,,2031-03-31,grant" in body and "clerk.b" not in body
    assert apply_csv(admin.scope_for(admin_a, muni_a.pk), body.lstrip("\ufeff")) >= 1
    page = c.get("/staff/capabilities/").content.decode()
    assert "監査ログの検索と分析" in page
    assert "職員管理" in page and "本籍・筆頭者" in page
