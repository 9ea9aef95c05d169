"""[1380]#9: the 操作権限一覧表 and the functions the standard lists (10.1 EUC, 10.2 アクセスログ管理,
10.3 操作権限管理, 10.4 操作権限設定, 2.2.4 支援対象者照会, 1.1.16 支援対象者管理, 9.1 バッチ処理, 4.3.1
住民票コード付番) controlled independently, per staff member; tried from the protected side and from
another municipality."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jichitai.accounts import operation_rights as ops
from jichitai.accounts.administration import AdminError, scope_for
from jichitai.accounts.capabilities import CAPABILITIES, capabilities_of
from jichitai.accounts.models import RoleGrant, Staff
from jichitai.cli import main as jichitai
from jichitai.codes import resident_code_check_digit
from jichitai.registry import selectors, support
from jichitai.tenancy.context import activate
from tests.web_registry.conftest import login

from .conftest import move_in_family, people

pytestmark = pytest.mark.django_db
LISTED = [name for _, name in ops.LISTED]
EVERY_ROLE = ("clerk", "approver", "auditor", "support_measure", "municipality_admin")


def _staff(office: Any, name: str, *roles: str) -> Staff:
    staff = Staff.objects.create(
        username=f"{name}-{office.municipality.pk}", display_name="操作 制限"
    )
    for role in roles:
        RoleGrant.objects.create(staff=staff, municipality=office.municipality, role=role)
    return staff


@pytest.mark.std("1380#9")
def test_each_listed_function_is_its_own_right_and_withheld_alone(
    office: Any, office_b: Any
) -> None:
    assert all(CAPABILITIES[n].restrictable for n in LISTED) and len(set(LISTED)) == 8
    with activate(office.ctx()):
        admin = _staff(office, "admin", "municipality_admin")
        everyone = _staff(office, "all", *EVERY_ROLE)
        scope = scope_for(admin, office.municipality.pk)
        held = capabilities_of(everyone)
        assert set(LISTED) <= held
        for name in LISTED:  # one withheld: exactly that one goes, every other right stays
            ops.set_operation_rights(
                scope,
                everyone,
                municipality_id=office.municipality.pk,
                allowed=set(LISTED) - {name},
            )
            assert capabilities_of(everyone) == held - {name}, name
        ops.set_operation_rights(
            scope, everyone, municipality_id=office.municipality.pk, allowed=set(LISTED)
        )
        assert capabilities_of(everyone) == held
        with pytest.raises(AdminError, match="個別に制限できない"):
            ops.set_operation_rights(
                scope, everyone, municipality_id=office.municipality.pk, allowed={"registry.read"}
            )
        with pytest.raises(AdminError, match="自分自身"):
            ops.set_operation_rights(
                scope, admin, municipality_id=office.municipality.pk, allowed=set()
            )
        # another municipality is outside a 団体管理者's scope: refused, nothing stored
        with pytest.raises(AdminError, match="この団体"):
            ops.set_operation_rights(
                scope, everyone, municipality_id=office_b.municipality.pk, allowed=set()
            )
    with activate(office_b.ctx()):  # a restriction in A takes nothing in B
        RoleGrant.objects.create(
            staff=everyone, municipality=office_b.municipality, role="approver"
        )
        assert {"registry.euc", "registry.batch"} <= capabilities_of(everyone)


@pytest.mark.std("1380#9")
def test_the_screen_withholds_euc_and_batch_apart(office: Any, office_b: Any) -> None:
    with activate(office.ctx()):
        admin = _staff(office, "admin", "municipality_admin")
        approver = _staff(office, "appr", "approver", "clerk")
    for s in (admin, approver):
        s.consortium, s.home_municipality = office.municipality.consortium, office.municipality
        s.save()
    c = login(Client(), admin, office.municipality)
    page = c.get(f"/staff/{approver.pk}/").content.decode()
    assert (
        "操作権限の個別制限" in page
        and "4.3.1 住民票コード付番" in page
        and "9.1 バッチ処理" in page
    )
    url = f"/staff/{approver.pk}/operations/"
    allowed = [n for n in LISTED if n != "registry.euc"]
    assert (
        c.post(url, {"municipality": office.municipality.pk, "allowed": allowed}).status_code == 302
    )
    clerk_side = login(Client(), approver, office.municipality)
    assert clerk_side.get("/registry/euc/").status_code == 403  # EUC withheld
    assert clerk_side.get("/registry/batch/").status_code == 200  # バッチ処理 kept
    assert clerk_side.get("/registry/approvals/").status_code == 200  # the roles' other work kept
    # then バッチ処理 too, EUC given back: each follows its own switch
    allowed = [n for n in LISTED if n != "registry.batch"]
    assert (
        c.post(url, {"municipality": office.municipality.pk, "allowed": allowed}).status_code == 302
    )
    assert clerk_side.get("/registry/batch/").status_code == 403
    assert clerk_side.get("/registry/euc/").status_code == 200
    table = c.get("/staff/capabilities/").content.decode()
    assert "registry.resident_code_numbering" in table and "accounts.set_rights" in table
    from jichitai.audit.models import SystemAuditEntry

    assert SystemAuditEntry.objects.filter(action="staff.operation_rights_changed").exists()
    refused = c.post(url, {"municipality": office_b.municipality.pk, "allowed": []})
    assert refused.status_code == 400
    # a clerk (no 操作権限設定) cannot post the form at all
    assert (
        clerk_side.post(url, {"municipality": office.municipality.pk, "allowed": []}).status_code
        == 403
    )


@pytest.mark.std("1380#9")
def test_withholding_support_inquiry_masks_the_protected_person_again(
    office: Any, office_b: Any
) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        admin = _staff(office, "admin", "municipality_admin")
        officer = _staff(office, "officer", "clerk", "support_measure")
        support.start_measure(
            wife.pk, start=dt.date(2026, 4, 1), reason="DV", against=[], staff=officer
        )
        assert not selectors.person_detail(wife.pk, staff=officer).masked
        ops.set_operation_rights(
            scope_for(admin, office.municipality.pk),
            officer,
            municipality_id=office.municipality.pk,
            allowed=set(LISTED) - {"registry.support_measure"},
        )
        assert selectors.person_detail(
            wife.pk, staff=officer
        ).masked  # need to know gone with the right
        assert "registry.support_manage" in capabilities_of(
            officer
        )  # 1.1.16 stays as its own right
    with activate(office_b.ctx()):  # B's register does not hold A's protected person at all
        assert not any(p.pk == wife.pk for p in people())


@pytest.mark.std("1380#9")
def test_resident_code_stock_needs_the_numbering_right(
    tmp_path: Path, capsys: Any, office: Any, office_b: Any
) -> None:
    from jichitai.registry.resident_code_models import ResidentCodeStock

    f = tmp_path / "cs.txt"
    f.write_text(
        "".join(
            f"{b}{resident_code_check_digit(str(b))}\n" for b in range(6_000_000_000, 6_000_000_003)
        )
    )
    code = office.municipality.code
    base = ["registry", "resident-codes", "--municipality", code]
    assert (
        jichitai([*base, "--staff", office.clerk.username, "stock", str(f)]) == 2
    )  # a clerk: no right
    assert "住民票コード付番の操作権限がありません" in capsys.readouterr().err
    assert jichitai([*base, "--staff", office.approver.username, "stock", str(f)]) == 0
    with activate(office.ctx()):
        assert ResidentCodeStock.objects.count() == 3
        admin = _staff(office, "admin", "municipality_admin")
        ops.set_operation_rights(
            scope_for(admin, office.municipality.pk),
            office.approver,
            municipality_id=office.municipality.pk,
            allowed=set(LISTED) - {"registry.resident_code_numbering"},
        )
        assert "registry.approve" in capabilities_of(office.approver)
    assert jichitai([*base, "--staff", office.approver.username, "count"]) == 2
    # B's approver has the right in B only: A's stock is not B's
    other = [
        "registry",
        "resident-codes",
        "--municipality",
        code,
        "--staff",
        office_b.approver.username,
    ]
    assert jichitai([*other, "count"]) == 2
    with activate(office_b.ctx()):
        assert ResidentCodeStock.objects.count() == 0
