"""[490] 4.0.4 世帯主不在となる場合の処理 and [500] 4.0.5 世帯主変更依頼通知書.

When a 異動 takes the head away: one member left becomes head 職権 by itself ([490]#1, with a
世帯主変更通知書); two or more left raise an alert, and the clerk names a head or confirms a household
without one ([490]#2), whose members go on with every 異動 ([490]#3), and for which the
世帯主変更依頼通知書 and its 対象者リスト are made as data ([490]#4, [500]#1/#2), protected persons
masked. Each kind that can take a head away is tried.
"""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry import documents, events
from jichitai.registry.documents import head_change_request as hcr
from jichitai.registry.errors import AlertsRaised, RegistryError
from jichitai.registry.models import Household
from jichitai.registry.selectors import MASK
from jichitai.tenancy.context import activate

from .conftest import D, apply, move_in_family, people, person_spec
from .test_search_support import _protect

pytestmark = pytest.mark.django_db
DAY = D(2023, 1, 10)


def _couple(office: Any) -> tuple[Any, Any]:
    apply(
        office,
        "move_in",
        {
            "household": {"new": {"address_id": office.address.pk, "banchi": "3番地"}},
            "persons": [
                person_spec("p1", "佐藤", "一郎", "1970-01-01", "世帯主"),
                person_spec("p2", "佐藤", "花子", "1972-02-02", "妻", sex="2", given_kana="ハナコ"),
            ],
            "previous_address": "東京都千代田区千代田1番1号",
        },
        D(2020, 4, 1),
    )
    head, wife = people(family_name="佐藤")
    return head, wife


def _take_head(office: Any, kind: str, head: Any) -> dict[str, Any]:
    """The request of ``kind`` that takes ``head`` out of his household."""
    return {
        "death": {"person_id": head.pk},
        "move_out_abroad": {"person_ids": [head.pk], "destination": "米国"},
        "ex_officio_deletion": {"person_ids": [head.pk]},
        "household_split": {"person_ids": [head.pk]},
        "move_within": {
            "person_ids": [head.pk],
            "address": {"address_id": office.address2.pk, "banchi": "9"},
        },
    }[kind]


KINDS = ["death", "move_out_abroad", "ex_officio_deletion", "household_split", "move_within"]


def _submit(office: Any, kind: str, req: dict[str, Any], **kw: Any) -> Any:
    return events.submit_event(
        kind, req, effective_date=DAY, reported_date=DAY, entered_by=office.clerk, **kw
    )


@pytest.mark.std("490#1")
@pytest.mark.parametrize("kind", KINDS)
def test_the_one_member_who_remains_becomes_head_by_itself(office: Any, kind: str) -> None:
    with activate(office.ctx()):
        head, wife = _couple(office)
        # no alert to confirm, no successor to name: the one who remains is made head 職権
        sub = _submit(office, kind, _take_head(office, kind, head))
        assert [w.rule for w in sub.warnings] == []
        event = events.approve_event(sub.event.pk, approver=office.approver)
        (wife,) = people(pk=wife.pk)
        assert wife.relationship == "世帯主" and wife.household.head_id == wife.pk
        # and the 世帯主変更通知書 can be made right after ([490]#1 → 4.0.5)
        (doc,) = hcr.for_event(event.pk, staff=office.clerk)
        assert doc.kind == "head_change_notice" and doc.title == "世帯主変更通知書"
        assert doc.fields["宛先"] == "佐藤\u3000花子" == doc.fields["新しい世帯主"]
        assert doc.fields["前世帯主"] == "佐藤\u3000一郎" and doc.person_ids == (wife.pk,)


@pytest.mark.std("490#2")
@pytest.mark.parametrize("kind", KINDS)
def test_two_or_more_left_raise_an_alert_and_the_clerk_chooses(office: Any, kind: str) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        req = _take_head(office, kind, head)
        with pytest.raises(AlertsRaised) as exc:
            _submit(office, kind, req)
        (alert,) = exc.value.violations
        assert alert.rule == "headless" and "残る世帯員2人" in alert.message
        assert "この異動の前に世帯主変更を入力する" in alert.message
        # the clerk names the new head among those who remain …
        name = "new_head_id" if kind == "death" else "remaining_head_id"
        with pytest.raises(RegistryError) as wrong:
            _submit(office, kind, req | {name: head.pk, "relationships": {}})
        assert "not_member" in [v.rule for v in wrong.value.violations] or "headless" in [
            v.rule for v in wrong.value.violations
        ]
        sub = _submit(office, kind, req | {name: wife.pk, "relationships": {child.pk: "子"}})
        events.approve_event(sub.event.pk, approver=office.approver)
        (wife,) = people(pk=wife.pk)
        assert wife.relationship == "世帯主" and wife.household.head_id == wife.pk


