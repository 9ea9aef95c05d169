"""Encoding names and detection."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.layouts import RawRow, decode_row, load_layout, read_rows
from jichitai.layouts.encodings import EncodingNameError, canonical, detect, resolve
from jichitai.moji import load_gaiji_table

from .strategies import HIRAGANA, KANJI, KATAKANA

DATA = Path(__file__).parent / "data"
EVERY = load_layout(DATA / "every.toml")
japanese = st.text(KANJI + HIRAGANA + KATAKANA + "　", min_size=2, max_size=30)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("Shift_JIS", "cp932"),
        ("SJIS", "cp932"),
        ("MS932", "cp932"),
        ("Windows-31J", "cp932"),
        ("EUC-JP", "euc-jp"),
        ("eucJP", "euc-jp"),
        ("UTF8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("UTF-16", "utf-16"),
        ("utf-16le", "utf-16-le"),
    ],
)
def test_encoding_names(name: str, expected: str) -> None:
    assert canonical(name) == expected


def test_unknown_encoding_name() -> None:
    with pytest.raises(EncodingNameError, match="latin-1"):
        canonical("latin-1")


@given(japanese, st.text("abc,0123\r\n", max_size=10))
def test_cp932_and_euc_jp_are_told_apart(text: str, ascii_part: str) -> None:
    for enc in ("cp932", "euc-jp"):
        assert detect((ascii_part + text).encode(enc)).name == enc


@given(japanese)
def test_utf8_and_utf16_are_detected(text: str) -> None:
    assert detect(text.encode("utf-8")).name == "utf-8"
    assert detect(codecs.BOM_UTF8 + text.encode("utf-8")).name == "utf-8-sig"
    assert detect(text.encode("utf-16")).name == "utf-16-le"
    assert detect(("a," + text).encode("utf-16-le")).name == "utf-16-le"
    assert detect(("a," + text).encode("utf-16-be")).name == "utf-16-be"


def test_a_told_encoding_still_skips_the_bom() -> None:
    assert resolve(codecs.BOM_UTF8 + b"a", "utf-8").bom == codecs.BOM_UTF8
    src = resolve(codecs.BOM_UTF16_BE + "a".encode("utf-16-be"), "utf-16")
    assert (src.name, src.codec) == ("utf-16-be", "utf-16-be")


def test_a_gaiji_table_from_jichitai_moji(tmp_path: Path) -> None:
    from jichitai.moji import identify

    mj = identify("髙")[0].mj
    table = load_gaiji_table(
        "vendor,code,mj,decided_by,decided_at,evidence\n"
        f"acme,0xF040,{mj},担当者,2026-11-30,台帳の字形\n"
        f"acme,U+E001,{mj},担当者,2026-11-30,台帳の字形\n"
    )
    header = ",".join(it.name for it in EVERY.items)
    body = "1,,@@田　太郎" + "," * (len(EVERY.items) - 3)
    path = tmp_path / "f.csv"
    path.write_bytes(
        (header + "\r\n").encode("cp932") + body.encode("cp932").replace(b"@@", b"\xf0\x40")
    )
    (row,) = list(read_rows(path, EVERY))
    assert isinstance(row, RawRow)
    values, problems = decode_row(row, EVERY, gaiji=table)
    assert problems == [] and values["name"] == "髙田　太郎"


@given(
    st.text(KANJI + HIRAGANA + KATAKANA, min_size=1, max_size=3),
    st.text("0123456789 ", max_size=20),
)
def test_short_legacy_text_that_is_also_valid_utf8(text: str, padding: str) -> None:
    """「藤」 in EUC-JP (C6 A3) is valid UTF-8 (ƣ): what is no Japanese is not taken for UTF-8."""
    for enc in ("cp932", "euc-jp"):
        data = (padding + text).encode(enc)
        try:
            as_utf8 = data.decode("utf-8")
        except UnicodeDecodeError:
            as_utf8 = None
        if as_utf8 is None or not all(
            ch.isascii() or "\u3000" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff"
            for ch in as_utf8
        ):
            assert detect(data).name == enc


def test_fuji_in_euc_jp_is_not_utf8() -> None:
    assert detect("0000藤".encode("euc-jp")).name == "euc-jp"
