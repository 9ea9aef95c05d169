"""[340]#7 文字選択: the pure look-ups over the packaged MJ tables (読み, 部首+画数, 異体字)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.moji import picker

pytestmark = pytest.mark.std("340#7")


def chars(result: picker.PickResult) -> set[str]:
    return {p.char for p in result.picks}


def test_a_reading_per_character_finds_it_in_hiragana_or_katakana() -> None:
    for reading in ("へん", "ヘン", "ﾍﾝ"):
        found = picker.pick(reading=reading, limit=1000)
        assert "辺" in chars(found) and found.total == len(found.picks)
    hit = next(p for p in picker.pick(reading="べ", limit=1000).picks if p.char == "辺")
    assert hit.mj == "MJ025758" and hit.codepoints == "U+8FBA" and "ヘン" in hit.readings.split()
    assert "髙" in chars(picker.pick(reading="たかい", limit=1000))


def test_a_name_reading_is_not_a_character_reading_and_says_so() -> None:
    found = picker.pick(reading="わたなべ")
    assert not found.picks and "1文字ずつ" in found.message


def test_radical_and_remaining_strokes() -> None:
    found = picker.pick(radical=162, inner_strokes=2)  # 辵 + 2 = 辺, 込, 辻
    assert {"辺", "込", "辻"} <= chars(found)
    assert all(p.strokes in (0, 5, 6) for p in found.picks if len(p.char) == 1)
    assert "邊" not in chars(found)  # 邊 is 辵 + 15
    assert "邊" in chars(picker.pick(radical=162, inner_strokes=15, limit=200))
    both = picker.pick(reading="へん", radical=162, inner_strokes=2)
    assert chars(both) >= {"辺"} and "込" not in chars(both)  # every criterion given must hold


def test_variants_of_a_known_character() -> None:
    found = picker.pick(variant_of="辺", limit=200)
    assert {"辺", "邊", "邉"} <= chars(found)
    assert any(len(p.char) == 2 and p.char[0] == "邉" for p in found.picks)  # the MJ/IVS glyphs too
    assert {p.char for p in found.picks if p.searchable} >= {"辺", "邊", "邉"}  # what the search folds
    assert {"高", "髙"} <= chars(picker.pick(variant_of="髙"))
    assert "斉" not in chars(picker.pick(variant_of="斎", limit=200))  # 別字 stay apart


def test_radical_list_has_214_with_their_characters() -> None:
    rads = picker.radicals()
    assert len(rads) == 214 and rads[0].char == "一" and rads[161].char == "辵" and rads[-1].strokes == 17


@pytest.mark.parametrize(("kwargs", "field"), [
    ({}, "reading"), ({"reading": "abc"}, "reading"), ({"reading": "あ" * 30}, "reading"),
    ({"radical": 0}, "radical"), ({"radical": 215}, "radical"), ({"inner_strokes": 3}, "radical"),
    ({"radical": 1, "inner_strokes": 999}, "strokes"), ({"variant_of": "1"}, "variant"),
])
def test_unusable_input_is_a_clear_error_naming_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(picker.PickQueryError) as exc:
        picker.pick(**kwargs)
    assert exc.value.field == field and exc.value.message


def test_lookups_reuse_the_loaded_index() -> None:
    first = picker.lookup_tables()
    for reading in ("こう", "しょう", "へん", "たか", "わた"):
        assert picker.pick(reading=reading).picks
    assert picker.pick(radical=162, inner_strokes=2).picks
    assert picker.pick(variant_of="辺").picks
    assert picker.lookup_tables() is first


@settings(max_examples=200, deadline=None)
@given(reading=st.text(max_size=25), radical=st.none() | st.integers(-5, 300),
       inner=st.none() | st.integers(-5, 100), variant=st.text(max_size=4))
def test_any_query_gives_candidates_or_a_message_never_a_crash(reading, radical, inner, variant) -> None:
    try:
        found = picker.pick(reading=reading, radical=radical, inner_strokes=inner, variant_of=variant)
    except picker.PickQueryError as exc:
        assert exc.message and exc.field in {"reading", "radical", "strokes", "variant"}
        return
    assert found.picks or found.message
    assert all(p.char and p.mj.startswith("MJ") for p in found.picks)
