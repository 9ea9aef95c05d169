"""Hypothesis strategies for layout values: invented Japanese text, dates, codes."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from jichitai.codes import (
    municipality_code_check_digit,
    my_number_check_digit,
    resident_code_check_digit,
)
from jichitai.moji.tables import tables

KANJI = (
    "甲乙丙丁山川田中野村本木林森高橋佐藤鈴渡辺伊東小松井上花子太郎一二三四五町字番地号区市北南西東"
)
HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3094))
KATAKANA = "".join(chr(c) for c in range(0x30A1, 0x30F7))
JIS = KANJI + HIRAGANA + KATAKANA + "　０１２３４５６７８９ＡＢＣ" + "abcXYZ019-"


def ivs_sequences(n: int = 40) -> list[str]:
    """Moji_Joho IVS sequences that MJ knows (each base + selector), from the shipped tables."""
    seqs = sorted(s for s in tables().by_seq if len(s) == 2 and ord(s[1]) >= 0xE0100)
    return seqs[:: max(1, len(seqs) // n)][:n]


def japanese_text(*, ivs: bool, csv: bool, max_size: int = 12) -> st.SearchStrategy[str]:
    pieces = st.sampled_from(list(JIS))
    if ivs:
        pieces = pieces | st.sampled_from(ivs_sequences())
    if csv:
        pieces = pieces | st.sampled_from([",", '"', "\n", " "])
    text = st.lists(pieces, min_size=1, max_size=max_size).map("".join)
    if not csv:  # fixed width trims trailing spaces
        text = text.filter(lambda s: not s.endswith((" ", "\u3000")))
    return text


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


lg_codes = digits(5).map(lambda s: s + str(municipality_code_check_digit(s)))
my_numbers = digits(11).map(lambda s: s + str(my_number_check_digit(s)))
resident_codes = digits(10).map(lambda s: s + str(resident_code_check_digit(s)))
meiji_on = st.dates(dt.date(1873, 1, 1), dt.date(2099, 12, 31))
any_dates = st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31))
times = st.times().map(lambda t: t.replace(microsecond=0))
