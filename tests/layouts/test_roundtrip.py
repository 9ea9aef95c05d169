"""write_rows → read_rows → decode_row gives back the values, for every encoding, format and newline."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai import wareki
from jichitai.layouts import (
    PartialDate,
    Problem,
    RawRow,
    decode_row,
    encode_row,
    load_layout,
    read_rows,
    write_rows,
)

from .strategies import digits, japanese_text, lg_codes, meiji_on, my_numbers, resident_codes, times

DATA = Path(__file__).parent / "data"
EVERY = load_layout(DATA / "every.toml")
FIXED = load_layout(DATA / "fixed.toml")
FIXED16 = load_layout(DATA / "fixed16.toml")
ENCODINGS = ["utf-8", "utf-8-sig", "cp932", "euc-jp", "utf-16"]
UNICODE = ("utf-8", "utf-8-sig", "utf-16")

partial = st.builds(
    PartialDate,
    st.integers(1873, 2099) | st.none(),
    st.integers(1, 12) | st.none(),
    st.integers(1, 28) | st.none(),
    st.sampled_from(["", "昭和30年月日不詳", "推定平成2年3月"]),
)


def every_row(enc: str) -> st.SearchStrategy[dict[str, object]]:
    text = japanese_text(ivs=enc in UNICODE, csv=True)
    maybe = lambda s: s | st.none()  # noqa: E731
    return st.fixed_dictionaries(
        {
            "atena_no": digits(10),
            "municipality_code": maybe(lg_codes),
            "name": text,
            "sex": maybe(st.sampled_from(["M", "F"])),
            "relation": maybe(st.sampled_from(["head", "spouse", "child"])),
            "birth_date": maybe(meiji_on | partial),
            "became_resident_on": maybe(meiji_on),
            "reported_on": maybe(meiji_on),
            "members": maybe(st.integers(0, 999)),
            "operated_at": maybe(times),
            "my_number": maybe(my_numbers),
            "banchi": maybe(text),
        }
    )


def fixed_row(enc: str) -> st.SearchStrategy[dict[str, object]]:
    return st.fixed_dictionaries(
        {
            "atena_no": digits(10),
            "name": japanese_text(ivs=enc in UNICODE, csv=False, max_size=5),
            "sex": st.sampled_from(["M", "F"]),
            "birth_date": meiji_on,
            "moved_on": st.dates(dt.date(1900, 1, 1), dt.date(2099, 1, 1)) | st.none(),
            "resident_code": resident_codes | st.none(),
            "members": st.integers(0, 999),
        }
    )


def _expected(row: dict[str, object]) -> dict[str, object]:
    """What decoding gives: the derived 元号 and 不詳 items, and "" text as None."""
    out = dict(row)
    bd = row.get("birth_date")
    out["birth_unknown"] = None if bd is None else isinstance(bd, PartialDate)
    out["birth_unknown_text"] = (bd.text or None) if isinstance(bd, PartialDate) else None
    era = wareki.era_of(bd) if isinstance(bd, dt.date) else None
    out["birth_era"] = era[0] if era else None
    return out


def _round_trip(layout, rows, enc: str, newline: str, told: str | None):  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.dat"
        result = write_rows(
            path, layout, rows, encoding=enc, include_restricted=True, newline=newline
        )
        assert result.rows == len(rows) and result.degraded == []
        data = path.read_bytes()
        got = list(read_rows(path, layout, encoding=told))
    return data, got


@pytest.mark.parametrize("enc", ENCODINGS)
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_csv_round_trip(enc: str, newline: str, data: st.DataObject) -> None:
    rows = data.draw(st.lists(every_row(enc), min_size=1, max_size=4))
    told = data.draw(st.sampled_from([None, enc]))
    raw, got = _round_trip(EVERY, rows, enc, newline, told)
    codec = {"utf-16": "utf-16-le", "utf-8-sig": "utf-8"}.get(enc, enc)
    assert raw.count(newline.encode(codec)) >= len(rows) + 1
    assert not [p for p in got if isinstance(p, Problem)]
    assert len(got) == len(rows)
    for row, rr in zip(rows, got, strict=True):
        assert isinstance(rr, RawRow)
        values, problems = decode_row(rr, EVERY)
        assert problems == []
        assert values == _expected(row)
        assert encode_row(values, EVERY) == encode_row(row, EVERY)  # the file's text, normalised


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "cp932", "euc-jp"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fixed_round_trip(enc: str, newline: str, data: st.DataObject) -> None:
    rows = data.draw(st.lists(fixed_row(enc), min_size=1, max_size=4))
    raw, got = _round_trip(FIXED, rows, enc, newline, data.draw(st.sampled_from([None, enc])))
    assert not [p for p in got if isinstance(p, Problem)]
    for row, rr in zip(rows, got, strict=True):
        assert isinstance(rr, RawRow)
        values, problems = decode_row(rr, FIXED)
        assert problems == [] and values == row
    if enc in ("cp932", "euc-jp", "utf-8"):
        line = newline.encode()
        assert all(
            len(r) == FIXED.record_bytes for r in raw.removeprefix(b"\xef\xbb\xbf").split(line)[:-1]
        )


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_fixed_utf16_round_trip(newline: str, data: st.DataObject) -> None:
    row = st.fixed_dictionaries(
        {
            "atena_no": digits(10),
            "name": japanese_text(ivs=True, csv=False, max_size=5),
            "birth_date": meiji_on | st.none(),
        }
    )
    rows = data.draw(st.lists(row, min_size=1, max_size=4))
    raw, got = _round_trip(
        FIXED16, rows, "utf-16", newline, data.draw(st.sampled_from([None, "utf-16"]))
    )
    assert raw.startswith(b"\xff\xfe")
    assert [decode_row(rr, FIXED16) for rr in got] == [(row, []) for row in rows]


@settings(max_examples=20, deadline=None)
@given(every_row("utf-8"))
def test_restricted_items_are_written_empty_unless_asked(row: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        write_rows(path, EVERY, [row])
        (rr,) = list(read_rows(path, EVERY))
    assert isinstance(rr, RawRow) and rr.values["my_number"] == ""


def test_header_lists_the_japanese_names_with_crlf(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    write_rows(path, EVERY, [{"atena_no": "1", "name": "甲野　太郎"}], encoding="cp932")
    head, first, rest = path.read_bytes().split(b"\r\n")
    assert head.decode("cp932").split(",")[:3] == ["宛名番号", "市区町村コード", "氏名"]
    assert first.decode("cp932").startswith("0000000001,,甲野　太郎,")
    assert rest == b""
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


FULL = str.maketrans("0123456789-/:", "０１２３４５６７８９－／：")


@settings(max_examples=40, deadline=None)
@given(every_row("utf-8"), st.data())
def test_encode_of_decode_is_the_normalised_raw(
    row: dict[str, object], data: st.DataObject
) -> None:
    """A vendor's spelling (full-width digits, short codes, YYYY/MM/DD) reads as the normal form."""
    normal = encode_row(row, EVERY)
    messy = dict(normal)
    for key in ("atena_no", "members", "became_resident_on", "operated_at", "municipality_code"):
        if messy[key] and data.draw(st.booleans()):
            messy[key] = messy[key].translate(FULL)
    if data.draw(st.booleans()):
        messy["atena_no"] = messy["atena_no"].lstrip("0") or "0"
    if messy["became_resident_on"] and data.draw(st.booleans()):
        messy["became_resident_on"] = normal["became_resident_on"].replace("-", "/")
    columns = {it.key: n for n, it in enumerate(EVERY.items, start=1)}
    values, problems = decode_row(RawRow("f.csv", 2, messy, "utf-8", columns), EVERY)
    assert problems == []
    assert encode_row(values, EVERY) == normal


def test_read_rows_streams(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    write_rows(path, EVERY, ({"atena_no": str(i), "name": "甲"} for i in range(1, 2001)))
    rows = read_rows(path, EVERY)
    first = next(rows)
    assert (
        isinstance(first, RawRow) and first.line == 2 and first.values["atena_no"] == "0000000001"
    )
    assert sum(1 for _ in rows) == 1999
