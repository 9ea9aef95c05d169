"""Whatever the bytes, reading reports problems and never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.layouts import Problem, RawRow, decode_row, load_layout, read_rows

DATA = Path(__file__).parent / "data"
LAYOUTS = [load_layout(DATA / "every.toml"), load_layout(DATA / "fixed.toml")]
HEADER = ",".join(it.name for it in LAYOUTS[0].items).encode("utf-8") + b"\r\n"

pieces = st.sampled_from(
    [
        b",",
        b'"',
        b"\r\n",
        b"\n",
        b"\xf0\x40",
        b"\x82\xa0",
        b"\xa4\xa2",
        b"\xff",
        b"\x00",
        b"1",
        b"2024-02-30",
        "平成31年5月1日".encode(),
        b" ",
        b"\xef\xbb\xbf",
        b"\xe3\x80\x80",
    ]
)
files = st.lists(pieces | st.binary(max_size=8), max_size=60).map(b"".join)


@settings(max_examples=150, deadline=None)
@given(
    files,
    st.sampled_from([None, "utf-8", "cp932", "euc-jp", "utf-16"]),
    st.sampled_from([0, 1]),
    st.booleans(),
)
def test_read_and_decode_never_raise(
    data: bytes, encoding: str | None, which: int, header: bool
) -> None:
    layout = LAYOUTS[which]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f"
        path.write_bytes((HEADER if header and which == 0 else b"") + data)
        for got in read_rows(path, layout, encoding=encoding):
            assert isinstance(got, (RawRow, Problem))
            if isinstance(got, RawRow):
                values, problems = decode_row(got, layout)
                assert set(values) == {it.key for it in layout.items}
                assert all(p.line == got.line and p.message_ja and p.message_en for p in problems)
            else:
                assert got.rule in ("encoding", "columns", "header") and got.line >= 1
