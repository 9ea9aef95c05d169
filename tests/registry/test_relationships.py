"""続柄 (std 1.0 §1.1.11, function 110): only the standard's vocabulary can be stored.

110#1: 世帯主, the base terms, chains of them joined by 「の」 up to 4 generations, 縁故者, 同居人 can be
stored. 110#2: nothing else can — not 孫, 祖父, 祖母, 準世帯主, 家事使用人, nor a chain of 5 — on any
way in: the typed request (web form, API, batch), corrections, and the bulk loader.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.registry import events, relationships
from jichitai.registry.errors import RegistryError
from jichitai.registry.events.requests import parse_request
from jichitai.tenancy.context import activate

from .conftest import D, apply, move_in_family, numbered, people, person_spec

REFUSED = ("孫", "祖父", "祖母", "おじ", "おば", "甥", "姪", "準世帯主", "家事使用人", "子の子の子の子の子",
           "子の", "の子", "子のの子", "の", "妻(未届)", "世帯主の子", "縁故者の子", "子の同居人", "長男")


def _move_in(office: Any, *rels: str) -> dict[str, Any]:
    return {
        "household": {"new": {"address_id": office.address.pk, "banchi": "3番地"}},
        "persons": [person_spec(f"p{i}", "佐藤", "名" + numbered(i), "1970-01-01", rel) for i, rel in enumerate(rels, 1)],
        "previous_address": "東京都千代田区千代田1番1号",
    }


def _submit(office: Any, kind: str, req: dict[str, Any]) -> Any:
    return events.submit_event(kind, req, effective_date=D(2024, 4, 1), reported_date=None,
                               entered_by=office.clerk)


@pytest.mark.std("110#1")
@pytest.mark.parametrize("value", [
    "世帯主", "夫", "妻", "夫（未届）", "妻（未届）", "子", "父", "母", "兄", "姉", "弟", "妹",
    "子の夫", "子の妻", "子（子の夫）", "子（子の妻）", "子の子", "父の母", "妻（未届）の子",
    "子の子の子の子", "縁故者", "同居人",
])
def test_standard_relationships_are_accepted(value: str) -> None:
    assert relationships.is_standard(value)
    assert parse_request("head_change", {"household_id": 1, "new_head_id": 1, "relationships": {2: value}})


@pytest.mark.std("110#2")
@pytest.mark.parametrize("value", REFUSED)
def test_other_relationships_are_not_standard(value: str) -> None:
    assert not relationships.is_standard(value)


@pytest.mark.std("110#1")
def test_four_generations_and_whole_values_are_stored_through_a_move_in(office) -> None:
    rels = ("世帯主", "妻（未届）", "子の子の子の子", "縁故者", "同居人")
    with activate(office.ctx()):
        apply(office, "move_in", _move_in(office, *rels), D(2024, 4, 1))
        assert [p.relationship for p in people()] == list(rels)


@pytest.mark.std("110#2")
@pytest.mark.parametrize("value", ["孫", "祖父", "祖母", "準世帯主", "家事使用人", "子の子の子の子の子", "子の",
                                   "妻(未届)"])
def test_move_in_with_a_non_standard_relationship_is_refused(office, value: str) -> None:
    with activate(office.ctx()):
        with pytest.raises(RegistryError) as exc:
            _submit(office, "move_in", _move_in(office, "世帯主", value))
        (v,) = exc.value.violations
        assert v.field == "persons.1.relationship"
        assert "続柄" in v.message and f"「{value}」" in v.message
        assert people() == []


@pytest.mark.std("110#2")
def test_refusal_says_what_to_write_instead() -> None:
    assert "子の子" in relationships.problem("孫")
    assert "縁故者" in relationships.problem("子の子の子の子の子")
    assert "（未届）" in relationships.problem("妻(未届)")


@pytest.mark.std("110#2")
def test_head_change_birth_and_corrections_refuse_a_non_standard_relationship(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        hid = head.household_id
        attempts = [
            ("head_change", {"household_id": hid, "new_head_id": wife.pk,
                             "relationships": {head.pk: "夫", child.pk: "準世帯主"}}),
            ("birth", {"household_id": hid, "person": person_spec("c", "髙橋", "次郎", "2024-03-01", "孫")}),
            ("ex_officio_correction", {"person_id": child.pk, "changes": {"relationship": "祖父"}}),
        ]
        for kind, req in attempts:
            with pytest.raises(RegistryError) as exc:
                _submit(office, kind, req)
            assert any("標準仕様の続柄" in m for m in exc.value.messages), (kind, exc.value.messages)
        assert [p.relationship for p in people()] == ["世帯主", "妻", "子"]
        with pytest.raises(RegistryError):
            parse_request("correction", {"target_event_id": 1, "changes": [
                {"entity": "person", "entity_id": child.pk, "field": "relationship", "value": "祖母"}]})
        # a standard value still goes through
        apply(office, "ex_officio_correction", {"person_id": child.pk, "changes": {"relationship": "妻の子"}},
              D(2024, 4, 1))
        assert people()[2].relationship == "妻の子"


@pytest.mark.std("110#2")
def test_bulk_loader_refuses_a_non_standard_relationship() -> None:
    from jichitai.importer.bulk import _validate

    spec = person_spec("p1", "佐藤", "一郎", "1970-01-01", "孫")
    with pytest.raises(RegistryError) as exc:
        _validate(spec)
    assert "子の子" in exc.value.messages[0]
    _validate({**spec, "relationship": "子の子"})


_BASE = st.sampled_from(relationships.BASE_TERMS)


@pytest.mark.std("110#1", "110#2")
@settings(max_examples=300, deadline=None)
@given(st.lists(_BASE, min_size=1, max_size=8))
def test_chains_of_up_to_four_base_terms_and_no_more(chain: list[str]) -> None:
    value = "の".join(chain)
    assert relationships.is_standard(value) == (len(chain) <= 4)


@pytest.mark.std("110#2")
@settings(max_examples=100, deadline=None)
@given(st.lists(_BASE, min_size=1, max_size=3), st.sampled_from(relationships.WHOLE_VALUES))
def test_whole_values_never_chain(chain: list[str], whole: str) -> None:
    assert not relationships.is_standard("の".join([*chain, whole]))
    assert not relationships.is_standard("の".join([whole, *chain]))


@pytest.mark.std("110#2")
def test_synthetic_generator_emits_only_standard_relationships() -> None:
    from jichitai.synthetic import generate_households

    seen = {p.relationship for h in generate_households("141003", 5_000, 7) for p in h.members}
    assert {"子の子", "妻（未届）", "縁故者", "同居人"} <= seen
    assert {r for r in seen if not relationships.is_standard(r)} == set()


@pytest.mark.std("110#2")
def test_web_form_offers_only_standard_relationships() -> None:
    from jichitai.web.registry.forms import PERSON_FIELDS, RELATIONSHIPS

    assert RELATIONSHIPS and all(relationships.is_standard(r) for r in RELATIONSHIPS)
    assert {"孫", "祖父", "祖母"}.isdisjoint(RELATIONSHIPS)
    assert set(relationships.BASE_TERMS) | {"世帯主", "縁故者", "同居人", "子の子"} <= set(RELATIONSHIPS)
    assert any(f.name == "relationship" for f in PERSON_FIELDS)


@pytest.mark.std("110#2")
def test_another_municipality_s_person_cannot_be_given_a_relationship(office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b)
        b_head, _, b_child = people()
    with activate(office.ctx()):
        with pytest.raises(RegistryError):
            apply(office, "head_change", {"household_id": b_head.household_id, "new_head_id": b_child.pk,
                                          "relationships": {b_head.pk: "父"}}, D(2024, 4, 1))
        with pytest.raises(RegistryError):
            apply(office, "ex_officio_correction", {"person_id": b_child.pk,
                                                    "changes": {"relationship": "子の子"}}, D(2024, 4, 1))
        assert people() == []
    with activate(office_b.ctx()):
        assert [p.relationship for p in people()] == ["世帯主", "妻", "子"]
