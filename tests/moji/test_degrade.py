"""縮退: the output is in the target set, or the failure is reported — never silent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai import moji
from jichitai.moji.degrade import GETA, in_target
from jichitai.moji.tables import tables

from ._shared import rows

_t = tables()
SAMPLE = sorted(c for c in _t.by_char)[::97] + sorted(_t.by_seq)[::53]
chars = st.one_of(
    st.sampled_from([*SAMPLE, *"髙﨑邉邊齋齊𠮷葛辻①ｱ a　\ue000", "か\u309a", "葛\U000e0100"]),
    st.characters(),
)
texts = st.lists(chars, max_size=10).map("".join)


def test_taka_degrades_to_jis_and_is_reported() -> None:
    r = moji.degrade("髙橋", to="jisx0213")
    assert r.text == "高橋" and r.ok
    assert [(c.index, c.original, c.replacement, c.rule) for c in r.changes] == [
        (0, "髙", "高", "mjsu")
    ]


def test_saki_stays_in_0213_and_becomes_saki_in_0208() -> None:
    assert moji.degrade("﨑", to="jisx0213").text == "﨑"
    r = moji.degrade("﨑", to="jisx0208")
    assert r.text == "崎" and r.changes[0].rule == "nta-code"


def test_nta_string_conversion_comes_first() -> None:
    r = moji.degrade("①", to="jisx0208")
    assert r.text == "１" and r.changes[0].rule == "nta-string"


def test_a_character_with_no_way_down_is_a_reported_failure() -> None:
    r = moji.degrade("田𪚲", to="jisx0208")  # JIS4水, NTA has neither conversion
    assert r.text == "田" + GETA and not r.ok
    assert [(f.index, f.original, f.reason) for f in r.failures] == [(1, "𪚲", "nta-empty")]
    kept = moji.degrade("田𪚲", to="jisx0208", placeholder=None)
    assert kept.text == "田𪚲" and kept.failures


def test_private_use_fails_and_is_reported() -> None:
    r = moji.degrade("\ue000", to="jisx0213")
    assert r.failures[0].reason == "no-mapping"


def test_unknown_target_is_an_error() -> None:
    with pytest.raises(moji.UnknownTargetError):
        moji.degrade("a", to="sjis")


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(["jisx0213", "jisx0208"]))
def test_output_is_in_the_target_set_or_failure_is_reported(text: str, to: str) -> None:
    r = moji.degrade(text, to=to)
    assert in_target(r.text, to)
    kept = moji.degrade(text, to=to, placeholder=None)
    assert in_target(kept.text, to) or kept.failures
    assert len(r.failures) == len(kept.failures)


@settings(max_examples=100, deadline=None)
@given(texts, st.sampled_from(["jisx0213", "jisx0208"]))
def test_every_difference_is_listed(text: str, to: str) -> None:
    r = moji.degrade(text, to=to, placeholder=None)
    listed = {c.index for c in r.changes} | {f.index for f in r.failures}
    for i, ch in moji.split(text):
        if i not in listed:
            assert ch in r.text


def test_every_unique_map_row_degrades_into_jisx0213() -> None:
    """Every MJ with an MJSU row degrades to exactly its MJSU target (or is already JIS X 0213)."""
    t = tables()
    for r in rows("mj_shrink_unique.csv"):
        i = t.by_name[r["MJ文字図形名"]]
        src = t.canonical(i)
        if not src:
            continue
        res = moji.degrade(src, to="jisx0213")
        assert res.ok and in_target(res.text, "jisx0213"), r
        if src not in t.x0213_set:
            assert res.text == r["変換先_文字"], r


def test_every_jisx0213_character_degrades_into_jisx0208_or_fails_as_nta_says() -> None:
    for r in rows("nta_jis_shrink_map.csv"):
        ch = "".join(chr(int(u[2:], 16)) for u in r["変換元_UCS"].split())
        res = moji.degrade(ch, to="jisx0208")
        empty = not r["コード変換_UCS"] and not r["文字列変換_UCS"]
        assert bool(res.failures) == empty, r
        if not empty:
            assert in_target(res.text, "jisx0208"), r
