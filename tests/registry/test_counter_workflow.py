"""[530] 審査・決裁, [540] 入力確認・修正, [570] 届出日: the 仮登録 → 決裁 workflow at the counter.

仮登録 changes nothing a reader sees; it can be taken back (取下げ) or corrected (修正) before 決裁;
the 仮登録一覧 is shown whole or in part (異動者, 入力場所) and 全部本登録 has a limit; the
確認用帳票 shows what was entered. Another municipality's events stay out of reach.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import events, selectors
from jichitai.registry.documents import build
from jichitai.registry.documents import entry_sheet as _entry_sheet  # noqa: F401 - registers
from jichitai.registry.errors import RegistryError
from jichitai.registry.events import provisional
from jichitai.registry.models import EventStatus, Person, RegistryEvent
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people, person_spec
from .test_search_support import _protect

pytestmark = pytest.mark.django_db
D = dt.date


def move_in_request(office: Any, family: str = "青木", banchi: str = "7番地") -> dict[str, Any]:
    return {"household": {"new": {"address_id": office.address.pk, "banchi": banchi}},
            "persons": [person_spec("p1", family, "一郎", "1980-05-01", "世帯主", family_kana="アオキ")],
            "previous_address": "東京都千代田区千代田1番1号"}


def protected_wife(office: Any) -> tuple[Any, Any]:
    """A family moved in; the wife under 支援措置; her officer (need-to-know) also a clerk."""
    from jichitai.accounts.models import RoleGrant

    move_in_family(office)
    wife = people()[1]
    officer = _protect(office, wife.pk)
    RoleGrant.objects.create(staff=officer, municipality=office.municipality, role="clerk")
    return wife, officer


def _submit(office: Any, kind: str, req: dict[str, Any], staff: Any = None, **kw: Any) -> Any:
    return events.submit_event(kind, req, effective_date=kw.pop("effective", D(2024, 4, 1)),
                               reported_date=kw.pop("reported", D(2024, 4, 2)), entered_by=staff or office.clerk,
                               confirm_alerts=True, **kw)


def _rules(exc: pytest.ExceptionInfo[RegistryError]) -> list[str]:
    return [v.rule for v in exc.value.violations]


@pytest.mark.std("530#1")
@pytest.mark.std("530#2")
def test_entry_is_provisional_and_only_approval_registers_it(office) -> None:
    with activate(office.ctx()):
        sub = _submit(office, "move_in", move_in_request(office))
        assert sub.event.status == EventStatus.PROVISIONAL
        assert not people()  # not yet 記載
        approved = events.approve_event(sub.event.pk, approver=office.approver)
        assert approved.status == EventStatus.APPROVED and approved.approval_seq is not None
        (p,) = people()
        assert p.family_name == "青木"


@pytest.mark.std("530#3")
@pytest.mark.std("530#6")
def test_provisional_data_is_not_used_by_readers_or_other_events(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
        sub = _submit(office, "move_within", {"person_ids": [p.pk for p in people()], "address": {
            "address_id": office.address2.pk, "banchi": "9"}}, effective=D(2024, 5, 1), reported=D(2024, 5, 1))
        # readers (照会, 証明書, 他業務連携 via the read layer) still see the state before it
        detail = selectors.person_detail(head.pk, staff=office.approver, screen="テスト")
        assert "本町一丁目" in detail.address
        assert "栄町二丁目" not in str(selectors.as_of(head.pk, D(2024, 5, 2)))
        # 異動処理 on the persons is held by another staff member until it is decided
        with pytest.raises(RegistryError) as exc:
            _submit(office, "move_out_planned", {"person_ids": [head.pk], "destination": "大阪府"},
                    staff=office.approver)
        assert _rules(exc) == ["edit_locked"]
        events.approve_event(sub.event.pk, approver=office.approver)
        assert "栄町二丁目" in selectors.person_detail(head.pk, staff=office.approver, screen="テスト").address


@pytest.mark.std("530#3")
def test_a_provisional_event_can_be_withdrawn_and_changes_nothing(office, office_b) -> None:
    with activate(office.ctx()):
        sub = _submit(office, "move_in", move_in_request(office))
        done = provisional.withdraw_event(sub.event.pk, staff=office.clerk, reason="届出人の申出")
        assert done.status == EventStatus.WITHDRAWN and "届出人の申出" in done.rejected_reason
        assert not people()
        with pytest.raises(RegistryError) as exc:  # no longer waiting: neither 決裁 nor a second 取下げ
            events.approve_event(sub.event.pk, approver=office.approver)
        assert _rules(exc) == ["not_provisional"]
        with pytest.raises(RegistryError):
            provisional.withdraw_event(sub.event.pk, staff=office.clerk)
    with activate(office_b.ctx()), pytest.raises(RegistryError) as exc:  # another municipality's event
        provisional.withdraw_event(sub.event.pk, staff=office_b.clerk)
    assert _rules(exc) == ["not_found"]


@pytest.mark.std("530#3")
@pytest.mark.std("540#1")
def test_a_provisional_event_is_corrected_before_approval(office) -> None:
    with activate(office.ctx()):
        sub = _submit(office, "move_in", move_in_request(office, banchi="7番地"))
        fixed = provisional.amend_event(sub.event.pk, move_in_request(office, banchi="8番地"), staff=office.clerk,
                                        effective_date=D(2024, 4, 1), reported_date=D(2024, 4, 2))
        old = RegistryEvent.objects.get(pk=sub.event.pk)
        assert old.status == EventStatus.WITHDRAWN and str(fixed.event.pk) in old.rejected_reason
        assert fixed.event.touches["replaces"] == old.pk
        # the correction went through the same rules: not a duplicate of the one it replaces
        events.approve_event(fixed.event.pk, approver=office.approver)
        (p,) = people()
        assert p.household.banchi == "8番地"


def test_a_refused_correction_leaves_the_original_waiting_530(office) -> None:
    with activate(office.ctx()):
        sub = _submit(office, "move_in", move_in_request(office))
        bad = {**move_in_request(office), "persons": []}
        with pytest.raises(RegistryError) as exc:
            provisional.amend_event(sub.event.pk, bad, staff=office.clerk, effective_date=D(2024, 4, 1),
                                    reported_date=D(2024, 4, 2))
        assert "persons_required" in _rules(exc)
        assert RegistryEvent.objects.get(pk=sub.event.pk).status == EventStatus.PROVISIONAL
        assert RegistryEvent.objects.count() == 1


def test_only_the_clerk_who_entered_or_an_approver_may_take_it_back_530(office) -> None:
    from jichitai.accounts.models import RoleGrant, Staff

    other = Staff.objects.create(username="clerk-other")
    RoleGrant.objects.create(staff=other, municipality=office.municipality, role="clerk")
    with activate(office.ctx()):
        sub = _submit(office, "move_in", move_in_request(office))
        with pytest.raises(RegistryError) as exc:
            provisional.withdraw_event(sub.event.pk, staff=other)
        assert _rules(exc) == ["not_own_entry"]
        assert provisional.withdraw_event(sub.event.pk, staff=office.approver).status == EventStatus.WITHDRAWN


def test_a_protected_persons_event_is_taken_back_by_an_approver_only_with_need_to_know_530(office) -> None:
    with activate(office.ctx()):
        wife, officer = protected_wife(office)
        sub = _submit(office, "move_out_planned", {"person_ids": [wife.pk], "destination": "大阪府"}, staff=officer)
        with pytest.raises(RegistryError) as exc:
            provisional.withdraw_event(sub.event.pk, staff=office.approver)
        assert _rules(exc) == ["support_measure_approver"]
        assert provisional.withdraw_event(sub.event.pk, staff=officer).status == EventStatus.WITHDRAWN


@pytest.mark.std("530#5")
def test_approve_all_takes_a_part_by_person_or_place_and_stops_at_the_limit(office) -> None:
    from jichitai.registry.records_models import InputPlace, InputTerminal
    from jichitai.registry.workstation import choose, use
    from jichitai.tenancy.models import MunicipalSetting

    with activate(office.ctx()):
        place = InputPlace.objects.create(code="S1", name="北支所", kind="branch")
        terminal = InputTerminal.objects.create(place=place, code="T1", name="北支所1")
        first = _submit(office, "move_in", move_in_request(office, "青木"))
        use(choose(terminal.pk))
        second = _submit(office, "move_in", move_in_request(office, "井上", banchi="8"))
        third = _submit(office, "move_in", move_in_request(office, "上田", banchi="9"))
        assert list(provisional.Selection(place_id=place.pk).queryset()) == [second.event, third.event]
        done = provisional.approve_all(approver=office.approver, selection=provisional.Selection(place_id=place.pk))
        assert {e.pk for e in done.result.approved} == {second.event.pk, third.event.pk} and done.left == 0
        assert RegistryEvent.objects.get(pk=first.event.pk).status == EventStatus.PROVISIONAL
        # by 異動者: the events about one person
        aoki = _submit(office, "move_in", move_in_request(office, "遠藤", banchi="10"))
        events.approve_event(aoki.event.pk, approver=office.approver)
        endo = Person.objects.for_read(screen="テスト").get(family_name="遠藤")
        moving = _submit(office, "move_out_planned", {"person_ids": [endo.pk], "destination": "大阪府"})
        assert list(provisional.Selection(person_id=endo.pk).queryset()) == [moving.event]
        # 全部本登録 with the municipality's limit: the oldest first, the rest left waiting
        MunicipalSetting.objects.create(key=provisional.APPROVE_ALL_LIMIT_KEY, value=1)
        done = provisional.approve_all(approver=office.approver)
        assert [e.pk for e in done.result.approved] == [first.event.pk] and done.limit == 1 and done.left == 1
        assert RegistryEvent.objects.get(pk=moving.event.pk).status == EventStatus.PROVISIONAL


def test_approve_all_needs_an_approver_and_checks_each_event_as_alone_530(office) -> None:
    with activate(office.ctx()):
        _submit(office, "move_in", move_in_request(office), staff=office.approver)
        with pytest.raises(RegistryError):
            provisional.approve_all(approver=office.clerk)
        done = provisional.approve_all(approver=office.approver)  # entered by himself: refused
        assert not done.result.approved and [v.rule for e in done.result.refused.values()
                                             for v in e.violations] == ["same_person"]


@pytest.mark.std("540#1")
def test_the_confirmation_sheet_shows_what_was_entered_before_approval(office) -> None:
    with activate(office.ctx()):
        sub = _submit(office, "move_in", move_in_request(office))
        doc = build("entry_confirmation", staff=office.clerk, event_id=sub.event.pk)
        assert doc.title == "異動入力確認票" and doc.fields["状態"] == "仮登録"
        assert doc.fields["異動日"] == "令和6年4月1日" and doc.fields["届出日"] == "令和6年4月2日"
        lines = {r["項目"]: r["内容"] for r in doc.rows}
        assert lines["異動者1・氏"] == "青木" and lines["世帯・番地"] == "7番地"
        assert lines["世帯・住所（町字）"] == "本町一丁目"
        assert any(v == "昭和55年5月1日" for v in lines.values())  # 和暦 ([90])
        assert not any("個人番号" in k and v not in ("—", "（非表示）") for k, v in lines.items())


def test_the_confirmation_sheet_of_a_protected_persons_event_is_masked_530(office) -> None:
    with activate(office.ctx()):
        wife, officer = protected_wife(office)
        sub = _submit(office, "move_out_planned", {"person_ids": [wife.pk], "destination": "大阪府大阪市"},
                      staff=officer)
        doc = build("entry_confirmation", staff=office.approver, event_id=sub.event.pk)
        assert not doc.rows and "支援措置" in doc.fields["注意"] and "大阪" not in str(doc)
        assert "花子" not in str(doc)
        seen = build("entry_confirmation", staff=officer, event_id=sub.event.pk)
        assert any("花子" in r["内容"] for r in seen.rows)


@pytest.mark.std("570#1")
@pytest.mark.std("570#3")
def test_the_reported_date_is_entered_and_may_not_lie_ahead(office) -> None:
    from jichitai.registry.rules import today

    with activate(office.ctx()):
        sub = _submit(office, "move_in", move_in_request(office), effective=today(), reported=today())
        assert sub.event.reported_date == today()
        with pytest.raises(RegistryError) as exc:
            _submit(office, "move_in", move_in_request(office, "井上"), effective=today(),
                    reported=today() + dt.timedelta(days=1))
        assert "future_date" in _rules(exc)


@pytest.mark.std("570#4")
def test_the_reported_date_is_kept_apart_from_the_offered_and_notified_dates(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        ids = [p.pk for p in people()]
        apply(office, "move_out_planned", {"person_ids": ids, "destination": "大阪府大阪市北区1番",
                                           "planned_date": "2024-03-31"}, D(2024, 3, 10))
        sub = _submit(office, "move_out_confirmed", {"person_ids": ids}, effective=D(2024, 3, 31),
                      reported=D(2024, 4, 3), notified_on=D(2024, 4, 2))
        event = RegistryEvent.objects.select_related("entry").get(pk=sub.event.pk)
        assert event.reported_date == D(2024, 4, 3) and event.entry.notified_on == D(2024, 4, 2)


def test_approved_events_of_the_other_municipality_are_not_in_the_selection_530(office, office_b) -> None:
    with activate(office_b.ctx(office_b.clerk)):
        apply(office_b, "move_in", move_in_request(office_b), D(2024, 4, 1))
        theirs = _submit(office_b, "move_in", move_in_request(office_b, "井上", banchi="8"))
    with activate(office.ctx()):
        assert list(provisional.Selection().queryset()) == []
        assert not provisional.approve_all(approver=office.approver).result.approved
        with pytest.raises(RegistryError):
            build("entry_confirmation", staff=office.clerk, event_id=theirs.event.pk)
