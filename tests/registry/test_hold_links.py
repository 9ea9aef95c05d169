"""抑止の連携 ([420]#1, [410]#9) and the 閲覧 error of 支援措置 released after 審査 ([440]#1).

The feed is read by cursor; a 一時解除 is never in it; reasons, 加害者等 and the [160] items never
are; a change about a protected person reaches only need-to-know readers. A 閲覧用写し holds a
protected person only while the 支援措置責任者's release stands, and names her. Tried from the
protected side and from another municipality.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.registry import hold_feed, holds, support
from jichitai.registry.batch import inspection
from jichitai.registry.errors import RegistryError
from jichitai.registry.inspection_models import InspectionCopy, InspectionCopyEntry
from jichitai.registry.link_models import HoldChange
from jichitai.tenancy.context import activate

from .conftest import move_in_family, people
from .test_batch_lists import _single
from .test_support_period import _officers

D = dt.date
pytestmark = pytest.mark.django_db


def _hold(office: Any, process: str, **kw: Any) -> Any:
    return holds.set_hold(
        process=process,
        level=kw.pop("level", "error"),
        start=D(2024, 1, 1),
        reason=kw.pop("reason", "本人確認中"),
        staff=office.approver,
        **kw,
    )


def _feed(staff: Any, since: int = 0, target: str = "atena", **kw: Any) -> hold_feed.Feed:
    return hold_feed.changes(since=since, target=target, staff=staff, **kw)


@pytest.mark.std("420#1")
def test_set_and_release_reach_the_feed_once_by_cursor_never_a_temporary_release(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        issuance = _hold(office, "issuance", person_id=wife.pk, reason="差押え調査中")
        entry = _hold(office, "entry", level="alert", household_id=head.household_id)
        first = _feed(office.approver)
        assert [(r["action"], r["process"], r["level"]) for r in first.rows] == [
            ("set", "issuance", "error"),
            ("set", "entry", "alert"),
        ]
        assert first.rows[0]["atena_no"] == wife.atena_no and first.rows[1]["household_no"]
        assert "差押え調査中" not in json.dumps(first.rows, ensure_ascii=False)  # no reason leaves
        holds.release_temporarily(
            issuance.pk, staff=office.approver, minutes=5
        )  # [410]#2: never sent
        assert _feed(office.approver, first.next_cursor).rows == []
        holds.release_hold(issuance.pk, staff=office.approver, reason="確認済み")
        then = _feed(office.approver, first.next_cursor)
        assert [(r["action"], r["person_id"]) for r in then.rows] == [("release", wife.pk)]
        assert _feed(office.approver, then.next_cursor).rows == []  # each change comes once
        assert HoldChange.objects.filter(hold=entry).count() == 1
        # paging: a limit leaves the rest for the next read
        page = _feed(office.approver, limit=2)
        assert (
            page.more and len(page.rows) == 2 and not _feed(office.approver, page.next_cursor).more
        )
        # each read is logged: who, the target, the cursor, how many
        logged = AuditEntry.objects.filter(action="registry.holds.feed").order_by("pk")
        assert logged.count() == 6 and logged.last().detail["target"] == "atena"
        with pytest.raises(ValueError):
            _feed(office.approver, target="mail")


@pytest.mark.std("410#9")
def test_kiosk_and_cs_feeds_carry_only_what_stops_issuance(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        _hold(office, "issuance", person_id=son.pk)
        _hold(office, "inquiry", person_id=son.pk)
        _hold(office, "entry", household_id=head.household_id)
        officer, _ = _officers(office)
        support.start_measure(
            wife.pk, start=D(2024, 4, 1), reason="DV", against=[{"name": "加害 者"}], staff=officer
        )
        for target in ("kiosk", "cs"):
            rows = _feed(officer, target=target).rows
            assert [(r["source"], r["process"], r["person_id"]) for r in rows] == [
                ("hold", "issuance", son.pk),
                ("support", "all", wife.pk),
            ]
            assert all(r["level"] == "error" for r in rows)
        assert len(_feed(officer).rows) == 4  # the 宛名システム gets every change


@pytest.mark.std("420#1")
def test_a_protected_persons_changes_reach_only_need_to_know_and_never_the_details(office) -> None:
    """From the protected side: her measure, a hold on her and one on her household are left out
    for a reader without need-to-know (the cursor still moves); her officer gets ids and dates
    only, each row alerted; the reason, 加害者等 and [160] items never leave."""
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        _hold(office, "issuance", household_id=head.household_id)  # set before she was protected
        officer, _ = _officers(office)
        m = support.start_measure(
            wife.pk,
            start=D(2024, 4, 1),
            reason="DV（配偶者）",
            against=[{"person_id": head.pk, "name": "加害 太郎"}],
            staff=officer,
            case={"contact": "090-0000-0000"},
        )
        _hold(office, "inquiry", person_id=wife.pk)
        support.end_measure(m.pk, staff=officer, reason="request")
        support.start_measure(wife.pk, start=D(2024, 6, 1), reason="DV", against=[], staff=officer)
        blind = _feed(office.approver)
        assert (
            blind.rows == [] and blind.next_cursor == HoldChange.objects.order_by("seq").last().seq
        )
        text = json.dumps(blind.rows, ensure_ascii=False) + wife.atena_no
        assert wife.atena_no not in json.dumps(blind.rows) and "加害" not in text
        before = AuditEntry.objects.filter(action="support_measure.access").count()
        seen = _feed(officer)
        assert [(r["source"], r["action"]) for r in seen.rows] == [
            ("hold", "set"),
            ("support", "set"),
            ("hold", "set"),
            ("support", "release"),
            ("support", "set"),
        ]
        dumped = json.dumps(seen.rows, ensure_ascii=False)
        for secret in ("DV", "加害", "090-0000-0000", "配偶者", "request"):
            assert secret not in dumped
        assert AuditEntry.objects.filter(action="support_measure.access").count() - before == 4
        assert set(seen.rows[0]) == {
            "seq",
            "at",
            "action",
            "source",
            "process",
            "level",
            "person_id",
            "atena_no",
            "household_id",
            "household_no",
            "start_date",
            "end_date",
        }


def test_another_municipalitys_changes_never_reach_the_feed(office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b)
        b_wife = people()[1]
        b_seq = HoldChange.objects.get(hold=_hold(office_b, "issuance", person_id=b_wife.pk)).seq
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        _hold(office, "issuance", person_id=wife.pk)
        rows = _feed(office.approver, target="kiosk").rows
        assert [r["person_id"] for r in rows] == [wife.pk] and b_seq not in {r["seq"] for r in rows}
        assert (
            _feed(office.approver, since=0).next_cursor > b_seq
        )  # B's row is skipped, never shown


def _csv_names(result: Any) -> list[str]:
    rows = list(csv.reader(io.StringIO(result.files[inspection.FILE].decode("utf-8-sig"))))
    return [r[1] for r in rows[1:]]


@pytest.mark.std("440#1")
def test_inspection_error_lifted_after_review_holds_her_for_a_while_and_names_her(
    office, monkeypatch
) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        sato = _single(office, "佐藤", "次郎", "1990-03-03")
        officer, _ = _officers(office)
        m = support.start_measure(
            wife.pk, start=D(2024, 4, 1), reason="DV", against=[], staff=officer
        )
        assert not any("髙橋" in n for n in _csv_names(inspection.run({})))  # an error: left out
        with pytest.raises(RegistryError) as exc:  # only the 支援措置責任者
            support.release_inspection(m.pk, staff=office.approver, reason="世論調査の審査済み")
        assert exc.value.violations[0].rule == "not_support_staff"
        with pytest.raises(RegistryError) as exc:
            support.release_inspection(m.pk, staff=officer, reason=" ")
        assert exc.value.violations[0].field == "release_reason"
        now = timezone.now()
        support.release_inspection(
            m.pk, staff=officer, reason="世論調査機関の請求・加害者との関係なしを確認", minutes=10
        )
        assert (
            support.may_receive(wife.pk, requester_kind="third_party").allowed is False
        )  # issuance not lifted
        out = inspection.run({})
        names = _csv_names(out)
        assert {"髙橋　花子", "髙橋　一郎", "佐藤　次郎"} <= set(names)  # she and her household
        copy = InspectionCopy.objects.get(pk=InspectionCopy.objects.order_by("pk").last().pk)
        assert copy.admitted == [wife.pk] and copy.rows == len(names) == out.counts["rows"]
        assert (
            AuditEntry.objects.filter(
                action="support_measure.access", function="inspection.admitted"
            ).count()
            == 1
        )
        monkeypatch.setattr(timezone, "now", lambda: now + dt.timedelta(minutes=11))
        again = _csv_names(inspection.run({}))
        assert (
            not any("髙橋" in n for n in again) and "佐藤　次郎" in again
        )  # locked again by itself
        assert InspectionCopy.objects.order_by("pk").last().admitted == []
        assert InspectionCopyEntry.objects.filter(person_id=sato.pk).count() == 3


@pytest.mark.std("440#1")
def test_a_release_for_one_member_never_opens_another_protected_member_or_municipality(
    office, office_b
) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b)
        b_wife = people()[1]
        b_officer, _ = _officers(office_b)
        b_measure = support.start_measure(
            b_wife.pk, start=D(2024, 4, 1), reason="DV", against=[], staff=b_officer
        )
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        officer, _ = _officers(office)
        m = support.start_measure(
            wife.pk, start=D(2024, 4, 1), reason="DV", against=[], staff=officer
        )
        support.start_measure(son.pk, start=D(2024, 4, 1), reason="DV", against=[], staff=officer)
        support.release_inspection(m.pk, staff=officer, reason="審査済み")
        with pytest.raises(RegistryError):  # her household stays out: the son is protected too
            inspection.run({})
        with pytest.raises(RegistryError) as exc:
            support.release_inspection(b_measure.pk, staff=officer, reason="審査済み")
        assert exc.value.violations[0].rule == "not_found"


@pytest.mark.std("440#1")
def test_each_release_opens_only_its_own_door_and_only_when_every_measure_is_released(
    office,
) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        _single(office, "佐藤", "次郎", "1990-03-03")
        officer, _ = _officers(office)
        first = support.start_measure(
            wife.pk, start=D(2024, 4, 1), reason="DV", against=[], staff=officer
        )
        second = support.start_measure(
            wife.pk, start=D(2024, 5, 1), reason="ストーカー", against=[], staff=officer
        )
        support.release_issuance(first.pk, staff=officer, reason="窓口の請求を審査")
        support.release_issuance(second.pk, staff=officer, reason="窓口の請求を審査")
        assert wife.pk not in support.inspection_admitted()  # issuance released: 閲覧 is not
        assert not any("髙橋" in n for n in _csv_names(inspection.run({})))
        support.release_inspection(first.pk, staff=officer, reason="閲覧の請求を審査")
        assert wife.pk not in support.inspection_admitted()  # the other measure still holds
        support.release_inspection(second.pk, staff=officer, reason="閲覧の請求を審査")
        assert support.inspection_admitted() == {wife.pk}
        assert "髙橋　花子" in _csv_names(inspection.run({}))
