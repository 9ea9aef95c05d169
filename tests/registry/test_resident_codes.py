"""住民票コードの付番・変更・通知票 ([870]–[890]): the stock taken in, drawn at random for a 未付番者
and for a 変更請求, the low-stock alert, the three 通知票 as data (made again on demand), and the
must-nots (no 付番結果一覧, no 変更日時 item, no 返納案内, no 確認票)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.codes import resident_code_check_digit
from jichitai.registry import events, resident_codes
from jichitai.registry.documents import build, load_all
from jichitai.registry.documents.resident_code_notice import notices_for_event
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import Person, RegistryEvent
from jichitai.registry.resident_code_models import ResidentCodeStock
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import MunicipalSetting

from .conftest import apply, move_in_family, people, person_spec
from .test_snapshots import _protect

D = dt.date
pytestmark = pytest.mark.django_db


def codes(n: int, start: int = 3_000_000_000) -> list[str]:
    return [f"{b}{resident_code_check_digit(str(b))}" for b in range(start, start + n)]


def _baby(office: Any, household_id: int) -> Any:
    spec = person_spec(
        "c1", "髙橋", "次郎", "2024-05-01", "子", given_kana="ジロウ", resident_code=""
    )
    return apply(
        office,
        "birth",
        {"household_id": household_id, "person": spec},
        D(2024, 5, 1),
        confirm_alerts=True,
    )


@pytest.mark.std("870#1")
def test_the_stock_takes_valid_codes_and_refuses_a_file_with_a_bad_line(office, office_b) -> None:
    good = codes(3)
    with activate(office.ctx()):
        got = resident_codes.stock(["# CS 2024-05", *good, "", good[0]], source="cs-file")
        assert (got.added, got.already, got.refused) == (3, 1, [])
        bad = resident_codes.stock([*codes(2, 4_000_000_000), "12345678901", "１２３"])
        assert bad.added == 0 and [n for n, _ in bad.refused] == [3, 4]
        assert sorted(ResidentCodeStock.objects.values_list("code", flat=True)) == good
    with activate(office_b.ctx()):  # another municipality's stock is not ours
        assert resident_codes.unused() == []


@pytest.mark.std("870#2", "870#3")
def test_a_person_without_a_code_is_numbered_at_random_from_the_stock(office) -> None:
    with activate(office.ctx()):
        pool = codes(40)
        resident_codes.stock(pool)
        move_in_family(office)
        _baby(office, people()[0].household_id)
        baby = people(given_name="次郎")[0]
        assert baby.resident_code in pool
        assert baby.resident_code not in resident_codes.unused()
        drawn = set()
        for _ in range(30):  # at random: not always the first free code
            drawn.add(resident_codes.draw()[0])
        assert len(drawn) > 1


@pytest.mark.std("870#4")
def test_an_alert_when_the_stock_falls_below_the_municipalitys_number(office) -> None:
    with activate(office.ctx()):
        MunicipalSetting.objects.create(key=resident_codes.ALERT_SETTING, value=5)
        resident_codes.stock(codes(5))
        move_in_family(office)
        hid = people()[0].household_id
        spec = person_spec(
            "c1", "髙橋", "次郎", "2024-05-01", "子", given_kana="ジロウ", resident_code=""
        )
        with pytest.raises(RegistryError) as err:  # 4 left < 5: the clerk sees the alert
            events.submit_event(
                "birth",
                {"household_id": hid, "person": spec},
                effective_date=D(2024, 5, 1),
                reported_date=D(2024, 5, 1),
                entered_by=office.clerk,
            )
        assert err.value.violations[0].rule == resident_codes.LOW_RULE
        assert "残り4件" in err.value.violations[0].message
        sub = events.submit_event(
            "birth",
            {"household_id": hid, "person": spec},
            effective_date=D(2024, 5, 1),
            reported_date=D(2024, 5, 1),
            entered_by=office.clerk,
            confirm_alerts=True,
        )
        events.approve_event(sub.event.pk, approver=office.approver)
        assert len(resident_codes.unused()) == 4


def test_an_empty_stock_leaves_the_code_required(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        with pytest.raises(RegistryError) as err:
            _baby(office, people()[0].household_id)
        assert err.value.violations[0].field == "resident_code"


@pytest.mark.std("880#1", "890#1", "890#2")
def test_change_request_and_correction_with_their_notices(office) -> None:
    with activate(office.ctx()):
        pool = codes(10)
        resident_codes.stock(pool)
        move_in_family(office)
        head = people()[0]
        old = head.resident_code
        change = apply(
            office,
            "resident_code_change",
            {"person_id": head.pk},
            D(2024, 6, 1),
            confirm_alerts=True,
        )
        changed = Person.objects.without_read_log("テスト").get(pk=head.pk).resident_code
        assert changed in pool and changed != old
        (doc,) = notices_for_event(change.pk, staff=office.clerk)
        assert (doc.title, doc.fields["住民票コード"], doc.person_ids) == (
            "住民票コード変更通知票",
            changed,
            (head.pk,),
        )
        fixed = "10000000999"
        corr = apply(
            office,
            "ex_officio_correction",
            {"person_id": head.pk, "changes": {"resident_code": fixed}},
            D(2024, 6, 2),
        )
        doc2 = build(
            "resident_code_notice", staff=office.clerk, event_id=corr.pk, person_id=head.pk
        )
        assert (doc2.title, doc2.fields["住民票コード"]) == ("住民票コード修正通知票", fixed)
        again = build(
            "resident_code_notice", staff=office.clerk, event_id=change.pk, person_id=head.pk
        )
        assert again.fields == doc.fields  # 再出力: the code that 異動 gave, not today's
        _baby(office, head.household_id)
        baby = people(given_name="次郎")[0]
        birth_event = RegistryEvent.objects.filter(kind="birth").latest("pk")
        new_doc = build(
            "resident_code_notice", staff=office.clerk, event_id=birth_event.pk, person_id=baby.pk
        )
        assert (new_doc.title, new_doc.fields["住民票コード"]) == (
            "住民票コード通知票",
            baby.resident_code,
        )


def test_a_change_request_refuses_the_same_code_and_an_empty_stock(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
        for req in (
            {"person_id": head.pk},
            {"person_id": head.pk, "resident_code": head.resident_code},
        ):
            with pytest.raises(RegistryError):
                apply(office, "resident_code_change", req, D(2024, 6, 1), confirm_alerts=True)


def _head_changed(office: Any) -> tuple[Any, Any]:
    """A family whose head asked for a new 住民票コード (drawn from a small stock)."""
    resident_codes.stock(codes(3))
    move_in_family(office)
    head = people()[0]
    req = {"person_id": head.pk}
    return head, apply(office, "resident_code_change", req, D(2024, 6, 1), confirm_alerts=True)


def test_a_notice_of_a_protected_person_only_for_support_staff(office) -> None:
    with activate(office.ctx()):
        head, change = _head_changed(office)
        officer = _protect(office, head.pk)
        with pytest.raises(RegistryError):
            build("resident_code_notice", staff=office.clerk, event_id=change.pk, person_id=head.pk)
        assert build(
            "resident_code_notice", staff=officer, event_id=change.pk, person_id=head.pk
        ).person_ids == (head.pk,)


@pytest.mark.std("870#5", "880#3", "890#3")
def test_no_assignment_list_no_return_guide_no_confirmation_slip() -> None:
    kinds = load_all()
    titles = " ".join(k.title for k in kinds.values())
    for forbidden in ("付番結果", "返納案内", "住民票コード確認票"):
        assert forbidden not in titles
    for kind in (
        "resident_code_assignment_list",
        "resident_code_return_guide",
        "resident_code_confirmation",
    ):
        with pytest.raises(KeyError):
            build(kind, staff=None)
    assert not [n for n in dir(resident_codes) if "list" in n.lower() or "assigned" in n.lower()]


@pytest.mark.std("880#2")
def test_no_item_keeps_the_date_of_a_code_change(office) -> None:
    fields = {f.name for f in Person._meta.get_fields()}
    assert not [f for f in fields if "resident_code" in f and f != "resident_code"]
    with activate(office.ctx()):
        head, change = _head_changed(office)
        assert {f.field for f in change.facts.all()} == {"resident_code"}
