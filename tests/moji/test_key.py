"""The matching key: 異体字 folded by "same character" links only, never across a 別字 link."""

from __future__ import annotations

import collections

from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai import moji
from jichitai.moji.build import FOLD_KINDS, link_kind
from jichitai.moji.tables import tables

from ._shared import cp, rows, shrink_rows

FOLD_SOURCES = sorted(tables().fold)[:4000:7]
CANNOT = [(a, b) for a, b, _ in tables().cannot_link]

interesting = st.sampled_from(
    [
        *FOLD_SOURCES,
        *"髙﨑邉邊齋齊斉斎辺高崎吉𠮷葛辻ｶﾞﾊﾟｰｯｧゔヴー・　 ａＡ①㈱⼀",
        "\U000e0100",
        "\U000e0102",
        "\ufe00",
        "\u3099",
        "\u309b",
        "\uff9e",
    ]
)
texts = st.lists(st.one_of(interesting, st.characters()), max_size=12).map("".join)


def test_common_variants_fold() -> None:
    assert moji.key("髙橋") == "高橋"
    assert moji.key("﨑") == moji.key("崎") == "崎"
    assert moji.key("邉") == moji.key("邊") == moji.key("辺") == "辺"
    assert moji.key("齋") == "斎"
    assert moji.key("齊") == "斉"
    assert moji.key("𠮷田") == "吉田"


def test_sai_and_sai_never_merge() -> None:
    """斎 and 斉 are different characters (README lesson 2), and so are their old forms."""
    assert moji.key("斎") != moji.key("斉")
    assert moji.key("齋藤") != moji.key("齊藤")
    assert moji.key("齋藤") == moji.key("斎藤")
    assert moji.key("齊藤") == moji.key("斉藤")


def test_selectors_whitespace_and_width_are_folded() -> None:
    assert moji.key("葛\U000e0100城") == moji.key("葛\U000e0102城") == "葛城"
    assert moji.key("山田　太郎") == moji.key("山田 太郎") == "山田太郎"
    assert moji.key("ﾔﾏﾀﾞ") == moji.key("ヤマダ") == "ヤマダ"
    assert moji.key("ｶ\uff9e") == "ガ"
    assert moji.key("ａｂｃ") == "ABC"


def test_compatibility_ideograph_folds_with_its_unified_form() -> None:
    assert moji.key("\ufa5e") == moji.key("艹\U000e0104")  # MJ030293 reached two ways


def test_two_joyo_kanji_are_never_one_key() -> None:
    t = tables()
    joyo = [t.ucs[i] for i in range(len(t)) if t.policy[i] == 1 and t.ucs[i]]
    keys = collections.Counter(moji.key(c) for c in joyo)
    assert [k for k, n in keys.items() if n > 1] == []


@settings(max_examples=400, deadline=None)
@given(texts)
def test_key_is_idempotent(text: str) -> None:
    k = moji.key(text)
    assert moji.key(k) == k


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CANNOT), texts, texts)
def test_key_never_merges_a_betsuji_pair(pair: tuple[str, str], pre: str, post: str) -> None:
    a, b = pair
    assert moji.key(pre + a + post) != moji.key(pre + b + post)


def test_every_betsuji_row_stays_apart() -> None:
    """Every 付記=別字 row of the 縮退マップ: source and target keep different keys.

    The exception is exactly the rows whose source glyph is an IVS of the target code point itself
    (the key drops selectors, so it cannot tell them apart)."""
    apart, same_code_point = 0, []
    for r in shrink_rows():
        if r["付記"] != "別字":
            continue
        src = r["縮退元_文字"]
        tgt = r["縮退先_文字"]
        if src[0] == tgt:
            same_code_point.append(r["MJ文字図形名"])
            continue
        assert moji.key(src) != moji.key(tgt), r
        apart += 1
    assert apart == 150 - len(same_code_point)
    assert len(same_code_point) == len(
        {
            r["MJ文字図形名"]
            for r in shrink_rows()
            if r["付記"] == "別字" and r["縮退元_文字"][0] == r["縮退先_文字"]
        }
    )


