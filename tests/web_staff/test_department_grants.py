"""[1380]#4 組織単位: roles granted to a 所属部署 reach every staff member of that department whose
所属団体 is the municipality, for the grant's period; the municipality's other staff, another
municipality's staff of a same-named department and a moved staff member get nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.accounts import department_grants as dg
from jichitai.accounts.administration import AdminError, scope_for
from jichitai.accounts.capabilities import capabilities_of
from jichitai.accounts.errors import RoleRevoked
from jichitai.accounts.selection import check_selection, choices_for, roles_in
from jichitai.cli import main as jichitai
from jichitai.tenancy.context import TenantContext, activate

pytestmark = pytest.mark.django_db


def _member(make_staff: Any, name: str, muni: Any, department: str) -> Any:
    staff = make_staff(name)
    staff.home_municipality, staff.department = muni, department
    staff.save()
    return staff


def _ctx(muni: Any, staff: Any) -> TenantContext:
    return TenantContext(municipality_id=muni.pk, acting_municipality_id=muni.pk, staff_id=staff.pk)


@pytest.mark.std("1380#4")
def test_a_department_grant_gives_its_role_to_the_departments_staff(make_staff: Any, admin_a: Any,
                                                                    muni_a: Any, muni_b: Any) -> None:
    from jichitai.accounts.models import Staff

    member = _member(make_staff, "shimin.1", muni_a, "市民課")
    other_dept = _member(make_staff, "zeimu.1", muni_a, "税務課")
    same_name_b = _member(make_staff, "shimin.b", muni_b, "市民課")
    assert choices_for(member) == []
    scope = scope_for(admin_a, muni_a.pk)
    dg.grant_department(scope, municipality_id=muni_a.pk, department=" 市民課 ", role="clerk")
    member = Staff.objects.get(pk=member.pk)
    assert [(c.municipality_id, c.roles) for c in choices_for(member)] == [(muni_a.pk, ("clerk",))]
    assert roles_in(member, muni_a.pk) == ("clerk",)
    assert check_selection(member, muni_a.pk, muni_a.pk, None) == frozenset({"clerk"})
    with activate(_ctx(muni_a, member)):
        assert "registry.read" in capabilities_of(member) and "registry.read" in capabilities_of(member.pk)
    assert choices_for(other_dept) == [] and choices_for(same_name_b) == []
    with activate(_ctx(muni_b, same_name_b)):
        assert capabilities_of(same_name_b) == frozenset()
    # a 団体管理者 of A cannot grant to B's departments; a role must be one of Role (no 職位)
    with pytest.raises(AdminError, match="権限がありません"):
        dg.grant_department(scope, municipality_id=muni_b.pk, department="市民課", role="clerk")
    with pytest.raises(AdminError, match="職位"):
        dg.grant_department(scope, municipality_id=muni_a.pk, department="市民課", role="課長")
    # moving to another department takes the role away at the next question
    member.department = "税務課"
    member.save()
    assert choices_for(member) == []
    member.department = "市民課"
    member.save()
    dg.revoke_department(scope, municipality_id=muni_a.pk, department="市民課", role="clerk")
    assert choices_for(member) == []
    with pytest.raises(RoleRevoked):  # a running session ends at its next request
        check_selection(member, muni_a.pk, muni_a.pk, None)


@pytest.mark.std("1380#4", "1380#6")
def test_the_period_of_a_department_grant_is_its_schedule(make_staff: Any, admin_a: Any, muni_a: Any) -> None:
    member = _member(make_staff, "shimin.2", muni_a, "市民課")
    scope = scope_for(admin_a, muni_a.pk)
    today = dt.date.today()
    dg.grant_department(scope, municipality_id=muni_a.pk, department="市民課", role="clerk",
                        valid_from=today + dt.timedelta(days=1))
    assert choices_for(member) == []
    dg.grant_department(scope, municipality_id=muni_a.pk, department="市民課", role="clerk",
                        valid_from=today - dt.timedelta(days=10), valid_until=today - dt.timedelta(days=1))
    assert choices_for(member) == []
    dg.grant_department(scope, municipality_id=muni_a.pk, department="市民課", role="clerk", valid_from=today)
    assert [c.roles for c in choices_for(member)] == [("clerk",)]


@pytest.mark.std("1380#4")
def test_departments_by_cli_are_logged_as_settings_changes(make_staff: Any, admin_a: Any, muni_a: Any,
                                                          capsys: Any) -> None:
    from jichitai.audit.models import SystemAuditEntry

    member = _member(make_staff, "shimin.3", muni_a, "市民課")
    base = ["staff", "departments", "--municipality", muni_a.code, "--admin", "admin.a"]
    assert jichitai([*base, "grant", "市民課", "窓口担当", "--from", "2020-04-01"]) == 0
    assert jichitai([*base, "list"]) == 0
    assert f"{muni_a.code}\t市民課\tclerk\t窓口担当\t2020-04-01〜" in capsys.readouterr().out
    assert [c.roles for c in choices_for(member)] == [("clerk",)]
    assert jichitai([*base, "revoke", "市民課", "approver"]) == 1
    assert "role: この所属部署にこの役割は付与されていません" in capsys.readouterr().err
    assert jichitai([*base, "grant", "", "clerk"]) == 1
    assert jichitai([*base, "revoke", "市民課", "clerk"]) == 0
    actions = list(SystemAuditEntry.objects.filter(action__startswith="staff.department_role")
                   .values_list("action", "username"))
    assert actions == [("staff.department_role_granted", "admin.a"), ("staff.department_role_revoked", "admin.a")]
    assert choices_for(member) == []


@pytest.mark.std("1380#9", "1380#4")
def test_the_capability_table_lists_inquiry_and_management_apart(admin_a: Any, muni_a: Any, muni_b: Any,
                                                                 kyogikai: Any) -> None:
    from tests.web_staff.support import session_client

    body = session_client(admin_a, muni_a).get("/staff/capabilities/").content.decode()
    assert "registry.support_measure" in body and "registry.support_manage" in body
    assert "支援対象者照会担当" in body and "jichitai staff departments" in body
    assert "所属部署への役割付与はありません" in body
    dg.grant_department(scope_for(kyogikai, muni_b.pk), municipality_id=muni_b.pk, department="港湾課",
                        role="approver")
    dg.grant_department(scope_for(admin_a, muni_a.pk), municipality_id=muni_a.pk, department="市民課",
                        role="support_inquiry", valid_until=dt.date(2030, 3, 31))
    body = session_client(admin_a, muni_a).get("/staff/capabilities/").content.decode()
    assert "市民課" in body and "2030" in body and "港湾課" not in body  # B's is outside A's scope
