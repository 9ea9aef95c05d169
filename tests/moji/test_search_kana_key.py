"""[330]#2 あいまい検索: the search kana key (moji.search_kana_key), rule by rule and by property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.moji import search_kana_key as k

# each pair the standard lists (and the rules it names) must give one key
EQUAL = [
    ("ヂ", "ジ"), ("ズ", "ヅ"), ("ワ", "ハ"), ("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴ", "ブ"), ("オ", "ヲ"), ("ヒ", "ピ"),
    ("カ", "ガ"), ("ハ", "バ"), ("ハ", "パ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"),
    ("ッ", "ツ"), ("ャ", "ヤ"), ("ュ", "ユ"), ("ョ", "ヨ"), ("キョウコ", "キヨウコ"),
    ("サトー", "サト"), ("ユーコ", "ユコ"),
    ("サトウ", "サトオ"), ("コウジ", "コオジ"), ("ヨウコ", "ヨオコ"), ("ゴウダ", "コオタ"),
    ("コーイチ", "コ―イチ"), ("コーイチ", "コ－イチ"), ("コーイチ", "コ‐イチ"), ("コーイチ", "コｰイチ"), ("コーイチ", "コ-イチ"),
    ("ヤマダ　タロウ", "ヤマダ タロウ"), ("ヤマダ タロウ", "ヤマダタロウ"),
    ("やまだ　たろう", "ヤマダタロウ"), ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ"), ("ゔぁ", "バ"),
]
# what must stay apart: another consonant, another vowel, ウ not after an オ段 kana, a first ウ
DISTINCT = [
    ("サトウ", "カトウ"), ("サトウ", "サイトウ"), ("ユウキ", "ユキ"), ("ウメ", "オメ"), ("カ", "キ"),
    ("シ", "チ"), ("ス", "ツ"), ("ヤマダ", "ヤマナ"), ("クウ", "クオ"), ("タカハシ", "タカハマ"),
]


@pytest.mark.std("330#2")
@pytest.mark.parametrize(("a", "b"), EQUAL)
def test_listed_pairs_are_equal(a: str, b: str) -> None:
    assert k(a) == k(b), (a, b, k(a), k(b))


@pytest.mark.std("330#2")
@pytest.mark.parametrize(("a", "b"), DISTINCT)
def test_other_kana_stay_distinct(a: str, b: str) -> None:
    assert k(a) != k(b)


def test_exact_outputs() -> None:
    assert k("さとう　たろう") == "サトオタロオ"
    assert k("ウメ") == "ウメ"  # the first ウ is never changed
    assert k("ジョージ") == "シヨシ"


KANA = st.text(alphabet=st.characters(min_codepoint=0x30A1, max_codepoint=0x30FC), max_size=12)
ANY = st.text(alphabet=st.one_of(
    st.characters(min_codepoint=0x3041, max_codepoint=0x30FF), st.characters(min_codepoint=0xFF61, max_codepoint=0xFF9F),
    st.sampled_from(" \u3000-－―‐ｰーABCabc123"),
), max_size=16)


@settings(max_examples=400, deadline=None)
@given(ANY)
def test_idempotent(text: str) -> None:
    assert k(k(text)) == k(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3096), max_size=10))
def test_hiragana_equals_katagana(text: str) -> None:
    assert k(text) == k("".join(chr(ord(c) + 0x60) for c in text))


@settings(max_examples=200, deadline=None)
@given(KANA, KANA)
def test_space_between_family_and_given_name_is_ignored(a: str, b: str) -> None:
    assert k(a + "\u3000" + b) == k(a + " " + b) == k(a + b)


@settings(max_examples=200, deadline=None)
@given(KANA, st.integers(min_value=0, max_value=12))
def test_long_mark_presence_is_ignored(text: str, at: int) -> None:
    assert k(text[:at] + "ー" + text[at:]) == k(text)


@settings(max_examples=200, deadline=None)
@given(KANA)
def test_key_has_no_voiced_small_or_long_kana(text: str) -> None:
    out = k(text)
    assert not set(out) & set("ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴァィゥェォッャュョヮヲワー")
