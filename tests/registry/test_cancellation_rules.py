"""異動の取消し ([980], [990]): chosen from the history, whole or for some of its persons; the state before
restored by a new 異動 on top (both kept); 増・減・修正 by what it undoes; back to the former household
(reopened at its address when the event emptied it); the must-nots (no 虚偽 special path, no alert
on a confirmed 転出); a 申出's 取消 records the 申出日; another municipality's 異動 is not found."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import events, selectors
from jichitai.registry.conventions import PERSON_FIELDS
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import Household, RegistryEvent
from jichitai.registry.reasons import classify
from jichitai.registry.records_models import EventEntry
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people

D = dt.date
pytestmark = pytest.mark.django_db


def _row(pid: int) -> dict[str, Any]:
    (p,) = people(pk=pid)
    return {f: getattr(p, f) for f in PERSON_FIELDS if f != "version"}


@pytest.mark.std("980#1")
def test_some_of_an_events_persons_can_be_cancelled(office, office_b) -> None:
    with activate(office.ctx()):
        move_in = move_in_family(office)
        head, wife, child = people()
        apply(
            office,
            "cancellation",
            {"target_event_id": move_in.pk, "person_ids": [child.pk]},
            D(2020, 4, 1),
        )
        assert [p.status for p in people()] == ["resident", "resident", "void"]
        with pytest.raises(RegistryError) as err:  # only the event's own persons
            apply(
                office,
                "cancellation",
                {"target_event_id": move_in.pk, "person_ids": [999]},
                D(2020, 4, 1),
            )
        assert err.value.violations[0].rule in ("not_in_event", "not_found")
        with pytest.raises(RegistryError):  # the head alone: the household would have no head
            apply(
                office,
                "cancellation",
                {"target_event_id": move_in.pk, "person_ids": [head.pk]},
                D(2020, 4, 1),
            )
        target = move_in.pk
    with activate(office_b.ctx()), pytest.raises(RegistryError):
        apply(office_b, "cancellation", {"target_event_id": target}, D(2020, 4, 1))


@pytest.mark.std("980#2", "980#3", "980#6")
def test_the_state_before_comes_back_on_top_of_the_history(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        before = _row(wife.pk)
        ev = apply(
            office,
            "move_out_abroad",
            {"person_ids": [wife.pk], "destination": "カナダ"},
            D(2023, 7, 1),
        )
        assert people(pk=wife.pk)[0].status == "moved_out"
        cancel = apply(office, "cancellation", {"target_event_id": ev.pk}, D(2023, 7, 1))
        after = _row(wife.pk)
        assert {k: v for k, v in after.items() if k != "version"} == before
        assert (
            RegistryEvent.objects.get(pk=ev.pk).status == "approved"
        )  # the cancelled 異動 stays in the log
        kinds = [h["kind"] for h in selectors.history(wife.pk)]
        assert kinds[-2:] == ["国外転出", "取消"] and cancel.pk > ev.pk


@pytest.mark.std("980#4")
def test_increase_decrease_and_correction(office) -> None:
    with activate(office.ctx()):
        move_in = move_in_family(office)
        head, wife, child = people()
        death = apply(office, "death", {"person_id": child.pk}, D(2023, 1, 1))
        move = apply(
            office,
            "move_within",
            {
                "person_ids": [head.pk, wife.pk],
                "address": {"address_id": office.address2.pk, "banchi": "2番地"},
            },
            D(2023, 2, 1),
        )
        labels = [
            classify("cancellation", target_kind=e.kind).label for e in (death, move_in, move)
        ]
        assert labels == ["異動の取消し（増）", "異動の取消し（減）", "異動の取消し（修正）"]
        apply(office, "cancellation", {"target_event_id": death.pk}, D(2023, 1, 1))
        assert people(pk=child.pk)[0].status == "resident"


@pytest.mark.std("980#5")
def test_back_to_the_former_household(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        home = head.household_id
        move = apply(
            office,
            "move_within",
            {
                "person_ids": [child.pk],
                "new_head_id": child.pk,
                "address": {"address_id": office.address2.pk, "banchi": "9番地"},
            },
            D(2023, 2, 1),
        )
        new_home = people(pk=child.pk)[0].household_id
        assert new_home != home
        apply(office, "cancellation", {"target_event_id": move.pk}, D(2023, 2, 1))
        back = people(pk=child.pk)[0]
        assert (back.household_id, back.relationship) == (home, "子")
        assert not Household.objects.get(pk=new_home).active
        gone = apply(
            office,
            "move_out_abroad",
            {"person_ids": [head.pk, wife.pk, child.pk], "destination": "カナダ"},
            D(2023, 5, 1),
        )
        assert not Household.objects.get(pk=home).active  # the household left whole
        apply(
            office,
            "cancellation",
            {"target_event_id": gone.pk, "person_ids": [wife.pk, child.pk]},
            D(2023, 5, 1),
        )
        household = Household.objects.get(pk=home)
        assert household.active and (household.address_id, household.banchi) == (
            office.address.pk,
            "1番地2",
        )
        assert [p.household_id for p in people(status="resident")] == [home, home]


@pytest.mark.std("980#7")
def test_no_special_path_for_a_false_report(office) -> None:
    with activate(office.ctx()):
        move_in = move_in_family(office)
        for extra in ({"reason": "虚偽"}, {"false_report": True}, {"remark": "虚偽"}):
            with pytest.raises(RegistryError):
                apply(
                    office, "cancellation", {"target_event_id": move_in.pk, **extra}, D(2020, 4, 1)
                )
        cancel = apply(office, "cancellation", {"target_event_id": move_in.pk}, D(2020, 4, 1))
        assert classify(cancel.kind, target_kind="move_in").label == "異動の取消し（減）"
        assert not cancel.remarks.exists() and {p.status for p in people()} == {"void"}


@pytest.mark.std("980#8")
def test_no_alert_when_cancelling_a_confirmed_move_out(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        child = people()[2]
        apply(
            office,
            "move_out_planned",
            {
                "person_ids": [child.pk],
                "destination": "大阪府大阪市北区",
                "planned_date": "2023-03-01",
            },
            D(2023, 2, 1),
        )
        confirmed = apply(
            office,
            "move_out_confirmed",
            {"person_ids": [child.pk], "notice_date": "2023-03-10"},
            D(2023, 3, 10),
        )
        sub = events.submit_event(
            "cancellation",
            {"target_event_id": confirmed.pk},
            effective_date=D(2023, 3, 10),
            reported_date=None,
            entered_by=office.clerk,
        )  # no alert to confirm
        assert sub.warnings == []
        events.approve_event(sub.event.pk, approver=office.approver)
        assert people(pk=child.pk)[0].move_in_notice_on is None


@pytest.mark.std("990#1")
def test_a_cancellation_on_request_keeps_the_request_date(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        ev = apply(
            office, "name_change", {"person_id": wife.pk, "family_name": "渡邊"}, D(2023, 7, 1)
        )
        cancel = apply(
            office,
            "cancellation",
            {"target_event_id": ev.pk},
            D(2023, 7, 1),
            reported=D(2023, 7, 20),
            offered_on=D(2023, 7, 20),
        )
        assert EventEntry.objects.get(event=cancel).offered_on == D(2023, 7, 20)
        assert people(pk=wife.pk)[0].family_name == "髙橋"
