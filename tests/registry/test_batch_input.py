"""The [1340] change CSVs are read whatever they hold: rows written are the rows read, and anything
else is a ``RegistryError`` or a line's own problem — never a crash (property-based)."""

from __future__ import annotations

import csv
import io

from hypothesis import example, given, settings
from hypothesis import strategies as st

from jichitai.registry.batch import renumbering_input as rin
from jichitai.registry.errors import RegistryError

numbers = st.from_regex(r"[0-9]{10}", fullmatch=True)
codes = st.from_regex(r"[0-9]{3}", fullmatch=True)
banchi = st.builds(lambda a, b: f"{a}番{b}号", st.integers(1, 999), st.integers(1, 99))
honseki = st.builds(lambda n: f"テスト県甲村{n}番地", st.integers(1, 9999))


def _write(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(numbers, codes, banchi, codes, banchi),
        min_size=1,
        max_size=20,
        unique_by=lambda r: r[0],
    )
)
def test_address_rows_written_are_the_rows_read(rows: list[tuple[str, ...]]) -> None:
    header = [
        "変更後番地",
        "世帯番号",
        "変更前町字コード",
        "変更前番地",
        "変更後町字コード",
    ]  # any column order
    text = "\ufeff" + _write(header, [[r[4], r[0], r[1], r[2], r[3]] for r in rows])
    read = rin.parse(text)
    assert [
        (r.household_no, r.from_town, r.from_banchi, r.to_town, r.to_banchi) for r in read
    ] == list(rows)
    assert all(not r.problem and r.to_katagaki is None for r in read)
    assert not rin.is_honseki(text)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(numbers, honseki, honseki), min_size=1, max_size=20, unique_by=lambda r: r[0]
    )
)
def test_honseki_rows_written_are_the_rows_read(rows: list[tuple[str, str, str]]) -> None:
    text = _write(["宛名番号", "変更前本籍", "変更後本籍"], [list(r) for r in rows])
    assert rin.is_honseki(text)
    read = rin.parse_honseki(text)
    assert [(r.atena_no, r.from_honseki, r.to_honseki) for r in read] == list(rows)
    assert [r.group for r in read] == [(r[1],) for r in rows]


@settings(max_examples=200, deadline=None)
@example("\r0")  # a lone CR once crashed the reader
@example('"世帯番号\n')
@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_never_a_crash(text: str) -> None:
    for parse in (rin.parse, rin.parse_honseki):
        try:
            rows = parse(text)
        except RegistryError as exc:
            assert exc.violations and all(v.message for v in exc.violations)
            continue
        assert all(isinstance(r.problem, str) for r in rows)


def test_a_full_width_banchi_is_read_as_stored_and_a_kanji_numeral_is_named() -> None:
    text = "世帯番号,変更前町字コード,変更前番地,変更後町字コード,変更後番地\n1,001,１番地２,001,三番\n"
    (row,) = rin.parse(text)
    assert row.from_banchi == "1番地2" and "算用数字" in row.problem
