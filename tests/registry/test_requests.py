"""The typed 異動 requests: a parser, so property-based ([460] 異動者, [530] 審査・決裁 入力確認).

Whatever a form, an API client or a batch file sends, ``parse_request`` either gives the kind's
typed request or refuses with the register's own error listing every problem in Japanese; it
never raises anything else. A stored request parses back to the same request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.registry.errors import RegistryError
from jichitai.registry.events import REQUEST_TYPES, parse_request
from jichitai.registry.events.requests import MAX_ID, MoveIn
from jichitai.registry.models import EventKind

KINDS = sorted(REQUEST_TYPES)
KEYS = ["person_id", "person_ids", "household", "persons", "person", "address", "changes", "relationships",
        "target_event_id", "household_id", "new_head_id", "family_name", "destination", "previous_address",
        "planned_date", "from_household_id", "to_household_id", "new", "existing_id", "address_id",
        "banchi", "ref", "birth_date", "entity", "entity_id", "field", "value", "bogus"]
leaves = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                   st.text(max_size=120), st.sampled_from(["2024-04-01", "", "1", "世帯主", "person"]))
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)), max_leaves=20)
requests = st.dictionaries(st.sampled_from(KEYS), values, max_size=6)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from([*KINDS, "no_such_kind"]), data=st.one_of(requests, values))
def test_anything_sent_is_a_typed_request_or_a_japanese_refusal(kind: str, data: Any) -> None:
    try:
        req = parse_request(kind, data)
    except RegistryError as exc:
        assert exc.violations
        for v in exc.violations:
            assert v.rule and v.message and not v.message.isascii(), v
        return
    assert isinstance(req, REQUEST_TYPES[kind])
    assert parse_request(kind, req.stored()) == req  # what an event stores reads back the same


ids = st.integers(min_value=1, max_value=MAX_ID)
names = st.text(alphabet=st.sampled_from("髙橋渡邉山田花子一郎太アイウ"), min_size=1, max_size=100)


@settings(max_examples=100, deadline=None)
@given(address=ids, family=names, given_=names, birth=st.dates(dt.date(1900, 1, 1), dt.date(2024, 1, 1)))
def test_a_valid_move_in_round_trips(address: int, family: str, given_: str, birth: dt.date) -> None:
    data = {"household": {"new": {"address_id": address, "banchi": "1番地"}},
            "persons": [{"ref": "p1", "family_name": family, "given_name": given_, "birth_date": birth.isoformat(),
                         "sex": "1", "relationship": "世帯主"}], "previous_address": "東京都"}
    req = parse_request("move_in", data)
    assert isinstance(req, MoveIn) and req.persons[0].birth_date == birth
    assert req.stored() == data
    assert parse_request("move_in", req.stored()) == req


@pytest.mark.parametrize(("value", "rule"), [
    (0, "out_of_range"), (MAX_ID + 1, "out_of_range"), (10**30, "out_of_range"), ("abc", "invalid"),
    ([1], "invalid"), (None, "invalid"),
])
def test_ids_out_of_range_are_refused_before_any_query(value: Any, rule: str) -> None:
    with pytest.raises(RegistryError) as exc:
        parse_request("death", {"person_id": value})
    assert [v.rule for v in exc.value.violations] == [rule]
    assert exc.value.violations[0].field == "person_id" and "対象者" in exc.value.messages[0]


def test_every_kind_has_its_request_type() -> None:
    assert set(REQUEST_TYPES) == set(EventKind.values)


def test_unknown_items_and_kinds_are_named() -> None:
    with pytest.raises(RegistryError) as exc:
        parse_request("death", {"person_id": 1, "mystery": 2})
    assert exc.value.violations[0].rule == "unknown_item" and "「mystery」" in exc.value.messages[0]
    with pytest.raises(RegistryError) as exc:
        parse_request("levitation", {})
    assert exc.value.violations[0].rule == "unknown_kind"
