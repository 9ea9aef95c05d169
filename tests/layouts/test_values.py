"""Per-type codecs: decode(encode(v)) == v, encode(decode(raw)) == the normalised raw, and the rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.layouts import Item, PartialDate, load_layout
from jichitai.layouts.values import (
    ValueProblem,
    decode_partial,
    decode_value,
    encode_partial,
    encode_value,
    half_width,
)

from .strategies import (
    JIS,
    any_dates,
    digits,
    lg_codes,
    meiji_on,
    my_numbers,
    resident_codes,
    times,
)

DATA = Path(__file__).parent / "data"
LAYOUT = load_layout(DATA / "every.toml")
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def item(type_: str, **kw: object) -> Item:
    return Item(no=1, name="項目", key="k", type=type_, **kw)  # type: ignore[arg-type]


@given(st.text(min_size=1))
def test_text_is_kept_exactly(s: str) -> None:
    it = item("text")
    assert decode_value(it, encode_value(it, s)) == s
    assert encode_value(it, decode_value(it, s)) == s


@given(st.text(JIS, min_size=1))
def test_full_width_digits_stay_in_text(s: str) -> None:
    assert decode_value(item("text"), s.translate(FULL)) == s.translate(FULL)


@given(digits(10))
def test_code_round_trip_and_full_width_digits(code: str) -> None:
    it = item("code", length=10, pad="0")
    assert decode_value(it, encode_value(it, code)) == code
    assert decode_value(it, code.translate(FULL)) == code
    short = code.lstrip("0") or "0"
    assert decode_value(it, short) == code  # zero-padded on import
    assert encode_value(it, decode_value(it, "　" + short.translate(FULL))) == code


@given(st.sampled_from(["1", "2", "１", "２"]))
def test_code_table_maps_to_internal_value_and_back(raw: str) -> None:
    it = LAYOUT.item("sex")
    value = decode_value(it, raw, LAYOUT)
    assert value == {"1": "M", "2": "F"}[half_width(raw)]
    assert encode_value(it, value, LAYOUT) == half_width(raw)


def test_code_table_lookups() -> None:
    table = LAYOUT.codes("zokugara")
    assert table.value_of("01") == "head" and table.value_of("1") == "head"
    assert table.code_of("child") == "11" and table.label_of("11") == "子"
    assert table.value_of("99") is None and table.code_of("nobody") is None


def test_unknown_code_names_table_and_value() -> None:
    with pytest.raises(ValueProblem) as exc:
        decode_value(LAYOUT.item("relation"), "99", LAYOUT)
    assert exc.value.rule == "code.unknown"
    assert "zokugara" in exc.value.message_en and "'99'" in exc.value.message_en
    assert "続柄" in exc.value.message_ja


@given(lg_codes, my_numbers, resident_codes)
def test_check_digits_accept_valid_codes(lg: str, mn: str, rc: str) -> None:
    assert decode_value(item("code", check="lg_code"), lg) == lg
    assert decode_value(item("code", check="my_number"), mn) == mn
    assert decode_value(item("code", check="resident_code"), rc) == rc
    assert decode_value(item("code", check="my_number"), mn.translate(FULL)) == mn


@given(my_numbers, st.integers(1, 9))
def test_check_digit_catches_a_changed_last_digit(mn: str, delta: int) -> None:
    bad = mn[:11] + str((int(mn[11]) + delta) % 10)
    with pytest.raises(ValueProblem) as exc:
        decode_value(item("code", check="my_number"), bad)
    assert exc.value.rule == "checkdigit"


@given(digits(9))
def test_m11_check(body: str) -> None:
    total = sum(int(ch) * ((n - 1) % 6 + 2) for n, ch in enumerate(reversed(body), 1)) % 11
    good = body + str(0 if total <= 1 else 11 - total)
    it = item("code", check="m11")
    assert decode_value(it, good) == good
    with pytest.raises(ValueProblem):
        decode_value(it, good[:-1] + str((int(good[-1]) + 1) % 10))


@given(any_dates, st.sampled_from([10, 8]))
def test_date_round_trip(d: dt.date, length: int) -> None:
    it = item("date", length=length)
    raw = encode_value(it, d)
    assert decode_value(it, raw) == d
    for form in (
        d.isoformat(),
        d.strftime("%Y%m%d"),
        d.strftime("%Y/%m/%d"),
        d.isoformat().translate(FULL),
    ):
        assert encode_value(it, decode_value(it, form)) == raw


@pytest.mark.parametrize(
    "raw", ["2024-02-30", "2024-13-01", "24-01-01", "令和6年4月1日", "2024.4.1", "x"]
)
def test_bad_date(raw: str) -> None:
    with pytest.raises(ValueProblem) as exc:
        decode_value(item("date", length=10), raw)
    assert exc.value.rule == "type.date"


@given(meiji_on, st.sampled_from([7, 9, 20]))
def test_wareki_round_trip(d: dt.date, length: int) -> None:
    it = item("wareki_date", length=length)
    raw = encode_value(it, d)
    assert decode_value(it, raw) == d


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("令和6年4月1日", dt.date(2024, 4, 1)),
        ("R06.04.01", dt.date(2024, 4, 1)),
        ("Ｒ６．４．１", dt.date(2024, 4, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("5060401", dt.date(2024, 4, 1)),
        ("3551231", dt.date(1980, 12, 31)),
        ("H31.04.30", dt.date(2019, 4, 30)),
    ],
)
def test_wareki_forms(raw: str, expected: dt.date) -> None:
    assert decode_value(item("wareki_date", length=20), raw) == expected


def test_wareki_after_the_era_ended_names_the_new_era() -> None:
    with pytest.raises(ValueProblem) as exc:
        decode_value(item("wareki_date", length=20), "平成31年5月1日")
    assert exc.value.rule == "era"
    assert "令和元年5月1日" in exc.value.message_ja
    assert "令和元年5月1日" in exc.value.message_en and "2019-05-01" in exc.value.message_en


@given(st.sampled_from(["明治", "大正", "昭和", "平成", "令和"]), st.sampled_from([1, 2]))
def test_era_round_trip(name: str, length: int) -> None:
    it = item("era", length=length)
    raw = encode_value(it, name)
    assert len(raw) == length and decode_value(it, raw) == name


def test_era_codes_follow_layouts_md() -> None:
    it = item("era", length=1)
    assert [decode_value(it, c) for c in "12345"] == ["明治", "大正", "昭和", "平成", "令和"]
    assert decode_value(item("era", length=2), "04") == "平成"
    with pytest.raises(ValueProblem) as exc:
        decode_value(it, "9")
    assert exc.value.rule == "era"


parts = st.tuples(
    st.integers(1, 9999) | st.none(), st.integers(1, 12) | st.none(), st.integers(1, 28) | st.none()
)


@given(parts, st.sampled_from([8, 10]))
def test_partial_date_round_trip(p: tuple[int | None, int | None, int | None], length: int) -> None:
    it = item("partial_date", length=length)
    pd = PartialDate(*p, text="")
    raw = encode_partial(it, pd)
    if p == (None, None, None):
        assert raw == ""
    else:
        assert decode_partial(raw) == p


def test_partial_date_forms() -> None:
    assert decode_partial("1980-05-00") == (1980, 5, None)
    assert decode_partial("19800000") == (1980, None, None)
    assert decode_partial("1980-05") == (1980, 5, None)
    assert decode_partial("１９８０") == (1980, None, None)
    for bad in ("1980-13-00", "1980-02-30", "80-5"):
        with pytest.raises(ValueProblem):
            decode_partial(bad)


@given(st.booleans())
def test_flag_round_trip(b: bool) -> None:
    it = item("flag", length=1)
    assert decode_value(it, encode_value(it, b)) is b
    assert decode_value(it, "１") is True


def test_bad_flag() -> None:
    with pytest.raises(ValueProblem) as exc:
        decode_value(item("flag"), "2")
    assert exc.value.rule == "type.flag"


@given(st.integers(-(10**9), 10**9))
def test_number_round_trip(n: int) -> None:
    it = item("number", length=12)
    assert decode_value(it, encode_value(it, n)) == n
    assert decode_value(it, str(n).translate(FULL)) == n


@given(st.integers(0, 999))
def test_padded_number(n: int) -> None:
    it = item("number", length=3, pad="0")
    raw = encode_value(it, n)
    assert len(raw) == 3 and decode_value(it, raw) == n


def test_bad_number() -> None:
    with pytest.raises(ValueProblem) as exc:
        decode_value(item("number"), "1,234")
    assert exc.value.rule == "type.number"


@given(times, st.sampled_from([6, 8]))
def test_time_round_trip(t: dt.time, length: int) -> None:
    it = item("time", length=length)
    raw = encode_value(it, t)
    assert len(raw) == length and decode_value(it, raw) == t


def test_bad_time() -> None:
    with pytest.raises(ValueProblem) as exc:
        decode_value(item("time"), "25:00:00")
    assert exc.value.rule == "type.time"


@pytest.mark.parametrize(
    "t", ["code", "date", "wareki_date", "era", "partial_date", "flag", "number", "time"]
)
def test_blank_is_none(t: str) -> None:
    assert decode_value(item(t), "") is None
    assert decode_value(item(t), " 　") is None
    assert encode_value(item(t), None) == ""


@given(meiji_on, st.sampled_from([7, 8]))
def test_wareki_code_form_round_trip(d: dt.date, length: int) -> None:
    it = item("wareki_date", length=length)
    raw = encode_value(it, d)
    assert len(raw) == length and raw.isdigit() and decode_value(it, raw) == d


def test_wareki_code_form_with_unknown_parts_and_no_date() -> None:
    it = item("wareki_date", length=8)
    assert decode_value(it, "04020102") == dt.date(1990, 1, 2)
    assert decode_value(it, "03550000") == PartialDate(1980, None, None, "")
    assert decode_value(it, "03550500") == PartialDate(1980, 5, None, "")
    assert encode_value(it, PartialDate(1980, 5, None, "")) == "03550500"
    assert decode_value(it, "00000000") is None
    with pytest.raises(ValueProblem):
        decode_value(it, "03551300")


@given(st.integers(1873, 2099), st.integers(1, 12) | st.none())
def test_wareki_partial_round_trip(year: int, month: int | None) -> None:
    it = item("wareki_date", length=8)
    pd = PartialDate(year, month, None, "")
    assert decode_value(it, encode_value(it, pd)) == pd
