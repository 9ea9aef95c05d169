"""[550] 一括入力: one 異動 for several persons or households at once, all or nothing, with items
taken from the previous input; and its must-not (#9): a household's address may not be taken from
the previous (another) household's with only the 部屋番号 changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.registry import events
from jichitai.registry.errors import AlertsRaised, RegistryError
from jichitai.registry.events.bulk_entry import DITTO, BulkRefused, resolve, submit_bulk
from jichitai.registry.models import EventStatus, RegistryEvent
from jichitai.tenancy.context import activate

from .conftest import move_in_family, people, person_spec

pytestmark = pytest.mark.django_db
D = dt.date
PREVIOUS = "東京都千代田区千代田1番1号"


def _household(office: Any, banchi: str, katagaki: str = "") -> dict[str, Any]:
    return {"new": {"address_id": office.address.pk, "banchi": banchi, "katagaki": katagaki}}


def _bulk(office: Any, kind: str, common: dict[str, Any], entries: list[dict[str, Any]], **kw: Any) -> Any:
    return submit_bulk(kind, common, entries, effective_date=kw.pop("effective", D(2024, 4, 1)),
                       reported_date=kw.pop("reported", D(2024, 4, 2)), entered_by=office.clerk,
                       confirm_alerts=kw.pop("confirm", True))


def _approve(office: Any, subs: list[Any]) -> None:
    result = events.approve_events([s.event.pk for s in subs], approver=office.approver)
    assert not result.refused


@pytest.mark.std("550#1")
@pytest.mark.std("550#2")
@pytest.mark.std("550#8")
def test_one_move_in_for_several_households_with_the_same_dates(office) -> None:
    with activate(office.ctx()):
        subs = _bulk(office, "move_in", {"previous_address": PREVIOUS}, [
            {"household": _household(office, "1番地", "ハイツ101"),
             "persons": [person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主", family_kana="アオキ")]},
            {"household": _household(office, "1番地", "ハイツ102"),
             "persons": [person_spec("p1", "井上", "二郎", "1981-06-01", "世帯主", family_kana="イノウエ")]},
        ])
        assert len(subs) == 2 and all(s.event.status == EventStatus.PROVISIONAL for s in subs)
        assert {(s.event.effective_date, s.event.reported_date) for s in subs} == {(D(2024, 4, 1), D(2024, 4, 2))}
        _approve(office, subs)
        found = people()
        assert [p.family_name for p in found] == ["青木", "井上"]
        assert {p.previous_address for p in found} == {PREVIOUS}  # the common item, on every entry
        assert len({p.household_id for p in found}) == 2
        # 異動履歴 (A類型): each entry is its own 異動 in the log
        assert RegistryEvent.objects.filter(status=EventStatus.APPROVED, kind="move_in").count() == 2


@pytest.mark.std("550#1")
def test_the_same_move_out_for_several_persons_of_several_households(office) -> None:
    with activate(office.ctx()):
        move_in_family(office, family="髙橋")
        move_in_family(office, family="佐藤")
        takahashi = [p.pk for p in people(family_name="髙橋")]
        sato = [p.pk for p in people(family_name="佐藤")]
        subs = _bulk(office, "move_out_planned", {"destination": "大阪府大阪市北区1番", "planned_date": "2024-04-20"},
                     [{"person_ids": takahashi}, {"person_ids": sato}], effective=D(2024, 4, 1))
        _approve(office, subs)
        assert {(p.move_out_destination, p.move_out_planned_on) for p in people()} == {
            ("大阪府大阪市北区1番", D(2024, 4, 20))}


@pytest.mark.std("550#3")
def test_a_blank_surname_is_the_heads_else_the_previous_members(office) -> None:
    with activate(office.ctx()):
        head = person_spec("p1", "長谷川", "一郎", "1980-05-01", "世帯主", family_kana="ハセガワ")
        wife = {**person_spec("p2", "", "花子", "1982-07-07", "妻", sex="2", given_kana="ハナコ"),
                "family_name_kana": ""}
        subs = _bulk(office, "move_in", {"previous_address": PREVIOUS}, [
            {"household": _household(office, "2番地"), "persons": [wife, head], "head_ref": "p1"}])
        _approve(office, subs)
        assert {(p.family_name, p.family_name_kana) for p in people()} == {("長谷川", "ハセガワ")}
        # no head among them: the previous member's 氏
        reqs, problems = resolve("move_in", {}, [{"household": _household(office, "3"), "persons": [
            person_spec("p1", "森", "一", "1990-01-01", "子"), {**person_spec("p2", "", "二", "1992-01-01", "子")}]}])
        assert not problems and reqs[0]["persons"][1]["family_name"] == "森"


@pytest.mark.std("550#4")
def test_japanese_and_foreign_residents_are_kept_apart() -> None:
    foreign = person_spec("p2", "", "John", "1975-03-03", "同居人", resident_type="foreign", honseki="",
                          hittousha="", nationality="英国")
    reqs, problems = resolve("move_in", {}, [{"household": {"existing_id": 1}, "persons": [
        person_spec("p1", "長谷川", "一郎", "1980-05-01", "世帯主"), foreign]}])
    assert not problems and reqs[0]["persons"][1]["family_name"] == ""  # not the Japanese head's 氏
    _, problems = resolve("move_in", {}, [{"household": {"existing_id": 1}, "persons": [
        person_spec("p1", "長谷川", "一郎", "1980-05-01", "世帯主"), {**foreign, "alias": DITTO}]}])
    assert [v.rule for v in problems[0]] == ["resident_type_carry"]


@pytest.mark.std("550#5")
def test_names_are_taken_across_from_the_previous_input(office) -> None:
    with activate(office.ctx()):
        father = person_spec("p1", "長谷川", "一郎", "1980-05-01", "世帯主", hittousha="長谷川一郎")
        child = person_spec("p2", "長谷川", "太郎", "2010-01-15", "子", given_kana="タロウ")
        child["hittousha"] = {"same_as": "name"}  # the father's 氏名 as the child's 筆頭者
        reqs, problems = resolve("move_in", {}, [{"household": _household(office, "1"), "persons": [father, child]}])
        assert not problems and reqs[0]["persons"][1]["hittousha"] == "長谷川\u3000一郎"
        sibling = {**person_spec("p3", "長谷川", "次郎", "2012-01-15", "子"), "hittousha": DITTO}
        reqs, _ = resolve("move_in", {}, [{"household": _household(office, "1"),
                                          "persons": [father, {**child, "hittousha": DITTO}, sibling]}])
        assert [p["hittousha"] for p in reqs[0]["persons"]] == ["長谷川一郎"] * 3
        _, problems = resolve("move_in", {}, [{"household": _household(office, "1"), "persons": [
            father, {**child, "hittousha": {"same_as": "honseki"}}]}])
        assert [v.rule for v in problems[0]] == ["carry_group"]  # a name from an address: no


@pytest.mark.std("550#6")
def test_addresses_are_taken_across_from_the_previous_input(office) -> None:
    with activate(office.ctx()):
        first = {"household": _household(office, "5番地"), "previous_address": PREVIOUS, "persons": [
            person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主", family_kana="アオキ", honseki="テスト県乙村2番地")]}
        second = {"household": DITTO, "previous_address": DITTO, "persons": [
            {**person_spec("p1", "井上", "二郎", "1981-06-01", "世帯主", family_kana="イノウエ"),
             "honseki": {"same_as": "honseki"}}]}
        third = {"household": _household(office, "6番地"), "previous_address": {"same_as": "previous_address"},
                 "persons": [{**person_spec("p1", "上田", "三郎", "1982-06-01", "世帯主", family_kana="ウエダ"),
                              "honseki": {"same_as": "previous_address"}}]}
        subs = _bulk(office, "move_in", {}, [first, second, third])
        _approve(office, subs)
        aoki, inoue, ueda = people()
        assert inoue.household.banchi == "5番地" and inoue.household_id != aoki.household_id  # the whole address
        assert inoue.honseki == "テスト県乙村2番地" and inoue.previous_address == PREVIOUS
        assert ueda.previous_address == PREVIOUS and ueda.honseki == PREVIOUS


@pytest.mark.std("550#7")
def test_the_former_surname_is_never_taken_from_the_previous_input() -> None:
    wife = person_spec("p1", "長谷川", "花子", "1982-07-07", "世帯主", sex="2", former_surname="山本")
    for ref in (DITTO, {"same_as": "former_surname"}):
        reqs, problems = resolve("move_in", {}, [{"household": {"existing_id": 1}, "persons": [
            wife, person_spec("p2", "長谷川", "桜", "1984-01-01", "姉", former_surname=ref)]}])
        assert [v.rule for v in problems[0]] == ["former_surname_carry"]
        assert reqs[0]["persons"][1]["former_surname"] == ""


@pytest.mark.std("550#9")
def test_another_households_address_with_only_the_room_number_changed_is_refused(office) -> None:
    """Must-not: take the 現住所 of the previous (another) household and change only the 部屋番号."""
    with activate(office.ctx()):
        first = {"household": _household(office, "1番地", "ハイツ101"), "persons": [
            person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主", family_kana="アオキ")]}
        person = person_spec("p1", "井上", "二郎", "1981-06-01", "世帯主", family_kana="イノウエ")
        tries = [
            {"new": {"address_id": DITTO, "banchi": DITTO, "katagaki": "ハイツ102"}},
            {"new": {"address_id": {"same_as": "household"}, "banchi": DITTO, "katagaki": "ハイツ102"}},
            {"new": {"address_id": office.address.pk, "banchi": DITTO, "katagaki": "ハイツ102"}},
        ]
        for household in tries:
            with pytest.raises(BulkRefused) as exc:
                _bulk(office, "move_in", {"previous_address": PREVIOUS},
                      [first, {"household": household, "persons": [person]}])
            assert [v.rule for v in exc.value.by_entry[1]] == ["partial_address_carry"]
            assert "部屋番号" in exc.value.messages[0] and exc.value.messages[0].startswith("2件目")
        # the same for a 転居 of several households
        move_in_family(office, family="髙橋")
        move_in_family(office, family="佐藤")
        with pytest.raises(BulkRefused):
            _bulk(office, "move_within", {}, [
                {"person_ids": [p.pk for p in people(family_name="髙橋")],
                 "address": {"address_id": office.address2.pk, "banchi": "3", "katagaki": "A棟1"}},
                {"person_ids": [p.pk for p in people(family_name="佐藤")],
                 "address": {"address_id": DITTO, "banchi": DITTO, "katagaki": "A棟2"}}], effective=D(2024, 5, 1),
                reported=D(2024, 5, 1))
        assert not RegistryEvent.objects.filter(status=EventStatus.PROVISIONAL).exists()


def test_one_refused_entry_stores_none_550(office) -> None:
    with activate(office.ctx()):
        good = {"household": _household(office, "1"), "persons": [
            person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主", family_kana="アオキ")]}
        bad = {"household": _household(office, "2"), "persons": [
            person_spec("p1", "井上", "二郎", "2030-06-01", "世帯主", family_kana="イノウエ")]}
        with pytest.raises(BulkRefused) as exc:
            _bulk(office, "move_in", {"previous_address": PREVIOUS}, [good, bad])
        assert list(exc.value.by_entry) == [1]
        assert RegistryEvent.objects.count() == 0


def test_alerts_of_any_entry_are_confirmed_for_all_at_once_550(office) -> None:
    with activate(office.ctx()):
        entry = {"household": _household(office, "1"), "persons": [
            person_spec("p1", "青木", "一郎", "1900-05-01", "世帯主", family_kana="アオキ")]}
        with pytest.raises(AlertsRaised) as exc:
            _bulk(office, "move_in", {"previous_address": PREVIOUS}, [entry], confirm=False)
        assert exc.value.messages[0].startswith("1件目") and RegistryEvent.objects.count() == 0
        assert len(_bulk(office, "move_in", {"previous_address": PREVIOUS}, [entry])) == 1


def test_a_bulk_entry_cannot_reach_another_municipalitys_persons_550(office, office_b) -> None:
    with activate(office_b.ctx(office_b.clerk)):
        move_in_family(office_b)
        theirs = [p.pk for p in people()]
    with activate(office.ctx()):
        with pytest.raises(RegistryError):
            _bulk(office, "move_out_planned", {"destination": "大阪府"}, [{"person_ids": theirs}])
        assert RegistryEvent.objects.count() == 0


def test_no_entries_or_too_many_are_refused_550(office) -> None:
    with activate(office.ctx()):
        with pytest.raises(RegistryError):
            _bulk(office, "move_in", {}, [])
        with pytest.raises(RegistryError):
            _bulk(office, "move_out_planned", {"destination": "大阪府"}, [{"person_ids": [1]}] * 51)


_items = st.sampled_from(["family_name", "given_name", "hittousha", "honseki", "former_surname", "alias"])
_values = st.one_of(st.just(DITTO), st.builds(lambda s: {"same_as": s}, st.sampled_from(
    ["name", "hittousha", "honseki", "previous_address", "household", "destination", "former_surname", "x"])),
    st.text(max_size=5))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.dictionaries(_items, _values, max_size=4), min_size=1, max_size=4))
def test_resolve_never_leaves_a_reference_and_never_carries_a_former_surname_550(persons: list[dict[str, Any]]) -> None:
    reqs, problems = resolve("move_in", {}, [{"household": {"existing_id": 1}, "persons": persons}])
    for p in reqs[0]["persons"]:
        assert all(v != DITTO and not isinstance(v, dict) for v in p.values())
    for i, p in enumerate(persons):
        if "former_surname" in p and (p["former_surname"] == DITTO or isinstance(p["former_surname"], dict)):
            assert reqs[0]["persons"][i]["former_surname"] == "" and problems
