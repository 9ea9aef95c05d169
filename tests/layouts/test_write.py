"""Export: 縮退 listed for every changed value, nothing truncated, restricted items only when asked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.codes import my_number_check_digit
from jichitai.layouts import (
    Degraded,
    LayoutError,
    PartialDate,
    RawRow,
    decode_row,
    encode_row,
    load_layout,
    read_rows,
    write_rows,
)
from jichitai.layouts.write import fit
from jichitai.moji.degrade import in_target

from .strategies import JIS, ivs_sequences

DATA = Path(__file__).parent / "data"
EVERY = load_layout(DATA / "every.toml")
FIXED = load_layout(DATA / "fixed.toml")
MY_NUMBER = "12345678901" + str(my_number_check_digit("12345678901"))


@pytest.mark.parametrize("enc", ["cp932", "euc-jp"])
def test_degraded_values_are_listed(tmp_path: Path, enc: str) -> None:
    rows = [
        {"atena_no": "1", "name": "𠮷田　太郎", "banchi": "一丁目"},
        {"atena_no": "2", "name": "山田　花子"},
        {"atena_no": "3", "name": "渡邉\U000e0100", "banchi": "𠮷野町"},
    ]
    result = write_rows(tmp_path / "f.csv", EVERY, rows, encoding=enc)
    assert result.rows == 3 and result.encoding == enc
    assert result.degraded == [
        Degraded(2, "name", "𠮷田　太郎", "吉田　太郎"),
        Degraded(4, "name", "渡邉\U000e0100", "渡邉"),
        Degraded(4, "banchi", "𠮷野町", "吉野町"),
    ]
    got = [
        decode_row(r, EVERY)[0]["name"]
        for r in read_rows(tmp_path / "f.csv", EVERY)
        if isinstance(r, RawRow)
    ]
    assert got == ["吉田　太郎", "山田　花子", "渡邉"]


def test_utf8_keeps_everything(tmp_path: Path) -> None:
    result = write_rows(tmp_path / "f.csv", EVERY, [{"atena_no": "1", "name": "𠮷田\U000e0100"}])
    assert result.degraded == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(list(JIS) + ivs_sequences() + ["𠮷", "髙", "﨑", "①"]),
        min_size=1,
        max_size=8,
    )
)
def test_fit_gives_encodable_text_and_changes_only_what_it_must(chars: list[str]) -> None:
    text = "".join(chars)
    for codec in ("cp932", "euc-jp"):
        out = fit(text, codec)
        out.encode(codec)  # never raises
        if all(_encodable(c, codec) for c in chars):
            assert out == text


def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def test_fit_uses_moji_degrade() -> None:
    assert fit("𠮷", "cp932") == "吉"
    assert in_target(fit("𠮷", "euc-jp"), "jisx0208")


def test_too_long_is_an_error_not_a_truncation(tmp_path: Path) -> None:
    with pytest.raises(LayoutError) as exc:
        write_rows(
            tmp_path / "f.dat", FIXED, [{"atena_no": "1", "name": "あ" * 21}], encoding="cp932"
        )
    assert (
        "line 1, name" in str(exc.value)
        and "42 bytes" in str(exc.value)
        and "切り詰めません" in str(exc.value)
    )
    with pytest.raises(LayoutError, match="41 characters"):
        write_rows(tmp_path / "f.csv", EVERY, [{"atena_no": "1", "name": "あ" * 41}])


def test_restricted_needs_the_flag(tmp_path: Path) -> None:
    row = {"atena_no": "1", "my_number": MY_NUMBER}
    write_rows(tmp_path / "a.csv", EVERY, [row])
    write_rows(tmp_path / "b.csv", EVERY, [row], include_restricted=True)
    (a,) = read_rows(tmp_path / "a.csv", EVERY)
    (b,) = read_rows(tmp_path / "b.csv", EVERY)
    assert isinstance(a, RawRow) and isinstance(b, RawRow)
    assert a.values["my_number"] == "" and b.values["my_number"] == MY_NUMBER


def test_encode_row_derives_flags_text_and_era() -> None:
    raw = encode_row({"atena_no": "1", "birth_date": dt.date(2019, 5, 1)}, EVERY)
    assert (raw["birth_date"], raw["birth_unknown"], raw["birth_era"]) == ("2019-05-01", "0", "5")
    raw = encode_row(
        {"atena_no": "1", "birth_date": PartialDate(1955, None, None, "昭和30年月日不詳")}, EVERY
    )
    assert (raw["birth_date"], raw["birth_unknown"], raw["birth_unknown_text"]) == (
        "1955-00-00",
        "1",
        "昭和30年月日不詳",
    )
    raw = encode_row(
        {"atena_no": "1", "birth_date": dt.date(2019, 5, 1), "birth_era": "平成"}, EVERY
    )
    assert raw["birth_era"] == "4"  # a value the caller gives is written as given
    assert encode_row({}, EVERY) == {it.key: "" for it in EVERY.items}


def test_fixed_width_layout_bytes(tmp_path: Path) -> None:
    row = {
        "atena_no": "12",
        "name": "甲野",
        "sex": "F",
        "birth_date": dt.date(1980, 5, 1),
        "members": 3,
    }
    write_rows(tmp_path / "f.dat", FIXED, [row], encoding="cp932", newline="\n")
    data = tmp_path.joinpath("f.dat").read_bytes()
    assert data == (
        b"0000000012"
        + "甲野".encode("cp932")
        + b" " * 36
        + b"2"
        + b"3550501"
        + b"   "
        + b" " * 8
        + b" " * 11
        + b"003\n"
    )


def test_an_ivs_sequence_counts_as_one_character(tmp_path: Path) -> None:
    ivs = ivs_sequences(1)[0]
    name = ivs * 40  # 80 code points, 40 characters: fits a 40-character item
    write_rows(tmp_path / "f.csv", EVERY, [{"atena_no": "1", "name": name}])
    (row,) = read_rows(tmp_path / "f.csv", EVERY)
    assert isinstance(row, RawRow)
    values, problems = decode_row(row, EVERY)
    assert problems == [] and values["name"] == name
    with pytest.raises(LayoutError, match="41 characters"):
        write_rows(tmp_path / "g.csv", EVERY, [{"atena_no": "1", "name": name + ivs}])


def test_fixed_width_refuses_a_line_break(tmp_path: Path) -> None:
    with pytest.raises(LayoutError, match="line break"):
        write_rows(
            tmp_path / "f.dat", FIXED, [{"atena_no": "1", "name": "一\n二"}], encoding="cp932"
        )