def test_every_unique_map_row_folds_or_is_an_explained_exception() -> None:
    """For every MJSU row, key(MJ) == key(target), except rows the data explains.

    The exceptions, each derived from the data (docs/moji.md, "Where the key and MJSU disagree"):
    - not-same-character: MJSU chose a link that is not a fold link (辞書類, 類字, 2842/5202 俗字).
    - ivs-only-glyph: the MJ is reachable only by IVS; the key drops the selector, so the code
      point's own glyph decides.
    - ambiguous: the code point's fold links point into two or more classes.
    - cannot-link: folding would merge a 別字 pair (or 斎/斉).
    """
    t = tables()
    kinds: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for r in shrink_rows():
        kinds[(r["MJ文字図形名"], r["縮退先_文字"])].add(link_kind(r))
    ambiguous = {u[0] for u in t.fold_unresolved if u[2] == "ambiguous"}
    cannot = {(moji.key(a), moji.key(b)) for a, b in CANNOT}
    cannot |= {(b, a) for a, b in cannot}
    reasons: collections.Counter[str] = collections.Counter()
    unexplained = []
    total = 0
    for r in rows("mj_shrink_unique.csv"):
        name = r["MJ文字図形名"]
        i = t.by_name[name]
        if not t.canonical(i):
            continue
        total += 1
        src, tgt = t.canonical(i), cp(r["変換先UCS"])
        if moji.key(src) == moji.key(tgt):
            continue
        if not kinds[(name, tgt)] & set(FOLD_KINDS):
            reasons["not-same-character"] += 1
        elif not t.ucs[i]:
            reasons["ivs-only-glyph"] += 1
        elif src[0] in ambiguous:
            reasons["ambiguous"] += 1
        elif (moji.key(src), moji.key(tgt)) in cannot:
            reasons["cannot-link"] += 1
        else:
            unexplained.append((name, src, tgt))
    assert unexplained == []
    assert total > 27_000
    assert sum(reasons.values()) < total * 0.05, reasons


def test_ambiguous_code_points_really_have_targets_in_several_classes() -> None:
    t = tables()
    for src, targets, reason, _mjs in t.fold_unresolved:
        if reason == "ambiguous":
            assert len({moji.key(c) for c in targets}) >= 2, (src, targets)
            assert moji.key(src) == src


def test_kana_key_rules() -> None:
    assert moji.kana_key("やまだ たろう") == "ヤマダタロウ"
    assert moji.kana_key("ﾔﾏﾀﾞ ﾀﾛｳ") == "ヤマダタロウ"
    assert moji.kana_key("キョウコ") == moji.kana_key("ｷｮｳｺ") == "キヨウコ"
    assert moji.kana_key("サトー") == moji.kana_key("サトウ") == "サトウ"
    assert moji.kana_key("ケーコ") == moji.kana_key("ケイコ") == "ケイコ"
    assert moji.kana_key("ユーコ") == "ユウコ" and moji.kana_key("マーヤ") == "マアヤ"
    assert moji.kana_key("オーノ") == "オウノ" != moji.kana_key("オオノ")  # documented trade-off
    assert moji.kana_key("ジョン・スミス") == "ジヨンスミス"
    assert moji.kana_key("ガ") != moji.kana_key("カ")  # voiced marks are kept
    assert moji.kana_key("か゛") == "ガ"
    assert moji.kana_key("ヰヱ") == "イエ"


@settings(max_examples=300, deadline=None)
@given(texts)
def test_kana_key_is_idempotent(text: str) -> None:
    k = moji.kana_key(text)
    assert moji.kana_key(k) == k


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3096), max_size=10))
def test_kana_key_of_hiragana_equals_kana_key_of_katakana(text: str) -> None:
    kata = "".join(chr(ord(c) + 0x60) for c in text)
    assert moji.kana_key(text) == moji.kana_key(kata)
