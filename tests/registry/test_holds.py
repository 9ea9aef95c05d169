"""抑止 ([410]–[450] 3.1–3.5): set per process, person or household, level error or alert; never
lapsing; 一時解除 that locks again by itself; separate rights; applied to 異動入力, 照会 and (for
issue 12) 証明書発行; a 不受理申出 hold refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.registry import events, holds
from jichitai.registry.errors import AlertsRaised, RegistryError
from jichitai.registry.holds_models import Hold, HoldProcess
from jichitai.tenancy.context import activate

from .conftest import move_in_family, people

D = dt.date
pytestmark = pytest.mark.django_db


def _hold(office: Any, process: str, level: str, **kw: Any) -> Hold:
    kw.setdefault("start", D(2024, 1, 1))
    kw.setdefault("reason", "本人確認中")
    return holds.set_hold(process=process, level=level, staff=office.approver, **kw)


def _name_change(office: Any, person_id: int, **kw: Any) -> Any:
    return events.submit_event("name_change", {"person_id": person_id, "family_name": "高橋"},
                               effective_date=D(2024, 6, 1), reported_date=None, entered_by=office.clerk, **kw)


@pytest.mark.std("410#2", "410#8")
def test_several_holds_per_person_each_with_its_process_and_level(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
        _hold(office, "issuance", "error", person_id=wife.pk)
        _hold(office, "inquiry", "alert", person_id=wife.pk)
        _hold(office, "entry", "alert", household_id=head.household_id, end=D(2024, 12, 31))
        assert holds.issuance_hold(wife.pk).refused
        assert holds.inquiry_hold(wife.pk).level == "alert"
        assert holds.decide(wife.pk, "entry").level == "alert"  # through her household
        assert holds.decide(head.pk, "issuance").level == ""
        with pytest.raises(RegistryError) as exc:
            holds.set_hold(process="print", level="warn", start=D(2024, 1, 1), reason="", staff=office.approver,
                           person_id=wife.pk, household_id=head.household_id, end=D(2023, 1, 1))
        assert {v.field for v in exc.value.violations} == {"process", "level", "person_id", "reason", "end_date"}


@pytest.mark.std("410#6")
def test_a_hold_past_its_end_date_is_still_in_force_until_released(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        hold = _hold(office, "issuance", "error", person_id=wife.pk, start=D(2020, 1, 1), end=D(2020, 12, 31))
        assert holds.issuance_hold(wife.pk).refused and holds.marks([wife.pk]) == {wife.pk}
        assert holds.status_of(hold) == "抑止中（終了日経過・解除の処理をしてください）"
        with pytest.raises(RegistryError):
            holds.release_hold(hold.pk, staff=office.approver, reason="")
        holds.release_hold(hold.pk, staff=office.approver, reason="確認済み")
        assert not holds.issuance_hold(wife.pk).level and holds.marks([wife.pk]) == set()
        with pytest.raises(RegistryError) as exc:
            holds.release_hold(hold.pk, staff=office.approver, reason="二度目")
        assert exc.value.violations[0].rule == "released"


@pytest.mark.std("410#2", "410#3", "410#4")
def test_temporary_release_locks_again_by_itself_after_the_set_minutes(office, monkeypatch) -> None:
    from jichitai.tenancy.models import MunicipalSetting

    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        hold = _hold(office, "issuance", "error", person_id=wife.pk)
        assert holds.relock_minutes() == 30  # the default
        MunicipalSetting.objects.create(key=holds.RELOCK_SETTING, value=10)
        assert holds.relock_minutes() == 10
        with pytest.raises(RegistryError) as exc:
            holds.release_temporarily(hold.pk, staff=office.approver, minutes=11)
        assert exc.value.messages == ["一時解除の時間は1〜10分で指定してください。"]
        start = timezone.now()
        hold = holds.release_temporarily(hold.pk, staff=office.approver)
        assert hold.relock_at is not None and 9 <= (hold.relock_at - start).total_seconds() / 60 <= 10.1
        assert not holds.issuance_hold(wife.pk).level
        assert holds.status_of(hold) == "一時解除中"
        later = start + dt.timedelta(minutes=11)
        monkeypatch.setattr(timezone, "now", lambda: later)
        # no job ran: the hold counts again because the time has passed
        assert holds.issuance_hold(wife.pk).refused and holds.status_of(hold) == "抑止中"
        assert Hold.objects.get(pk=hold.pk).released_at is None


@pytest.mark.std("410#5")
def test_set_release_and_temporary_release_are_separate_rights(office) -> None:
    from jichitai.accounts.capabilities import CAPABILITIES

    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        hold = holds.set_hold(process="entry", level="error", start=D(2024, 1, 1), reason="調査中",
                              staff=office.clerk, person_id=wife.pk)
        for call in (lambda: holds.release_hold(hold.pk, staff=office.clerk, reason="x"),
                     lambda: holds.release_temporarily(hold.pk, staff=office.clerk)):
            with pytest.raises(RegistryError) as exc:
                call()
            assert exc.value.violations[0].rule == "hold_capability"
        assert {holds.SET, holds.RELEASE, holds.TEMPORARY} <= set(CAPABILITIES)
        assert holds.release_temporarily(hold.pk, staff=office.approver).relock_at is not None


@pytest.mark.std("410#2")
def test_entry_hold_error_refuses_submit_and_approval_alert_needs_confirmation(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        pending = _name_change(office, son.pk).event
        error = _hold(office, "entry", "error", person_id=son.pk)
        with pytest.raises(RegistryError) as exc:
            _name_change(office, son.pk)
        assert exc.value.violations[0].rule == "hold_entry" and "異動入力が抑止されています" in exc.value.messages[0]
        # a hold set after entry stops the approval too
        with pytest.raises(RegistryError) as exc:
            events.approve_event(pending.pk, approver=office.approver)
        assert exc.value.violations[0].rule == "hold_entry"
        holds.release_hold(error.pk, staff=office.approver, reason="解決")
        events.approve_event(pending.pk, approver=office.approver)
        _hold(office, "entry", "alert", household_id=head.household_id)
        with pytest.raises(AlertsRaised) as alert:
            _name_change(office, wife.pk)
        assert alert.value.violations[0].rule == "hold_alert"
        assert _name_change(office, wife.pk, confirm_alerts=True).event.pk


def test_issuance_and_inquiry_holds_as_functions(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
        assert holds.issuance_hold(head.pk).level == ""
        _hold(office, "issuance", "alert", person_id=head.pk, reason="請求者の確認")
        decision = holds.issuance_hold(head.pk)
        assert decision.level == "alert" and not decision.refused
        assert decision.messages == ["証明書発行の抑止（アラート（確認のうえ処理可））：請求者の確認"]
        assert holds.inquiry_stop(head.pk, staff=office.clerk, confirmed=False, screen="t") is None
        assert holds.inquiry_hold(head.pk).level == ""
        assert HoldProcess.ISSUANCE.label == "証明書発行"


@pytest.mark.std("450#1")
def test_no_hold_for_a_fujuri_application_can_be_set(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
        with pytest.raises(RegistryError) as exc:
            _hold(office, "entry", "error", person_id=head.pk, reason="住民異動不受理申出による")
        assert exc.value.violations[0].rule == "no_fujuri"
        # and the processes a hold can name are the three of [410] only: none is a 不受理 of a 届出
        assert set(HoldProcess.values) == {"entry", "issuance", "inquiry"}
        assert not Hold.objects.exists()


def test_holds_of_another_municipality_are_not_reached(office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b)
        b_head = people()[0]
        b_hold = _hold(office_b, "issuance", "error", person_id=b_head.pk)
    with activate(office.ctx()):
        assert holds.issuance_hold(b_head.pk).level == "" and holds.marks([b_head.pk]) == set()
        with pytest.raises(RegistryError) as exc:
            holds.release_hold(b_hold.pk, staff=office.approver, reason="x")
        assert exc.value.violations[0].rule == "not_found"
        with pytest.raises(RegistryError) as exc:
            _hold(office, "entry", "error", person_id=b_head.pk)
        assert exc.value.violations[0].rule == "not_found"


@pytest.mark.std("410#1")
def test_support_holds_exclusive_control_and_other_holds_are_all_managed(office) -> None:
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.registry import support

    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        officer = Staff.objects.create(username="h-officer")
        RoleGrant.objects.create(staff=officer, municipality=office.municipality, role="support_measure")
        support.start_measure(wife.pk, start=D(2024, 1, 1), reason="DV", against=[], staff=officer)  # 支援措置
        assert not support.may_receive(wife.pk, requester_kind="third_party").allowed
        _hold(office, "issuance", "error", person_id=head.pk)  # その他の抑止
        assert holds.issuance_hold(head.pk).refused
        first, second = _name_change(office, son.pk).event, _name_change(office, son.pk).event  # 排他制御
        events.approve_event(first.pk, approver=office.approver)
        with pytest.raises(RegistryError) as exc:
            events.approve_event(second.pk, approver=office.approver)
        assert exc.value.violations[0].rule == "stale"
