"""[560] 届出に基づく住民票の記載等 and [590] 転入者情報入力: the 届出 at the counter and their 異動事由.

転入・転居・転出・世帯変更等 are each entered and approved, with the standard's 事由; a child born
before the 転入 and reported with it is 記載 by the 転入 ([560]#3); every chapter 1 item can be
entered at a 転入 and 住所を定めた年月日 is 住民となった年月日 ([590]).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry import reasons, selectors
from jichitai.registry.conventions import PERSON_FIELDS
from jichitai.registry.errors import RegistryError
from jichitai.registry.events.requests import NewPerson
from jichitai.registry.models import EventFact, RegistryEvent
from jichitai.tenancy.context import activate

from .conftest import FOREIGN_DEFAULTS, apply, move_in_family, people, person_spec

pytestmark = pytest.mark.django_db
D = dt.date


def _reason(event: RegistryEvent) -> str:
    return reasons.classify(event.kind).label


@pytest.mark.std("560#1")
@pytest.mark.std("560#2")
def test_each_kind_of_notification_is_entered_with_the_standards_reason(office) -> None:
    with activate(office.ctx()):
        seen = {}
        seen["転入"] = move_in_family(office, D(2020, 4, 1))
        head, wife, child = people()
        seen["転居"] = apply(office, "move_within", {"person_ids": [head.pk, wife.pk, child.pk], "address": {
            "address_id": office.address2.pk, "banchi": "3"}}, D(2021, 1, 1))
        seen["世帯分離"] = apply(office, "household_split", {"person_ids": [child.pk]}, D(2021, 2, 1))
        child = people(pk=child.pk)[0]
        seen["世帯変更"] = apply(office, "household_change", {
            "person_ids": [wife.pk], "to_household_id": child.household_id,
            "relationships": {str(wife.pk): "母"}}, D(2021, 2, 15))
        assert people(pk=wife.pk)[0].household_id == child.household_id
        seen["世帯合併"] = apply(office, "household_merge", {
            "from_household_id": child.household_id, "to_household_id": people(pk=head.pk)[0].household_id,
            "relationships": {child.pk: "子", wife.pk: "妻"}}, D(2021, 3, 1))
        seen["世帯主変更"] = apply(office, "head_change", {"household_id": people(pk=head.pk)[0].household_id,
                                                       "new_head_id": wife.pk, "relationships": {head.pk: "夫"}},
                                 D(2021, 4, 1))
        seen["転出"] = apply(office, "move_out_planned", {"person_ids": [child.pk], "destination": "大阪府大阪市北区1番"},
                           D(2021, 5, 1))
        seen["国外転出"] = apply(office, "move_out_abroad", {"person_ids": [head.pk], "destination": "米国"},
                             D(2021, 6, 1))
        reasons_ = {k: _reason(e) for k, e in seen.items()}
        assert reasons_ == {"転入": "国内転入", "転居": "転居", "世帯分離": "世帯分離", "世帯変更": "世帯変更",
                            "世帯合併": "世帯合併", "世帯主変更": "世帯主変更", "転出": "国内転出", "国外転出": "国外転出"}
        assert all(r in reasons.all_labels() for r in reasons_.values())
        assert reasons.classify("move_in_abroad").label == "国外転入等"
        assert people(pk=wife.pk)[0].relationship == "世帯主" and people(pk=head.pk)[0].status == "moved_out"


@pytest.mark.std("560#3")
def test_a_child_born_before_the_move_in_and_reported_with_it_is_entered_by_the_move_in(office) -> None:
    with activate(office.ctx()):
        event = apply(office, "move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "1"}},
            "persons": [person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主", family_kana="アオキ"),
                        person_spec("p2", "青木", "花子", "1982-07-07", "妻", sex="2", family_kana="アオキ"),
                        person_spec("p3", "青木", "桜", "2024-03-20", "子", sex="2", family_kana="アオキ")],
            "previous_address": "東京都千代田区千代田1番1号"}, D(2024, 4, 1))
        baby = people(given_name="桜")[0]
        assert _reason(event) == "国内転入"
        assert baby.became_resident_on == D(2024, 4, 1) and baby.birth_date == D(2024, 3, 20)
        writers = set(EventFact.objects.filter(entity="person", entity_id=baby.pk).values_list("event__kind", flat=True))
        assert writers == {"move_in"}  # no 出生 of its own


@pytest.mark.std("590#1")
def test_every_chapter_one_item_can_be_entered_at_a_move_in(office) -> None:
    derived = {"household_id", "status", "atena_no", "became_resident_on", "address_set_on", "reported_on",
               "previous_address", "removed_on", "removed_on_text", "became_resident_on_text",
               "address_set_on_text", "move_out_destination", "move_out_planned_on", "move_out_destination_code",
               "move_out_destination_postal_code", "move_out_confirmed_destination", "move_out_confirmed_postal_code",
               "move_out_confirmed_code", "move_out_confirmed_on", "move_in_notice_on",
               "alias_deleted_on", "alias_deleted_municipality", "alias_deleted_municipality_code"}
    assert set(PERSON_FIELDS) - set(NewPerson.model_fields) == derived
    with activate(office.ctx()):
        apply(office, "move_in_abroad", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "3"}},
            "persons": [person_spec("p1", "Smith", "John", "1975-03-03", "世帯主", resident_type="foreign",
                                    nationality="英国", honseki="", hittousha="", family_kana="スミス",
                                    given_kana="ジョン", alphabet_name="SMITH JOHN", residence_reported="yes",
                                    landing_permit_move_in="yes", last_registered_address="英国ロンドン",
                                    elector_registered="", nhi_insured="yes", nhi_acquired_on="2021-06-01",
                                    my_number_card_status="", **{k: v for k, v in FOREIGN_DEFAULTS.items()
                                                                 if k != "became_foreign_resident_on"},
                                    became_foreign_resident_on="2021-06-01")],
            "previous_address": "英国"}, D(2021, 6, 1))
        (p,) = people()
        assert (p.alphabet_name, p.residence_reported, p.landing_permit_move_in) == ("SMITH JOHN", "yes", "yes")
        assert (p.last_registered_address, p.nhi_insured, p.nhi_acquired_on) == ("英国ロンドン", "yes", D(2021, 6, 1))
        assert p.residence_card_no == "AB12345678CD" and p.foreign_category == "mid_long"


def test_a_move_in_cannot_state_its_own_dates_or_a_move_out_590(office) -> None:
    from jichitai.registry import events

    for item, value in (("address_set_on", "2020-01-01"), ("move_out_destination_code", "27100"),
                        ("became_resident_on", "2020-01-01")):
        with activate(office.ctx()), pytest.raises(RegistryError) as exc:
            events.parse_request("move_in", {
                "household": {"new": {"address_id": office.address.pk, "banchi": "1"}},
                "persons": [{**person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主"), item: value}],
                "previous_address": "東京都"})
        assert exc.value.violations[0].field.endswith(item)


@pytest.mark.std("590#2")
def test_the_address_set_date_of_a_move_in_is_the_date_of_becoming_resident(office) -> None:
    with activate(office.ctx()):
        move_in_family(office, D(2020, 4, 1))
        assert {(p.became_resident_on, p.address_set_on) for p in people()} == {(D(2020, 4, 1), D(2020, 4, 1))}
        head = people()[0]
        as_of = selectors.as_of(head.pk, D(2020, 4, 1))
        assert as_of["address_set_on"] == as_of["became_resident_on"] == "2020-04-01"
        apply(office, "move_within", {"person_ids": [p.pk for p in people()], "address": {
            "address_id": office.address2.pk, "banchi": "3"}}, D(2022, 1, 1))
        moved = people(pk=head.pk)[0]  # after a 転居 the two differ
        assert (moved.became_resident_on, moved.address_set_on) == (D(2020, 4, 1), D(2022, 1, 1))


def test_another_municipalitys_household_cannot_receive_a_move_in_560(office, office_b) -> None:
    from jichitai.registry import events

    with activate(office_b.ctx(office_b.clerk)):
        move_in_family(office_b)
        theirs = people()[0].household_id
    with activate(office.ctx()), pytest.raises(RegistryError) as exc:
        events.submit_event("move_in", {"household": {"existing_id": theirs}, "persons": [
            person_spec("p1", "青木", "一郎", "1980-05-01", "子")], "previous_address": "東京都"},
            effective_date=D(2024, 4, 1), reported_date=D(2024, 4, 1), entered_by=office.clerk)
    assert exc.value.violations[0].rule == "not_found"