@pytest.mark.std("490#2", "500#1")
def test_or_confirms_a_household_without_a_head(office: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        sub = _submit(office, "death", {"person_id": head.pk}, confirm_alerts=True)
        assert [w.rule for w in sub.warnings] == ["headless"]
        events.approve_event(sub.event.pk, approver=office.approver)
        assert Household.objects.get(pk=wife.household_id).head_id is None
        assert {p.relationship for p in people(status="resident")} == {"妻", "子"}


def _headless(office: Any, *, first: str = "花子") -> tuple[Any, list[Any]]:
    move_in_family(office)
    head, wife, child = people()
    sub = _submit(office, "death", {"person_id": head.pk}, confirm_alerts=True)
    return events.approve_event(sub.event.pk, approver=office.approver), [head, wife, child]


@pytest.mark.std("490#3")
def test_the_members_of_a_headless_household_go_on_with_every_event(office: Any) -> None:
    with activate(office.ctx()):
        _, (head, wife, child) = _headless(office)
        hid = wife.household_id
        apply(
            office,
            "birth",
            {
                "household_id": hid,
                "person": person_spec("c", "髙橋", "次郎", "", "妻の子", given_kana="ジロウ"),
            },
            D(2023, 2, 1),
        )
        apply(office, "name_change", {"person_id": child.pk, "family_name": "高橋"}, D(2023, 2, 2))
        apply(
            office,
            "move_out_planned",
            {"person_ids": [child.pk], "destination": "札幌市"},
            D(2023, 2, 3),
        )
        apply(office, "head_change", {"household_id": hid, "new_head_id": wife.pk}, D(2023, 3, 1))
        assert Household.objects.get(pk=hid).head_id == wife.pk


@pytest.mark.std("490#4", "500#1", "500#2")
def test_the_request_goes_to_the_first_member_written_before_the_head_left(office: Any) -> None:
    with activate(office.ctx()):
        event, (head, wife, child) = _headless(office)
        (doc,) = hcr.for_event(event.pk, staff=office.clerk)
        assert doc.kind == "head_change_request" and doc.title == "世帯主変更依頼通知書"
        assert doc.functions == ("500", "490") and doc.made_on is not None
        # 5.2: 世帯主, then the 配偶者, then the children: the wife is written first of those left
        assert doc.fields["宛先"] == "髙橋\u3000花子" and doc.fields["前世帯主"] == "髙橋\u3000一郎"
        assert doc.fields["世帯員"] == ["髙橋\u3000花子", "髙橋\u3000太郎"]
        assert (
            doc.fields["住所"].startswith("本町一丁目1番地2") and doc.fields["異動事由"] == "死亡"
        )
        assert doc.fields["異動日"] == "令和5年1月10日" and "世帯主変更届" in doc.fields["本文"]
        assert doc.person_ids == (wife.pk, child.pk)
        # the 対象者リスト: one row per household now without a head
        listing = documents.build("head_change_request_list", staff=office.clerk)
        assert listing.fields == {"件数": 1}
        (row,) = listing.rows
        assert row["宛先"] == "髙橋\u3000花子" and row["世帯員数"] == 2
        # a 世帯主変更 takes the household off the list; a notice of the wrong kind is refused
        with pytest.raises(RegistryError):
            documents.build(
                "head_change_notice",
                staff=office.clerk,
                event_id=event.pk,
                household_id=wife.household_id,
            )
        apply(
            office,
            "head_change",
            {"household_id": wife.household_id, "new_head_id": wife.pk},
            D(2023, 3, 1),
        )
        assert documents.build("head_change_request_list", staff=office.clerk).rows == ()


@pytest.mark.std("500#2")
def test_the_order_is_the_one_before_the_head_left_not_after(office: Any) -> None:
    """A child born first but the 配偶者 is written first (5.2 第1順位): the wife gets it even when
    the clerk names the child head 職権 and the wife's 続柄 changes with it."""
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        sub = _submit(
            office,
            "death",
            {"person_id": head.pk, "new_head_id": child.pk, "relationships": {wife.pk: "母"}},
        )
        event = events.approve_event(sub.event.pk, approver=office.approver)
        (doc,) = hcr.for_event(event.pk, staff=office.clerk)
        assert doc.kind == "head_change_notice"
        assert (
            doc.fields["宛先"] == "髙橋\u3000花子"
            and doc.fields["新しい世帯主"] == "髙橋\u3000太郎"
        )


def test_order_key_follows_the_ranks_of_5_2() -> None:
    members = [
        {"person_id": 1, "relationship": "同居人", "birth_date": "1950-01-01"},
        {"person_id": 2, "relationship": "子", "birth_date": "2010-01-01"},
        {"person_id": 3, "relationship": "子", "birth_date": "2005-01-01"},
        {"person_id": 4, "relationship": "母", "birth_date": "1940-01-01"},
        {"person_id": 5, "relationship": "妻", "birth_date": "1980-01-01"},
        {"person_id": 6, "relationship": "縁故者", "birth_date": "1960-01-01"},
        {"person_id": 7, "relationship": "妻の父", "birth_date": "1945-01-01"},
    ]
    assert [m["person_id"] for m in sorted(members, key=hcr.order_key)] == [5, 3, 2, 4, 7, 6, 1]


@pytest.mark.std("500#1")
def test_a_protected_member_is_masked_on_the_request_and_its_list(office: Any) -> None:
    with activate(office.ctx()):
        event, (head, wife, child) = _headless(office)
        _protect(office, wife.pk)
        (doc,) = hcr.for_event(event.pk, staff=office.clerk)
        text = repr(doc)
        assert doc.fields["宛先"] == MASK and doc.fields["住所"] == "（非表示）"
        assert "花子" not in text and "本町" not in text and "1番地2" not in text
        assert wife.pk not in doc.person_ids and doc.person_ids == (child.pk,)
        (row,) = documents.build("head_change_request_list", staff=office.clerk).rows
        assert row["宛先"] == MASK and row["住所"] == "（非表示）" and "花子" not in repr(row)


def test_another_municipality_cannot_make_the_notice(office: Any, office_b: Any) -> None:
    with activate(office.ctx()):
        event, (head, wife, _) = _headless(office)
    with activate(office_b.ctx()):
        with pytest.raises(RegistryError):
            hcr.for_event(event.pk, staff=office_b.clerk)
        with pytest.raises(RegistryError):
            documents.build(
                "head_change_request",
                staff=office_b.clerk,
                event_id=event.pk,
                household_id=wife.household_id,
            )
        assert documents.build("head_change_request_list", staff=office_b.clerk).rows == ()


@pytest.mark.std("490#1")
def test_a_head_whose_move_out_is_confirmed_leaves_the_one_who_remains_as_head(office: Any) -> None:
    with activate(office.ctx()):
        head, wife = _couple(office)
        apply(
            office,
            "move_out_planned",
            {"person_ids": [head.pk], "destination": "札幌市"},
            D(2023, 1, 5),
        )
        sub = _submit(office, "move_out_confirmed", {"person_ids": [head.pk]})
        assert sub.warnings == []
        events.approve_event(sub.event.pk, approver=office.approver)
        (wife,) = people(pk=wife.pk)
        assert wife.relationship == "世帯主" and wife.household.head_id == wife.pk


@pytest.mark.std("500#1")
def test_a_head_named_later_by_office_gets_the_notice_a_reported_change_none(office: Any) -> None:
    with activate(office.ctx()):
        event, (head, wife, child) = _headless(office)
        hid = wife.household_id
        # 職権 (no 届出日): the 世帯主変更通知書, to the first member as written before the head left
        sub = events.submit_event(
            "head_change",
            {"household_id": hid, "new_head_id": child.pk, "relationships": {wife.pk: "母"}},
            effective_date=D(2023, 2, 1),
            reported_date=None,
            entered_by=office.clerk,
        )
        named = events.approve_event(sub.event.pk, approver=office.approver)
        (doc,) = hcr.for_event(named.pk, staff=office.clerk)
        assert doc.kind == "head_change_notice" and doc.fields["異動事由"] == "世帯主変更"
        assert (
            doc.fields["宛先"] == "髙橋\u3000花子"
            and doc.fields["新しい世帯主"] == "髙橋\u3000太郎"
        )
        assert doc.fields["前世帯主"] == "髙橋\u3000一郎"
        # a 世帯主変更届 (reported, the former head stays): no notice
        reported = apply(
            office,
            "head_change",
            {"household_id": hid, "new_head_id": wife.pk, "relationships": {child.pk: "子"}},
            D(2023, 3, 1),
        )
        assert hcr.for_event(reported.pk, staff=office.clerk) == []
