"""Every eligibility rule of the issuance path, each with its Japanese message: 支援措置 (refused
as "not found"), each 抑止 level, status and 除票 rules, requesters, 個人番号, provisional events,
and the other municipality."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.certificates.issuance import IssuanceRefused, Requester
from jichitai.certificates.issuance import messages as msg
from jichitai.certificates.issuance.fake import read_fake
from jichitai.certificates.models import Issuance
from jichitai.registry import events, holds, support
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply

from .conftest import family, issue_for, officer

D = dt.date
pytestmark = pytest.mark.django_db


def _refused(office: Any, subjects: list[int], **kw: Any) -> IssuanceRefused:
    before = Issuance.objects.count()
    with pytest.raises(IssuanceRefused) as exc:
        issue_for(office, subjects, **kw)
    assert Issuance.objects.count() == before  # nothing recorded, no number taken
    return exc.value


def test_a_person_who_does_not_exist_is_not_found(office) -> None:
    with activate(office.ctx()):
        assert _refused(office, [999_999]).messages == [msg.NOT_FOUND]


def test_another_municipalitys_resident_is_not_found_and_its_history_stays_apart(
    office, office_b
) -> None:
    with activate(office_b.ctx(office_b.clerk)):
        b_head, _, _ = family(office_b)
        b_number = issue_for(office_b, [b_head.pk], staff=office_b.clerk).copies[0].number
    with activate(office.ctx()):
        assert _refused(office, [b_head.pk]).messages == [msg.NOT_FOUND]
        assert not Issuance.objects.exists()  # B's 交付履歴 is not visible in A
        a_head, _, _ = family(office)
        a_number = issue_for(office, [a_head.pk]).copies[0].number
    # each municipality numbers its own copies from 001, under its own name
    assert " 乙町 " in b_number and b_number.endswith(" 001")
    assert " 甲村 " in a_number and a_number.endswith(" 001")


@pytest.mark.std("440#1")
def test_support_measure_third_party_is_refused_exactly_as_not_found(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        support.start_measure(
            wife.pk,
            start=D(2024, 1, 1),
            reason="DV",
            against=[{"person_id": head.pk}],
            staff=officer(office),
        )
        third = Requester("third_party", name="債権 太郎", purpose="債権回収のため")
        unknown = _refused(office, [999_999], requester=third)
        protected = _refused(office, [wife.pk], requester=third)
        assert protected.messages == unknown.messages == [msg.NOT_FOUND]
        assert protected.codes == ["not_found"]
        # the household copy of the head would print her: refused the same way, nothing leaks
        whole = _refused(office, [head.pk], whole_household=True)
        assert whole.messages == [msg.NOT_FOUND]
        assert "支援措置" not in " ".join(protected.messages + whole.messages)


def test_support_measure_staff_with_need_to_know_issue_to_the_person_only(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        staff = officer(office)
        support.start_measure(
            wife.pk, start=D(2024, 1, 1), reason="DV", against=[{"person_id": head.pk}], staff=staff
        )
        # the clerk without need-to-know: even her own request is "not found" to him
        assert _refused(office, [wife.pk]).messages == [msg.NOT_FOUND]
        # the 支援措置担当: she herself, at the counter, receives it
        issued = issue_for(office, [wife.pk], staff=staff)
        assert issued.subject_ids == (wife.pk,)
        # the 加害者等 named in the measure, through the same household: refused with the reason
        exc = pytest.raises(
            IssuanceRefused,
            issue_for,
            office,
            [wife.pk],
            staff=staff,
            requester=Requester("household", person_id=head.pk),
        )
        assert exc.value.messages == ["支援措置の加害者等からの請求のため交付できません。"]


@pytest.mark.std("410#2")
@pytest.mark.parametrize("level", ["error", "alert"])
def test_each_hold_level_on_issuance(office, level: str) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        holds.set_hold(
            process="issuance",
            level=level,
            start=D(2024, 1, 1),
            reason="本人確認中",
            staff=office.approver,
            person_id=head.pk,
        )
        refused = _refused(office, [head.pk])
        expected = msg.HOLD_ERROR if level == "error" else msg.HOLD_ALERT
        assert refused.messages == [
            expected.format(
                m="証明書発行の抑止（"
                + ("エラー（処理不可）" if level == "error" else "アラート（確認のうえ処理可）")
                + "）：本人確認中"
            )
        ]
        if level == "error":
            assert _refused(office, [head.pk], hold_confirmed=True).codes == ["hold_error"]
        else:
            issued = issue_for(office, [head.pk], hold_confirmed=True)
            assert issued.warnings and "本人確認中" in issued.warnings[0]


def _hold(office: Any, process: str, reason: str, **subject: Any) -> None:
    holds.set_hold(
        process=process,
        level="error",
        start=D(2024, 1, 1),
        reason=reason,
        staff=office.approver,
        **subject,
    )


def test_a_household_hold_stops_its_members_and_other_processes_holds_do_not(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        _hold(office, "entry", "調査中", person_id=son.pk)
        issue_for(office, [son.pk])  # an 異動入力 hold does not stop issuance
        _hold(office, "issuance", "世帯調査中", household_id=head.household_id)
        with pytest.raises(IssuanceRefused) as exc:
            issue_for(office, [wife.pk])
        assert exc.value.codes == ["hold_error"] and "世帯調査中" in exc.value.messages[0]


@pytest.mark.std("1000#7")
def test_resident_copy_only_for_residents_and_removed_copy_only_for_removed(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        apply(office, "death", {"person_id": son.pk}, D(2024, 3, 3))
        assert _refused(
            office, [son.pk], requester=Requester("household", person_id=head.pk)
        ).messages == [msg.NOT_RESIDENT]
        assert _refused(office, [head.pk], kind="joshu").messages == [msg.NOT_REMOVED]
        # [1000]#7 (must not): a removed person and a current one on one 世帯連記式: refused either way
        both = Requester("household", person_id=head.pk)
        assert _refused(office, [head.pk, son.pk], requester=both).codes == ["not_resident"]
        assert _refused(office, [head.pk, son.pk], kind="joshu", requester=both).codes == [
            "not_removed"
        ]
        issued = issue_for(office, [son.pk], kind="joshu", requester=both)
        printed = read_fake(issued.copies[0].content)
        assert (
            printed["title"] == "住民票の除票の写し"
            and printed["members"][0]["消除の事由"] == "死亡"
        )
        assert printed["members"][0]["消除日"] == "令和6年3月3日"


def test_requester_kinds_and_their_messages(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        cases = [
            (Requester("self", person_id=head.pk), [wife.pk], msg.SELF_ONLY),
            (Requester("household", person_id=999_999), [wife.pk], msg.NOT_SAME_HOUSEHOLD),
            (Requester("agent", name="代理 人"), [wife.pk], msg.POWER_OF_ATTORNEY),
            (
                Requester("agent", name="代理 人", power_of_attorney=True, principal_id=999_999),
                [wife.pk],
                msg.NOT_FOUND,
            ),
            (Requester("third_party", name="債権 太郎"), [wife.pk], msg.PURPOSE),
            (Requester("official", name="テスト地方裁判所"), [wife.pk], msg.OFFICIAL),
            (Requester("neighbour"), [wife.pk], msg.REQUESTER_KIND),
        ]
        for requester, subjects, message in cases:
            if message == msg.NOT_FOUND:
                message = msg.PRINCIPAL
            assert _refused(office, subjects, requester=requester).messages == [message], requester
        ok = [
            Requester("household", person_id=head.pk),
            Requester("agent", name="代理 人", power_of_attorney=True, principal_id=head.pk),
            Requester("third_party", name="債権 太郎", purpose="相続手続のため"),
            Requester("official", name="テスト地方裁判所", purpose="民事訴訟法第186条"),
        ]
        for requester in ok:
            assert issue_for(office, [wife.pk, son.pk], requester=requester).subject_ids == (
                wife.pk,
                son.pk,
            )
        assert _refused(office, [], requester=ok[0]).messages == [msg.NO_SUBJECT]
        assert _refused(office, [wife.pk], requester=ok[0], copies=0).messages == [
            msg.COPIES.format(n=10)
        ]


def test_my_number_and_resident_code_only_for_self_or_same_household(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        agent = Requester("agent", name="代理 人", power_of_attorney=True, principal_id=head.pk)
        third = Requester("third_party", name="債権 太郎", purpose="相続手続のため")
        official = Requester("official", name="テスト税務署", purpose="国税徴収法第146条")
        for requester in (agent, third, official):
            assert _refused(office, [wife.pk], requester=requester, my_number=True).messages == [
                msg.MY_NUMBER
            ]
            assert _refused(
                office, [wife.pk], requester=requester, resident_code=True
            ).messages == [msg.RESIDENT_CODE]
        assert _refused(office, [wife.pk], requester=third, honseki=True).messages == [
            msg.THIRD_PARTY_ITEMS
        ]
        assert _refused(
            office, [wife.pk], requester=third, head_and_relationship=True
        ).messages == [msg.THIRD_PARTY_ITEMS]
        mine = issue_for(office, [head.pk], my_number=True, resident_code=True)
        member = read_fake(mine.copies[0].content)["members"][0]
        assert "個人番号" in member and member["住民票コード"] == head.resident_code
        household = issue_for(
            office, [wife.pk], requester=Requester("household", person_id=head.pk), my_number=True
        )
        assert "個人番号" in read_fake(household.copies[0].content)["members"][0]


def test_provisional_events_are_invisible(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        before = read_fake(issue_for(office, [head.pk]).copies[0].content)["address"]
        moved = events.submit_event(
            "move_within",
            {
                "person_ids": [head.pk, wife.pk, son.pk],
                "address": {"address_id": office.address2.pk, "banchi": "9番地"},
            },
            effective_date=D(2024, 5, 1),
            reported_date=None,
            entered_by=office.clerk,
        )
        after = read_fake(issue_for(office, [head.pk]).copies[0].content)["address"]
        assert after == before and "栄町" not in after
        events.submit_event(
            "name_change",
            {"person_id": head.pk, "family_name": "高橋"},
            effective_date=D(2024, 6, 1),
            reported_date=None,
            entered_by=office.clerk,
        )
        printed = read_fake(issue_for(office, [head.pk]).copies[0].content)["members"][0]["氏名"]
        assert printed == "髙橋　一郎"  # the 仮登録's 高橋 is not the register's until 本登録
        events.approve_event(moved.event.pk, approver=office.approver)
        assert (
            "栄町" in read_fake(issue_for(office, [head.pk]).copies[0].content)["address"]
        )  # once 本登録
