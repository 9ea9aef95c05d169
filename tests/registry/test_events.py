"""Every 異動 kind, each rule with its message, and the 仮登録 → 決裁 → 本登録 workflow.

Function ids in names refer to ../shared/data/standard/jyuki_functions.csv (第1.0版 transcription).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry import events, selectors
from jichitai.registry.errors import ConcurrentUpdate, DuplicateSuspected, RegistryError
from jichitai.registry.models import Household, Person, RegistryEvent
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people, person_spec

D = dt.date
pytestmark = pytest.mark.django_db


def _rules(exc: pytest.ExceptionInfo[RegistryError]) -> list[str]:
    return [v.rule for v in exc.value.violations]


# -- each event kind ----------------------------------------------------------------------------


def test_move_in_creates_household_and_persons_590(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        fam = people()
        assert [p.relationship for p in fam] == ["世帯主", "妻", "子"]
        hh = fam[0].household
        assert hh.head_id == fam[0].pk and hh.banchi == "1番地2"
        assert all(p.previous_address == "東京都千代田区千代田1番1号" for p in fam)
        assert fam[0].became_resident_on == D(2020, 4, 1)
        assert len({p.atena_no for p in fam}) == 3


def test_move_in_from_abroad(office) -> None:
    with activate(office.ctx()):
        apply(office, "move_in_abroad", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "3"}},
            "persons": [person_spec("p1", "Smith", "John", "1975-03-03", "世帯主",
                                    resident_type="foreign", nationality="英国",
                                    residence_status="永住者", residence_card_no="AB12345678CD",
                                    honseki="", hittousha="", family_kana="スミス", given_kana="ジョン")],
            "previous_address": "英国",
        }, D(2021, 6, 1))
        (p,) = people()
        assert p.resident_type == "foreign" and p.nationality == "英国" and p.honseki == ""


def test_birth_adds_a_child_810(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        hh = people()[0].household
        apply(office, "birth", {"household_id": hh.pk, "person": person_spec(
            "c", "髙橋", "次郎", "", "子", given_kana="ジロウ")}, D(2022, 2, 2))
        child = people(given_name="次郎")[0]
        assert child.birth_date == D(2022, 2, 2) and child.household_id == hh.pk


def test_death_of_head_alerts_and_asks_for_a_new_head_490(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
        with pytest.raises(RegistryError) as exc:
            events.submit_event("death", {"person_id": head.pk}, effective_date=D(2023, 1, 1),
                                  reported_date=D(2023, 1, 2), entered_by=office.clerk)
        # [490]#2: an alert, not a refusal ([100]: a household may be without a head)
        assert _rules(exc) == ["headless"]
        assert "世帯主変更" in exc.value.messages[0]
        apply(office, "death", {"person_id": head.pk, "new_head_id": wife.pk,
                                "relationships": {}}, D(2023, 1, 1))
        head = people(pk=head.pk)[0]
        wife = people(pk=wife.pk)[0]
        assert head.status == "dead" and wife.relationship == "世帯主"
        assert wife.household.head_id == wife.pk


def test_dead_person_cannot_move(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        apply(office, "death", {"person_id": child.pk}, D(2023, 1, 1))
        with pytest.raises(RegistryError) as exc:
            events.submit_event("move_within", {"person_ids": [child.pk], "address": {
                "address_id": office.address2.pk, "banchi": "9"}}, effective_date=D(2023, 2, 1),
                reported_date=D(2023, 2, 1), entered_by=office.clerk)
        assert _rules(exc) == ["dead"]
        assert exc.value.messages == ["死亡した住民は異動できません。"]


def test_move_out_planned_then_confirmed_650_680(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        ids = [p.pk for p in people()]
        with pytest.raises(RegistryError) as exc:
            events.submit_event("move_out_confirmed", {"person_ids": ids}, effective_date=D(2023, 3, 1),
                                  reported_date=D(2023, 3, 1), entered_by=office.clerk)
        assert _rules(exc) == ["no_plan"]
        apply(office, "move_out_planned", {"person_ids": ids, "destination": "大阪府大阪市北区1番",
                                           "planned_date": "2023-03-31"}, D(2023, 3, 10))
        assert all(p.status == "resident" and p.move_out_destination for p in people())
        apply(office, "move_out_confirmed", {"person_ids": ids}, D(2023, 3, 31))
        assert {p.status for p in people()} == {"moved_out"}
        assert not Household.objects.get(pk=people()[0].household_id).active


def test_move_out_abroad(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        ids = [p.pk for p in people()]
        apply(office, "move_out_abroad", {"person_ids": ids, "destination": "米国"}, D(2024, 1, 5))
        assert {(p.status, p.move_out_destination) for p in people()} == {("moved_out", "米国")}


def test_move_within_whole_household_changes_address_630(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        ids = [p.pk for p in people()]
        apply(office, "move_within", {"person_ids": ids, "address": {
            "address_id": office.address2.pk, "banchi": "5番地", "katagaki": "栄ハイツ101"}}, D(2022, 5, 5))
        hh = people()[0].household
        assert (hh.address_id, hh.katagaki) == (office.address2.pk, "栄ハイツ101")
        assert all(p.address_set_on == D(2022, 5, 5) for p in people())


def test_move_within_part_of_household_forms_a_new_one(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        apply(office, "move_within", {"person_ids": [child.pk], "address": {
            "address_id": office.address2.pk, "banchi": "7"}}, D(2023, 1, 1))
        child = people(pk=child.pk)[0]
        assert child.household_id != head.household_id and child.relationship == "世帯主"
        assert child.household.head_id == child.pk


def test_household_split_and_merge_720(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        apply(office, "household_split", {"person_ids": [child.pk]}, D(2023, 4, 1))
        child = people(pk=child.pk)[0]
        new_h = child.household_id
        assert new_h != head.household_id
        apply(office, "household_merge", {"from_household_id": new_h, "to_household_id": head.household_id,
                                          "relationships": {str(child.pk): "子"}}, D(2023, 5, 1))
        child = people(pk=child.pk)[0]
        assert child.household_id == head.household_id and child.relationship == "子"
        assert not Household.objects.get(pk=new_h).active


def test_head_change_sets_relationships_730(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        with pytest.raises(RegistryError) as exc:
            events.submit_event("head_change", {"household_id": head.household_id, "new_head_id": wife.pk},
                                  effective_date=D(2023, 6, 1), reported_date=None, entered_by=office.clerk)
        assert _rules(exc) == ["relationship_required"]
        apply(office, "head_change", {"household_id": head.household_id, "new_head_id": wife.pk,
                                      "relationships": {str(head.pk): "夫"}}, D(2023, 6, 1))
        rels = {p.given_name: p.relationship for p in people()}
        assert rels == {"一郎": "夫", "花子": "世帯主", "太郎": "子"}


def test_name_change_updates_keys(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        apply(office, "name_change", {"person_id": wife.pk, "family_name": "渡邉", "given_name": "花子",
                                      "family_name_kana": "ワタナベ", "given_name_kana": "ハナコ",
                                      "former_surname": "髙橋"}, D(2023, 7, 1))
        wife = people(pk=wife.pk)[0]
        assert (wife.family_name, wife.former_surname, wife.name_key) == ("渡邉", "髙橋", "渡辺花子")


def test_ex_officio_entry_deletion_and_correction_750(office) -> None:
    with activate(office.ctx()):
        apply(office, "ex_officio_entry", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "2"}},
            "persons": [person_spec("p1", "佐藤", "健", "1950-01-01", "世帯主", given_kana="ケン")],
        }, D(2022, 1, 1))
        (p,) = people()
        apply(office, "ex_officio_correction", {"person_id": p.pk, "changes": {"given_name_kana": "タケシ"}},
              D(2022, 1, 2))
        assert people()[0].given_name_kana == "タケシ"
        with pytest.raises(RegistryError) as exc:
            events.submit_event("ex_officio_correction", {"person_id": p.pk, "changes": {"status": "dead"}},
                                  effective_date=D(2022, 1, 3), reported_date=None, entered_by=office.clerk)
        assert _rules(exc) == ["field_not_correctable"]
        apply(office, "ex_officio_deletion", {"person_ids": [p.pk]}, D(2022, 2, 1))
        assert people()[0].status == "deleted"


def test_cancellation_restores_the_state_before(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        ev = apply(office, "name_change", {"person_id": wife.pk, "family_name": "渡邊",
                                           "family_name_kana": "ワタナベ"}, D(2023, 7, 1))
        apply(office, "cancellation", {"target_event_id": ev.pk}, D(2023, 7, 1))
        assert people(pk=wife.pk)[0].family_name == "髙橋"


def test_cancelling_a_move_in_voids_the_records(office) -> None:
    with activate(office.ctx()):
        ev = move_in_family(office)
        apply(office, "cancellation", {"target_event_id": ev.pk}, D(2020, 4, 1))
        assert {p.status for p in people()} == {"void"}
        assert selectors.as_of(people()[0].pk, D(2024, 1, 1)) is None


def test_correction_changes_a_value_the_event_set(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
        ev = RegistryEvent.objects.get(kind="move_in")
        apply(office, "correction", {"target_event_id": ev.pk, "changes": [
            {"entity": "person", "entity_id": head.pk, "field": "given_name", "value": "一朗"}]}, D(2020, 4, 1))
        assert people(pk=head.pk)[0].given_name == "一朗"
        assert selectors.as_of(head.pk, D(2020, 4, 1))["given_name"] == "一朗"


def test_cancellation_refused_when_a_later_event_changed_the_same_field(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        first = apply(office, "name_change", {"person_id": wife.pk, "family_name": "渡邊"}, D(2023, 7, 1))
        apply(office, "name_change", {"person_id": wife.pk, "family_name": "斎藤"}, D(2023, 8, 1))
        with pytest.raises(RegistryError) as exc:
            events.submit_event("cancellation", {"target_event_id": first.pk}, effective_date=D(2023, 7, 1),
                                  reported_date=None, entered_by=office.clerk)
        assert _rules(exc) == ["later_event"]


# -- rules ------------------------------------------------------------------------------------


def test_household_needs_exactly_one_head(office) -> None:
    with activate(office.ctx()), pytest.raises(RegistryError) as exc:
        events.submit_event("move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "1"}},
            "persons": [person_spec("p1", "田中", "一", "1980-01-01", "妻"),
                        person_spec("p2", "田中", "二", "1981-01-01", "子")],
            "previous_address": "札幌市", "head_ref": "p1",
        }, effective_date=D(2024, 1, 1), reported_date=None, entered_by=office.clerk)
    assert _rules(exc) == ["one_head"]
    assert "世帯主がちょうど1人" in exc.value.messages[0]


def test_dates_cannot_be_in_the_future_480(office) -> None:
    future = dt.date.today() + dt.timedelta(days=30)
    with activate(office.ctx()), pytest.raises(RegistryError) as exc:
        events.submit_event("move_in", {}, effective_date=future, reported_date=None, entered_by=office.clerk)
    # every error at once: the date first, then each missing item of the request
    assert exc.value.messages[0] == "異動日に未来の日付は入力できません。"
    assert _rules(exc) == ["future_date", "required", "persons_required", "previous_address"]


def test_event_cannot_precede_birth(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        child = people()[2]
        with pytest.raises(RegistryError) as exc:
            events.submit_event("name_change", {"person_id": child.pk, "family_name": "鈴木"},
                                  effective_date=D(2005, 1, 1), reported_date=None, entered_by=office.clerk)
        assert _rules(exc) == ["before_birth"]


def test_move_in_needs_a_previous_address(office) -> None:
    with activate(office.ctx()), pytest.raises(RegistryError) as exc:
        events.submit_event("move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "1"}},
            "persons": [person_spec("p1", "田中", "一", "1980-01-01", "世帯主")],
        }, effective_date=D(2024, 1, 1), reported_date=None, entered_by=office.clerk)
    assert exc.value.messages == ["転入には従前の住所（前住所）の入力が必要です。"]


def test_duplicate_is_warned_before_move_in_and_can_be_confirmed(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        req = {"household": {"new": {"address_id": office.address2.pk, "banchi": "8"}},
               # 高橋 typed with the common 高 still matches the resident 髙橋 一郎
               "persons": [person_spec("p1", "高橋", "一郎", "1980-05-01", "世帯主")],
               "previous_address": "札幌市中央区"}
        with pytest.raises(DuplicateSuspected) as exc:
            events.submit_event("move_in", req, effective_date=D(2024, 1, 1), reported_date=None,
                                  entered_by=office.clerk)
        assert "重複記載でないことを確認" in exc.value.messages[0]
        sub = events.submit_event("move_in", req, effective_date=D(2024, 1, 1), reported_date=None,
                                    entered_by=office.clerk, confirm_duplicates=True)
        assert sub.warnings and sub.event.status == "provisional"


def test_my_number_check_digit_and_uniqueness(office, office_b) -> None:
    with activate(office.ctx()), pytest.raises(RegistryError) as exc:
        events.submit_event("move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "1"}},
            "persons": [person_spec("p1", "田中", "一", "1980-01-01", "世帯主", my_number="123456789012")],
            "previous_address": "札幌市"}, effective_date=D(2024, 1, 1), reported_date=None,
            entered_by=office.clerk)
    assert exc.value.messages == ["個人番号の検査用数字が正しくありません。番号を確かめて入力してください。"]
    valid = "123456789018"
    spec = person_spec("p1", "田中", "一", "1980-01-01", "世帯主", my_number=valid)
    with activate(office_b.ctx()):
        apply(office_b, "move_in", {"household": {"new": {"address_id": office_b.address.pk, "banchi": "1"}},
                                    "persons": [spec], "previous_address": "札幌市"}, D(2024, 1, 1))
    # the same My Number held by a current resident of another member is refused at approval
    with activate(office.ctx()):
        sub = events.submit_event("move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "1"}},
            "persons": [spec], "previous_address": "札幌市"}, effective_date=D(2024, 1, 1),
            reported_date=None, entered_by=office.clerk)
        with pytest.raises(RegistryError) as exc:
            events.approve_event(sub.event.pk, approver=office.approver)
        assert _rules(exc) == ["unique_number"]
        assert Person.objects.count() == 0  # nothing half-written


def test_approval_needs_a_second_person_with_the_approver_role_530(office) -> None:
    with activate(office.ctx()):
        sub = events.submit_event("move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "1"}},
            "persons": [person_spec("p1", "田中", "一", "1980-01-01", "世帯主")],
            "previous_address": "札幌市"}, effective_date=D(2024, 1, 1), reported_date=None,
            entered_by=office.approver)
        with pytest.raises(RegistryError) as exc:
            events.approve_event(sub.event.pk, approver=office.approver)
        assert exc.value.messages == ["入力者本人は決裁できません。別の決裁者が決裁してください。"]
        with pytest.raises(RegistryError) as exc:
            events.approve_event(sub.event.pk, approver=office.clerk)
        assert exc.value.messages == ["決裁者の権限がありません。"]


def test_rejection_needs_a_reason_and_leaves_no_trace_in_projections(office) -> None:
    with activate(office.ctx()):
        sub = events.submit_event("move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "1"}},
            "persons": [person_spec("p1", "田中", "一", "1980-01-01", "世帯主")],
            "previous_address": "札幌市"}, effective_date=D(2024, 1, 1), reported_date=None,
            entered_by=office.clerk)
        with pytest.raises(RegistryError):
            events.reject_event(sub.event.pk, approver=office.approver, reason=" ")
        ev = events.reject_event(sub.event.pk, approver=office.approver, reason="本人確認書類不備")
        assert ev.status == "rejected" and Person.objects.count() == 0
        with pytest.raises(RegistryError):
            events.approve_event(sub.event.pk, approver=office.approver)


def test_provisional_event_is_invisible_until_approved(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        sub = events.submit_event("name_change", {"person_id": wife.pk, "family_name": "渡邊"},
                                    effective_date=D(2023, 7, 1), reported_date=None, entered_by=office.clerk)
        assert people(pk=wife.pk)[0].family_name == "髙橋"
        assert selectors.as_of(wife.pk, D(2023, 12, 31))["family_name"] == "髙橋"
        events.approve_event(sub.event.pk, approver=office.approver)
        assert people(pk=wife.pk)[0].family_name == "渡邊"


def test_stale_event_is_refused_at_approval_not_lost(office) -> None:
    """Two clerks edit one household; the second approval sees the first and is refused."""
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        s1 = events.submit_event("head_change", {"household_id": head.household_id, "new_head_id": wife.pk,
                                                   "relationships": {str(head.pk): "夫"}},
                                   effective_date=D(2023, 6, 1), reported_date=None, entered_by=office.clerk)
        s2 = events.submit_event("household_split", {"person_ids": [child.pk]},
                                   effective_date=D(2023, 6, 2), reported_date=None, entered_by=office.clerk)
        events.approve_event(s1.event.pk, approver=office.approver)
        with pytest.raises(ConcurrentUpdate) as exc:
            events.approve_event(s2.event.pk, approver=office.approver)
        assert "他の職員が先に" in exc.value.messages[0]
        assert RegistryEvent.objects.get(pk=s2.event.pk).status == "provisional"


def test_idempotency_key_returns_the_same_event(office) -> None:
    with activate(office.ctx()):
        req = {"household": {"new": {"address_id": office.address.pk, "banchi": "1"}},
               "persons": [person_spec("p1", "田中", "一", "1980-01-01", "世帯主")], "previous_address": "札幌市"}
        a = events.submit_event("move_in", req, effective_date=D(2024, 1, 1), reported_date=None,
                                  entered_by=office.clerk, idempotency_key="k-1")
        b = events.submit_event("move_in", req, effective_date=D(2024, 1, 1), reported_date=None,
                                  entered_by=office.clerk, idempotency_key="k-1")
        assert a.event.pk == b.event.pk and b.replayed
        with pytest.raises(RegistryError):
            events.submit_event("move_in", {**req, "previous_address": "別"}, effective_date=D(2024, 1, 1),
                                  reported_date=None, entered_by=office.clerk, idempotency_key="k-1")


def test_other_municipality_cannot_see_or_approve_events(office, office_b) -> None:
    with activate(office_b.ctx()):
        sub = events.submit_event("move_in", {
            "household": {"new": {"address_id": office_b.address.pk, "banchi": "1"}},
            "persons": [person_spec("p1", "田中", "一", "1980-01-01", "世帯主")],
            "previous_address": "札幌市"}, effective_date=D(2024, 1, 1), reported_date=None,
            entered_by=office_b.clerk)
    with activate(office.ctx()):
        assert not RegistryEvent.objects.filter(pk=sub.event.pk).exists()
        with pytest.raises(RegistryError) as exc:
            events.approve_event(sub.event.pk, approver=office.approver)
        assert _rules(exc) == ["not_found"]
        # B's address dictionary cannot be used either
        with pytest.raises(RegistryError) as exc:
            events.submit_event("move_in", {
                "household": {"new": {"address_id": office_b.address.pk, "banchi": "1"}},
                "persons": [person_spec("p1", "田中", "一", "1980-01-01", "世帯主")],
                "previous_address": "札幌市"}, effective_date=D(2024, 1, 1), reported_date=None,
                entered_by=office.clerk)
        assert _rules(exc) == ["address"]


def test_history_snapshots_per_event_200(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        apply(office, "name_change", {"person_id": wife.pk, "family_name": "渡邊"}, D(2023, 7, 1))
        hist = selectors.history(wife.pk)
        assert [h["history_no"] for h in hist] == [1, 2]
        assert hist[0]["row"]["family_name"] == "髙橋" and hist[1]["row"]["family_name"] == "渡邊"
        assert hist[1]["changed"] == ["family_name"]


def test_backdated_event_cannot_slip_under_a_later_one(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        apply(office, "name_change", {"person_id": wife.pk, "family_name": "渡邊"}, D(2023, 7, 1))
        with pytest.raises(RegistryError) as exc:
            events.submit_event("name_change", {"person_id": wife.pk, "given_name": "華子"},
                                  effective_date=D(2023, 6, 1), reported_date=None, entered_by=office.clerk)
        assert _rules(exc) == ["backdated"]
        assert "2023-07-01" in exc.value.messages[0]
