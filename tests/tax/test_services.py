"""課税情報: entry, versions, the consistency rules, the certificate service, 支援措置, isolation."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.tax import services
from jichitai.tax.models import Assessment
from jichitai.tenancy.context import activate
from tests.protection_world import alerts

from .conftest import Family, taxable


def _record(
    f: Family,
    person: int,
    year: int = 2025,
    status: str = "taxable",
    staff: Any = None,
    reason: str = "",
    **amounts: Any,
) -> Assessment:
    with activate(f.office.ctx(staff or f.office.clerk)):
        return services.record(
            person, year, status, amounts or taxable(), staff=staff or f.office.clerk, reason=reason
        )


def test_a_record_is_entered_and_returned_for_the_certificate(family: Family) -> None:
    a = _record(family, family.head)
    assert (a.version, a.status, a.salary_income, a.pension_revenue, a.entered_by) == (
        1,
        "taxable",
        2_760_000,
        0,
        family.office.clerk,
    )
    with activate(family.office.ctx()):
        got = services.assessment_for_certificate(family.head, 2025, staff=family.office.clerk)
    assert got.pk == a.pk and got.per_capita_levy == 5_000


def test_a_year_without_assessment_is_refused_in_japanese(family: Family) -> None:
    _record(family, family.head, 2025)
    with activate(family.office.ctx()), pytest.raises(services.NoAssessment) as exc:
        services.assessment_for_certificate(family.head, 2024, staff=family.office.clerk)
    assert exc.value.messages == ["令和6年度の課税情報がありません。"]


def test_a_correction_appends_a_version_and_keeps_the_history(family: Family) -> None:
    first = _record(family, family.head)
    with pytest.raises(services.TaxError) as exc:
        _record(
            family,
            family.head,
            per_capita_levy=0,
            income_levy=0,
            status="exempt",
            **{k: v for k, v in taxable().items() if k not in ("income_levy", "per_capita_levy")},
        )
    assert "訂正の理由を入力してください。" in exc.value.messages
    second = _record(
        family,
        family.head,
        status="exempt",
        reason="更正（扶養控除の追加）",
        **taxable(income_levy=0, per_capita_levy=0),
    )
    assert second.version == 2 and second.reason == "更正（扶養控除の追加）"
    from jichitai.audit.models import AuditEntry

    with activate(family.office.ctx()):
        logged = AuditEntry.objects.filter(
            action="tax.assessment_recorded", subject_id=str(family.head)
        )
        assert sorted(e.detail["version"] for e in logged) == [1, 2]
    with activate(family.office.ctx()):
        data = services.person_tax(family.head, 2025, staff=family.office.clerk)
        assert [a.version for a in data.versions] == [2, 1]
        assert data.current.status == "exempt"
        assert Assessment.objects.get(pk=first.pk).status == "taxable"  # never overwritten
        assert (
            services.assessment_for_certificate(family.head, 2025, staff=family.office.clerk).pk
            == second.pk
        )


def test_a_stored_version_cannot_be_changed_or_deleted(family: Family) -> None:
    a = _record(family, family.head)
    with activate(family.office.ctx()):
        a.income_levy = 1
        with pytest.raises(PermissionError):
            a.save()
        with pytest.raises(PermissionError):
            a.delete()
        assert Assessment.objects.get(pk=a.pk).income_levy == 163_000


@pytest.mark.parametrize(
    ("status", "amounts", "message"),
    [
        ("exempt", taxable(), "非課税の記録の所得割額・均等割額は0円です"),
        ("undeclared", {"salary_revenue": 1}, "未申告の記録に金額は入力できません"),
        (
            "taxable",
            taxable(salary_income=4_000_001, total_income=4_000_001),
            "給与所得が給与収入を超えています",
        ),
        ("taxable", taxable(total_income=1), "合計所得金額が各所得の合計と一致しません"),
        (
            "taxable",
            taxable(income_levy=0, per_capita_levy=0),
            "課税の記録には所得割額か均等割額が必要です",
        ),
        ("taxable", taxable(deductions=-1), "金額に負の値は入力できません"),
        ("課税", taxable(), "課税区分は 課税・非課税・未申告 のいずれかです"),
    ],
)
def test_inconsistent_records_are_refused(
    family: Family, status: str, amounts: dict[str, Any], message: str
) -> None:
    with pytest.raises(services.TaxError) as exc:
        _record(family, family.head, status=status, **amounts)
    assert message in exc.value.messages
    with activate(family.office.ctx()):
        assert not Assessment.objects.exists()


def test_undeclared_has_no_amounts_and_exempt_has_zero_levies(family: Family) -> None:
    u = _record(family, family.head, status="undeclared", **{"salary_revenue": None})
    assert set(u.amounts().values()) == {None}
    e = _record(
        family,
        family.son,
        status="exempt",
        **{"pension_revenue": 800_000, "pension_income": 200_000, "total_income": 200_000},
    )
    assert (e.income_levy, e.per_capita_levy, e.salary_revenue) == (0, 0, 0)


def test_staff_without_the_capability_are_refused(family: Family) -> None:
    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.accounts.models import RoleGrant, Staff

    auditor = Staff.objects.create(username="tax-auditor")
    RoleGrant.objects.create(staff=auditor, municipality=family.office.municipality, role="auditor")
    with activate(family.office.ctx(auditor)), pytest.raises(CapabilityMissing):
        services.person_tax(family.head, 2025, staff=auditor)


def test_a_protected_persons_record_is_refused_without_need_to_know(family: Family) -> None:
    _record(family, family.wife, staff=family.officer)  # the officer (need-to-know) may enter it
    before = alerts(family.office, family.wife)
    with activate(family.office.ctx()):
        for call in (
            lambda: services.assessment_for_certificate(
                family.wife, 2025, staff=family.office.clerk
            ),
            lambda: services.person_tax(family.wife, 2025, staff=family.office.clerk),
            lambda: services.record(
                family.wife, 2025, "exempt", {}, staff=family.office.clerk, reason="x"
            ),
        ):
            with pytest.raises(services.Protected) as exc:
                call()
            assert "支援措置の対象" in exc.value.messages[0]
            assert "髙橋" not in str(exc.value)
        assert Assessment.objects.filter(person_id=family.wife).count() == 1
    assert alerts(family.office, family.wife) == before + 3
    with activate(family.office.ctx(family.officer)):
        got = services.assessment_for_certificate(family.wife, 2025, staff=family.officer)
        assert got.income_levy == 163_000


def test_another_municipalitys_records_are_unreachable(family: Family, office_b: Any) -> None:
    _record(family, family.head)
    with activate(office_b.ctx()):
        assert not Assessment.objects.exists()
        with pytest.raises(services.UnknownPerson):
            services.assessment_for_certificate(family.head, 2025, staff=office_b.clerk)
        with pytest.raises(services.UnknownPerson):
            services.record(family.head, 2025, "taxable", taxable(), staff=office_b.clerk)
        with pytest.raises(services.UnknownPerson):
            services.person_tax(family.head, 2025, staff=office_b.clerk)
    with activate(family.office.ctx()):
        assert Assessment.objects.count() == 1
