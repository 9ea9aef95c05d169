"""Tenant isolation, 支援措置 and 個人番号 on a migration export, and a certificate from migrated data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jichitai.accounts.capabilities import CapabilityMissing
from jichitai.importer import export_records, import_records
from jichitai.tenancy.context import activate

from .registers import CODE, RegisterBuilder, database_state, synthetic_specs

CODE_B = "472018"  # another generator code: 個人番号 are national, B's residents are other people

pytestmark = pytest.mark.django_db
D = dt.date


def _register(
    seed: int, first_atena: int = 1000, first_household: int = 500, code: str = CODE
) -> list[Any]:
    b = RegisterBuilder(first_atena, first_household)
    for n, s in enumerate(synthetic_specs(seed, 2, code)):
        s = [m for m in s if m["birth_date"] < "2016-01-01"] or s[:1]
        s[0]["relationship"] = "世帯主"
        b.move_in(s, D(2016, 1 + n, 1), n, f"{n + 1}番地")
    return b.records()


def _state_of(code: str) -> dict[str, Any]:
    return {k: v for k, v in database_state().items() if k.startswith(f"{code}:")}


def test_importing_into_a_never_touches_b_and_exports_never_cross(
    office: Any, office_b: Any, admin: Any, admin_b: Any
) -> None:
    b_records = _register(seed=11, first_atena=5000, first_household=900, code=CODE_B)
    assert import_records(b_records, municipality=office_b.municipality, staff=admin_b).ok
    b_before = _state_of(office_b.municipality.code)
    a_records = _register(seed=12)
    assert import_records(a_records, municipality=office.municipality, staff=admin).ok
    assert _state_of(office_b.municipality.code) == b_before
    a_out = {r.atena_no for r in export_records(municipality=office.municipality, staff=admin)}
    b_out = {r.atena_no for r in export_records(municipality=office_b.municipality, staff=admin_b)}
    assert a_out == {r.atena_no for r in a_records} and b_out == {r.atena_no for r in b_records}
    # A's 団体管理者 holds no role in B: refused there, for import and export alike
    with pytest.raises(CapabilityMissing):
        list(export_records(municipality=office_b.municipality, staff=admin))
    with pytest.raises(CapabilityMissing):
        import_records(
            _register(13, 7000, 950, CODE_B), municipality=office_b.municipality, staff=admin
        )


def _protect(office: Any, atena: str) -> int:
    from jichitai.registry.models import Person, SupportMeasure

    with activate(office.ctx(office.approver)):
        person = Person.objects.without_read_log("test").get(atena_no=atena)
        SupportMeasure.objects.create(
            person=person,
            start_date=D(2020, 1, 1),
            end_date=D(2030, 1, 1),
            against=[],
            reason="DV",
            created_by=office.approver,
        )
        return person.pk


def test_protected_persons_are_carried_whole_and_only_with_the_migration_capability(
    office: Any, admin: Any
) -> None:
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.audit.models import AuditEntry

    records = _register(seed=21)
    assert import_records(records, municipality=office.municipality, staff=admin).ok
    protected = records[0]
    pid = _protect(office, protected.atena_no)
    # from the protected side: staff with need-to-know, or the counter, may not take the whole register
    officer = Staff.objects.create(username="support-officer-m")
    RoleGrant.objects.create(
        staff=officer, municipality=office.municipality, role="support_measure"
    )
    for staff in (officer, office.clerk, office.approver):
        with pytest.raises(CapabilityMissing):
            next(export_records(municipality=office.municipality, staff=staff))
    out = {r.atena_no: r for r in export_records(municipality=office.municipality, staff=admin)}
    carried = out[protected.atena_no]
    assert carried.protected and not any(
        r.protected for a, r in out.items() if a != protected.atena_no
    )
    assert carried.history[-1].person["family_name"] == protected.history[-1].person["family_name"]
    assert carried.history[-1].household["banchi"] == protected.history[-1].household["banchi"]
    with activate(office.ctx(admin)):
        alerts = AuditEntry.objects.filter(action="support_measure.access", subject_id=str(pid))
        assert alerts.count() == 1 and alerts.get().detail["masked"] is False
    # re-imported elsewhere, the measure must be registered again: the result lists who
    again = import_records(
        list(out.values()), municipality=office.municipality, staff=admin, dry_run=True
    )
    assert again.protected == [protected.atena_no]


def test_my_number_only_with_the_flag_and_an_audit_entry(office: Any, admin: Any) -> None:
    from jichitai.audit.models import AuditEntry
    from jichitai.registry.models import MigrationRun

    records = _register(seed=31)
    assert import_records(records, municipality=office.municipality, staff=admin).ok
    plain = list(export_records(municipality=office.municipality, staff=admin))
    assert all(e.person["my_number"] == "" for r in plain for e in r.history)
    full = list(
        export_records(municipality=office.municipality, staff=admin, include_restricted=True)
    )
    assert [r.history[-1].person["my_number"] for r in full] == [
        r.history[-1].person["my_number"] for r in records
    ]
    with activate(office.ctx(admin)):
        runs = list(MigrationRun.objects.filter(direction="export").order_by("pk"))
        entries = list(AuditEntry.objects.filter(action="registry.migration_export").order_by("pk"))
        assert [e.detail["run"] for e in entries] == [r.run_key for r in runs]
        assert [e.my_number_shown for e in entries] == [False, True]


def test_a_certificate_is_issued_from_migrated_data(office: Any, admin: Any) -> None:
    from jichitai.certificates.issuance.fake import read_fake
    from jichitai.registry.models import Person
    from tests.certificates.conftest import issue_for

    records = _register(seed=41)
    assert import_records(records, municipality=office.municipality, staff=admin).ok
    head = records[0]
    with activate(office.ctx()):
        pid = Person.objects.without_read_log("test").get(atena_no=head.atena_no).pk
        printed = read_fake(issue_for(office, [pid]).copies[0].content)
    text = json.dumps(printed, ensure_ascii=False)
    person, household = head.history[-1].person, head.history[-1].household
    assert f"{person['family_name']}\u3000{person['given_name']}" in text
    assert household["town_name"] in text and household["banchi"] in text
