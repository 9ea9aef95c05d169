"""支援措置 that never ends by itself, its period, extension, 終了, 仮支援措置, carry-over on moving
out, and the [160] items ([410]#6, [440] 3.4, [160] 1.1.16), tried from the protected side."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import events, selectors, support, support_case
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import SupportMeasure
from jichitai.registry.selectors import SearchQuery
from jichitai.tenancy.context import activate

from .conftest import move_in_family, people

D = dt.date
pytestmark = pytest.mark.django_db


def _officers(office: Any) -> tuple[Any, Any]:
    """(an entering officer: clerk + 支援措置担当, an approving one: approver + 支援措置担当)."""
    from jichitai.accounts.models import RoleGrant, Staff

    made = []
    for name, roles in (("enter", ("clerk", "support_measure")), ("approve", ("approver", "support_measure"))):
        staff = Staff.objects.create(username=f"sp-{name}-{office.municipality.pk}")
        for role in roles:
            RoleGrant.objects.create(staff=staff, municipality=office.municipality, role=role)
        made.append(staff)
    return made[0], made[1]


def _masked_for_clerk(office: Any, person_id: int) -> bool:
    detail = selectors.person_detail(person_id, staff=office.clerk)
    page = selectors.search(SearchQuery(name="髙橋", include_removed=True), staff=office.clerk)
    shown = {r.id for r in page.results}
    return detail.masked and detail.person is None and person_id not in shown


@pytest.mark.std("410#6", "440#5")
def test_a_measure_past_its_end_date_keeps_protecting_until_a_person_ends_it(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        officer, _ = _officers(office)
        m = support.start_measure(wife.pk, start=D(2020, 4, 1), reason="DV", against=[], staff=officer)
        assert m.end_date == D(2021, 3, 31) < dt.date.today()
        # years after the end date: still masked, addresses hidden, issuance refused
        assert support.active_measure(wife.pk) == m
        assert _masked_for_clerk(office, wife.pk)
        assert selectors.household_detail(wife.household_id, staff=office.clerk).address_hidden
        assert not support.may_receive(wife.pk, requester_kind="third_party").allowed
        assert support.period_alert(m) == support.ALERT_OVER
        support.end_measure(m.pk, staff=officer, reason="expired")
        assert support.active_measure(wife.pk) is None and not selectors.person_detail(wife.pk, staff=office.clerk).masked


@pytest.mark.std("440#4", "440#5")
def test_period_alerts_in_the_last_month_and_after_the_end(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        officer, _ = _officers(office)
        m = support.start_measure(people()[1].pk, start=D(2024, 4, 1), reason="DV", against=[], staff=officer)
        assert m.end_date == D(2025, 3, 31) and support.extension_opens(m) == D(2025, 2, 28)
        assert support.period_alert(m, D(2025, 2, 27)) == ""
        assert support.period_alert(m, D(2025, 2, 28)) == "支援措置の期間が1か月以内に終了します"
        assert support.period_alert(m, D(2025, 3, 31)) == "支援措置の期間が1か月以内に終了します"
        assert support.period_alert(m, D(2025, 4, 1)) == "支援措置の期間が終了しています（延長または終了の処理をしてください）"
        m.ended_at = dt.datetime(2025, 4, 2, tzinfo=dt.UTC)
        assert support.period_alert(m, D(2025, 4, 2)) == ""


@pytest.mark.std("440#2")
def test_one_year_period_computed_and_editable(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        officer, _ = _officers(office)
        assert support.one_year_end(D(2020, 4, 1)) == D(2021, 3, 31)  # the standard's example
        assert support.one_year_end(D(2024, 2, 29)) == D(2025, 2, 27)
        m = support.start_measure(people()[1].pk, start=D(2020, 4, 1), reason="DV", against=[], staff=officer)
        assert m.end_date == D(2021, 3, 31)
        m = support.set_end_date(m.pk, end=D(2021, 6, 30), staff=officer)
        assert m.end_date == D(2021, 6, 30)
        with pytest.raises(RegistryError) as exc:
            support.set_end_date(m.pk, end=D(2020, 3, 31), staff=officer)
        assert exc.value.violations[0].field == "end_date"
        with pytest.raises(RegistryError):
            support.set_end_date(m.pk, end=D(2022, 1, 1), staff=office.clerk)
        other = support.start_measure(people()[2].pk, start=D(2024, 1, 1), end=D(2024, 6, 30), reason="DV",
                                      against=[], staff=officer)
        assert other.end_date == D(2024, 6, 30)


@pytest.mark.std("440#3")
def test_extension_only_from_one_month_before_the_end(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        officer, _ = _officers(office)
        m = support.start_measure(people()[1].pk, start=D(2020, 4, 1), reason="DV", against=[], staff=officer)
        with pytest.raises(RegistryError) as exc:
            support.extend_measure(m.pk, staff=officer, on=D(2021, 2, 27))
        assert exc.value.messages == ["支援措置の延長は、期間終了日（令和3年3月31日）の1か月前（令和3年2月28日）から行えます。"]
        m = support.extend_measure(m.pk, staff=officer, on=D(2021, 2, 28))
        assert m.end_date == D(2022, 3, 31)  # one year from the day after the old end
        m = support.extend_measure(m.pk, staff=officer, on=D(2023, 1, 1))  # late: still from the old end
        assert m.end_date == D(2023, 3, 31)


@pytest.mark.std("440#6")
def test_end_needs_one_of_the_three_reasons_and_records_who_when_why(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        officer, _ = _officers(office)
        m = support.start_measure(people()[1].pk, start=D(2024, 4, 1), reason="DV", against=[], staff=officer)
        for bad in ("", "気が変わった"):
            with pytest.raises(RegistryError) as exc:
                support.end_measure(m.pk, staff=officer, reason=bad)
            assert exc.value.violations[0].field == "end_reason"
        with pytest.raises(RegistryError):
            support.end_measure(m.pk, staff=office.clerk, reason="request")
        assert support.active_measure(m.person_id) is not None
        m = support.end_measure(m.pk, staff=officer, reason="no_need")
        assert (m.ended_by_id, m.end_reason) == (officer.pk, "no_need") and m.ended_at is not None
        assert set(support.END_REASONS) == {"request", "expired", "no_need"}
        with pytest.raises(RegistryError):
            support.extend_measure(m.pk, staff=officer, on=D(2025, 3, 31))


@pytest.mark.std("440#7", "160#1")
def test_provisional_measure_protects_from_the_application(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        officer, _ = _officers(office)
        applied = dt.date.today() - dt.timedelta(days=3)
        m = support.start_measure(wife.pk, start=applied, reason="DV", against=[], staff=officer, provisional=True)
        assert (m.provisional, m.provisional_start) == (True, applied)
        assert _masked_for_clerk(office, wife.pk)
        # the need confirmed with a start later than today: the 仮 start keeps protecting meanwhile
        m = support.confirm_measure(m.pk, start=dt.date.today() + dt.timedelta(days=2), staff=officer)
        assert not m.provisional and m.provisional_start == applied
        assert _masked_for_clerk(office, wife.pk)


@pytest.mark.std("440#8")
def test_moving_out_carries_the_measure_over_as_a_provisional_one_of_the_former_address(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        enter, approve = _officers(office)
        m = support.start_measure(wife.pk, start=D(2024, 4, 1), reason="DV", against=[], staff=enter)
        sub = events.submit_event("move_out_abroad", {"person_ids": [wife.pk], "destination": "アメリカ合衆国"},
                                  effective_date=D(2024, 9, 1), reported_date=D(2024, 9, 1), entered_by=enter)
        events.approve_event(sub.event.pk, approver=approve)
        m.refresh_from_db()
        assert (m.office_role, m.provisional, m.provisional_start, m.ended_at) == ("former", True, D(2024, 9, 1), None)
        # the 除票 stays protected: masked in the detail and in a search that includes removed persons
        assert people(pk=wife.pk)[0].status == "moved_out"
        assert _masked_for_clerk(office, wife.pk)
        assert support.period_alert(m, D(2025, 4, 1)) == support.ALERT_OVER


@pytest.mark.std("160#1", "160#2")
def test_case_items_and_joint_persons_who_are_protected_too(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        officer, _ = _officers(office)
        m = support.start_measure(wife.pk, start=D(2024, 4, 1), reason="DV",
                                  against=[{"person_id": head.pk, "name": "髙橋 一郎"}], staff=officer)
        support_case.update_case(m.pk, staff=officer, affairs=["certificate", "inspection"], values={
            "contact": "090-0000-0000", "offender_birth_date": D(1980, 5, 1), "offender_note": "勤務先 甲村",
            "held_addresses": "現住所・前住所", "transfer_to": "乙町", "transferred_on": D(2024, 4, 2)})
        m.refresh_from_db()
        assert m.case["contact"] == "090-0000-0000" and m.case["affairs"] == ["inspection", "certificate"]
        labels = dict(support_case.case_items(m))
        assert labels["加害者の生年月日"] == "昭和55年5月1日" and "住民票の写し等の交付" in labels["支援を求める事務"]
        with pytest.raises(RegistryError) as exc:
            support_case.update_case(m.pk, staff=officer, affairs=["kiosk"], values={"contact": "x" * 201})
        assert {v.field for v in exc.value.violations} == {"contact", "affairs"}
        with pytest.raises(RegistryError):
            support_case.update_case(m.pk, staff=office.clerk, affairs=[], values={})
        joint = support_case.add_joint(m.pk, person_id=son.pk, relation="子", staff=officer)
        assert (joint.joint_with_id, joint.end_date, joint.case["relation"]) == (m.pk, m.end_date, "子")
        assert _masked_for_clerk(office, son.pk)
        assert not support.may_receive(son.pk, requester_kind="household", requester_person_id=head.pk).allowed


def test_support_functions_do_not_reach_another_municipality(office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b)
        b_wife = people()[1]
        b_officer, _ = _officers(office_b)
        b_measure = support.start_measure(b_wife.pk, start=D(2024, 4, 1), reason="DV", against=[], staff=b_officer)
    with activate(office.ctx()):
        officer, _ = _officers(office)
        assert SupportMeasure.objects.filter(pk=b_measure.pk).count() == 0
        for call in (lambda: support.end_measure(b_measure.pk, staff=officer, reason="request"),
                     lambda: support.set_end_date(b_measure.pk, end=D(2030, 1, 1), staff=officer),
                     lambda: support.start_measure(b_wife.pk, start=D(2024, 1, 1), reason="DV", against=[],
                                                   staff=officer)):
            with pytest.raises(RegistryError) as exc:
                call()
            assert exc.value.violations[0].rule == "not_found"


@pytest.mark.std("440#1")
def test_after_review_the_issuance_error_is_lifted_for_a_while_never_for_the_offender_or_kiosk(office, monkeypatch) -> None:
    from django.utils import timezone

    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
        officer, _ = _officers(office)
        m = support.start_measure(wife.pk, start=D(2024, 4, 1), reason="DV",
                                  against=[{"person_id": head.pk, "name": "髙橋 一郎"}], staff=officer)
        assert not support.may_receive(wife.pk, requester_kind="third_party").allowed  # an error by default
        with pytest.raises(RegistryError):
            support.release_issuance(m.pk, staff=office.clerk, reason="債権回収の正当な理由")
        with pytest.raises(RegistryError) as exc:
            support.release_issuance(m.pk, staff=officer, reason="")
        assert exc.value.violations[0].field == "release_reason"
        now = timezone.now()
        support.release_issuance(m.pk, staff=officer, reason="債権回収の正当な理由を確認", minutes=10)
        assert support.may_receive(wife.pk, requester_kind="third_party").allowed
        assert not support.may_receive(wife.pk, requester_kind="household", requester_person_id=head.pk).allowed
        assert not support.may_receive(wife.pk, requester_kind="kiosk_self", requester_person_id=wife.pk,
                                       channel="kiosk").allowed
        monkeypatch.setattr(timezone, "now", lambda: now + dt.timedelta(minutes=11))
        assert not support.may_receive(wife.pk, requester_kind="third_party").allowed  # locked again by itself
        assert selectors.person_detail(wife.pk, staff=office.clerk).masked  # the record stays masked throughout
