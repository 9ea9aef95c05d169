"""Search by variant-aware name and kana, read logging, and 支援措置 masking and alerts ([440])."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry import events, selectors, support
from jichitai.registry.errors import RegistryError
from jichitai.registry.selectors import SearchQuery
from jichitai.tenancy.context import activate

from .conftest import move_in_family, people

D = dt.date
pytestmark = pytest.mark.django_db


def _names(page: selectors.SearchPage) -> list[str]:
    return [r.name for r in page.results]


def test_name_search_folds_variants_340(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        page = selectors.search(SearchQuery(name="高橋 一"), staff=office.clerk)
        assert _names(page) == ["髙橋\u3000一郎"]
        assert selectors.search(SearchQuery(name="髙橋"), staff=office.clerk).total == 3
        assert selectors.search(SearchQuery(name="高嶋"), staff=office.clerk).total == 0


def test_kana_search_folds_width_and_script(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        assert selectors.search(SearchQuery(kana="たかはし　はなこ"), staff=office.clerk).total == 1
        assert selectors.search(SearchQuery(kana="ﾀｶﾊｼ"), staff=office.clerk).total == 3


def test_search_needs_a_condition_and_is_paginated(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        with pytest.raises(RegistryError) as exc:
            selectors.search(SearchQuery(), staff=office.clerk)
        assert exc.value.messages == ["検索条件を1つ以上入力してください。"]
        page = selectors.search(SearchQuery(name="高橋", page_size=2), staff=office.clerk)
        assert (page.total, page.pages, len(page.results)) == (3, 2, 2)
        page2 = selectors.search(SearchQuery(name="高橋", page_size=2, page=2), staff=office.clerk)
        assert len(page2.results) == 1


def test_every_person_shown_is_logged_as_a_read(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        before = AuditEntry.objects.filter(category="read", action="view").count()
        page = selectors.search(SearchQuery(name="高橋"), staff=office.clerk)
        reads = AuditEntry.objects.filter(category="read", action="view").order_by("seq")
        assert reads.count() - before == len(page.results)
        assert {e.screen for e in reads} == {"住民検索"}
        # and the search itself, once ([1370]: 大量検索・宛名番号等からの検索の分析)
        (search,) = AuditEntry.objects.filter(category="read", action="search")
        assert search.detail["items"] == ["name"] and search.detail["total"] == len(page.results)


def test_my_number_search_needs_the_restricted_role(office) -> None:
    from jichitai.accounts.models import RoleGrant

    with activate(office.ctx()):
        move_in_family(office)
        with pytest.raises(RegistryError) as exc:
            selectors.search(SearchQuery(my_number="123456789018"), staff=office.clerk)
        assert exc.value.messages == ["個人番号で検索する権限がありません。"]
        RoleGrant.objects.create(staff=office.clerk, municipality=office.municipality, role="my_number_access")
        assert selectors.search(SearchQuery(my_number="123456789018"), staff=office.clerk).total == 0


def test_provisional_move_in_is_absent_from_search(office) -> None:
    from .conftest import person_spec

    with activate(office.ctx()):
        sub = events.submit_event("move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "1"}},
            "persons": [person_spec("p1", "﨑山", "仮子", "1990-01-01", "世帯主")],
            "previous_address": "札幌市"}, effective_date=D(2024, 1, 1), reported_date=None,
            entered_by=office.clerk)
        assert selectors.search(SearchQuery(name="崎山"), staff=office.clerk).total == 0
        events.approve_event(sub.event.pk, approver=office.approver)
        assert selectors.search(SearchQuery(name="崎山"), staff=office.clerk).total == 1


def _protect(office, person_id: int, start: dt.date | None = None):
    from jichitai.accounts.models import RoleGrant, Staff

    officer = Staff.objects.create(username=f"support-{person_id}")
    RoleGrant.objects.create(staff=officer, municipality=office.municipality, role="support_measure")
    start = start or dt.date.today() - dt.timedelta(days=30)
    support.start_measure(person_id, start=start, reason="DV", against=[{"name": "加害 者"}],
                          staff=officer)
    return officer


def test_protected_person_is_masked_for_staff_without_need_to_know_and_alerts(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        officer = _protect(office, wife.pk)
        alerts_before = AuditEntry.objects.filter(category="alert").count()
        page = selectors.search(SearchQuery(name="髙橋"), staff=office.clerk)
        (masked,) = [r for r in page.results if r.masked]
        assert masked.name == support.MASK and masked.address == "（非表示）"
        # a masked row carries no stable identifier: nothing links it to her record
        assert (masked.id, masked.atena_no, masked.household_id) == (None, "", None)
        detail = selectors.person_detail(wife.pk, staff=office.clerk)
        assert detail.masked and detail.person is None
        assert AuditEntry.objects.filter(category="alert").count() - alerts_before == 2
        seen = selectors.person_detail(wife.pk, staff=officer)
        assert not seen.masked and seen.person.given_name == "花子"


def test_protected_member_in_another_persons_household_list_is_masked_and_alerts(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        officer = _protect(office, wife.pk)
        before = AuditEntry.objects.filter(category="alert", subject_id=str(wife.pk)).count()
        detail = selectors.person_detail(head.pk, staff=office.clerk)
        shown = {m.id: m for m in detail.household_members}
        assert wife.pk not in shown and shown[None].masked and shown[None].name == support.MASK
        assert not shown[child.pk].masked and not detail.masked
        alerts = AuditEntry.objects.filter(category="alert", subject_id=str(wife.pk))
        assert alerts.count() == before + 1
        assert alerts.order_by("-seq").first().function == "detail.household"
        seen = selectors.person_detail(head.pk, staff=officer)
        assert not {m.id: m for m in seen.household_members}[wife.pk].masked
        assert alerts.count() == before + 2  # seen unmasked: still an alert


def test_certificate_refused_to_third_party_when_support_measure_active_440(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
        assert support.may_receive(wife.pk, requester_kind="third_party").allowed
        _protect(office, wife.pk)
        assert not support.may_receive(wife.pk, requester_kind="third_party").allowed
        assert not support.may_receive(wife.pk, requester_kind="household", requester_person_id=head.pk).allowed
        assert not support.may_receive(wife.pk, requester_kind="kiosk_self", requester_person_id=wife.pk,
                                       channel="kiosk").allowed
        assert support.may_receive(wife.pk, requester_kind="self", requester_person_id=wife.pk).allowed


def test_support_measure_lasts_a_year_and_can_be_extended(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        officer = _protect(office, wife.pk, D(2024, 1, 1))
        m = support.active_measure(wife.pk, D(2024, 6, 1))
        assert (m.start_date, m.end_date) == (D(2024, 1, 1), D(2024, 12, 31))
        # [410]#6, [440]#5: the end date passing does not end the protection
        assert support.active_measure(wife.pk, D(2025, 1, 1)) == m
        support.extend_measure(m.pk, staff=officer, on=D(2024, 12, 1))
        m.refresh_from_db()
        assert m.end_date == D(2025, 12, 31)
        with pytest.raises(RegistryError):
            support.start_measure(wife.pk, start=D(2024, 1, 1), reason="DV", against=[], staff=office.clerk)


def test_other_municipality_person_is_not_found(office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b)
        b_person = people()[0]
    with activate(office.ctx()):
        with pytest.raises(RegistryError) as exc:
            selectors.person_detail(b_person.pk, staff=office.clerk)
        assert exc.value.messages == ["住民が見つかりません。"]
        assert selectors.search(SearchQuery(name="髙橋"), staff=office.clerk).total == 0
        assert selectors.as_of(b_person.pk, D(2030, 1, 1)) is None


def test_approval_queue_hides_my_number_and_masks_protected_persons(office) -> None:
    from jichitai.accounts.models import RoleGrant

    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
        events.submit_event("name_change", {"person_id": head.pk, "family_name": "高橋"},
                              effective_date=D(2024, 1, 1), reported_date=None, entered_by=office.clerk)
        sub = events.submit_event("name_change", {"person_id": wife.pk, "family_name": "渡辺"},
                                    effective_date=D(2024, 1, 1), reported_date=None, entered_by=office.clerk)
        _protect(office, wife.pk)
        queue = selectors.approval_queue(staff=office.approver)
        # the head's own name change shows nothing of her; her event is masked
        assert [q.masked for q in queue] == [False, True]
        with pytest.raises(RegistryError) as exc:
            events.approve_event(sub.event.pk, approver=office.approver)
        assert exc.value.violations[0].rule == "support_measure_approver"
        RoleGrant.objects.create(staff=office.approver, municipality=office.municipality, role="support_measure")
        queue = selectors.approval_queue(staff=office.approver)
        assert not any(q.masked for q in queue)
        assert queue[1].request["family_name"] == "渡辺"
        events.approve_event(sub.event.pk, approver=office.approver)
        with pytest.raises(RegistryError):
            selectors.approval_queue(staff=office.clerk)


def test_address_search_by_town_and_banchi_prefix(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)  # 本町一丁目 1番地2
        assert selectors.search(SearchQuery(address_id=office.address.pk, banchi="1番"), staff=office.clerk).total == 3
        assert selectors.search(SearchQuery(address_id=office.address.pk, banchi="2番"), staff=office.clerk).total == 0
        assert selectors.search(SearchQuery(address_id=office.address2.pk), staff=office.clerk).total == 0
