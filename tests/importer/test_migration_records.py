"""Pure parts of the register side of a migration: the content hash, the 異動事由 spellings, items."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.importer.migration import content_sha256
from jichitai.importer.migration_check import reason_kinds
from jichitai.importer.records import Source, full_person, person_defaults
from jichitai.registry import reasons
from jichitai.registry.models import EventKind

from .registers import registers


@settings(max_examples=30, deadline=None)
@given(records=registers(), shuffle=st.randoms(use_true_random=False), shift=st.integers(1, 500))
def test_content_hash_ignores_order_and_file_positions_but_not_items(
    records: list, shuffle: random.Random, shift: int
) -> None:
    if not records:
        return
    moved = [
        dataclasses.replace(
            r,
            source=Source("other.csv", r.source.line + shift),
            history=tuple(
                dataclasses.replace(e, source=Source("other.csv", e.source.line + shift))
                for e in r.history
            ),
        )
        for r in records
    ]
    shuffle.shuffle(moved)
    assert content_sha256(moved) == content_sha256(records)
    first = records[0]
    entry = first.history[-1]
    changed = dataclasses.replace(entry, person={**entry.person, "given_name": "変"})
    other = [dataclasses.replace(first, history=(*first.history[:-1], changed)), *records[1:]]
    assert content_sha256(other) != content_sha256(records)


def test_every_reason_spelling_maps_to_an_event_kind() -> None:
    kinds = reason_kinds()
    assert all(kinds[k] == k for k in EventKind.values)
    for reason in reasons.KIND_REASONS.values():
        assert (
            reasons.KIND_REASONS[kinds[reason.code]] == reason
            or kinds[reason.code] in reasons.SUB_REASONS
        )
        assert kinds[reason.label] == kinds[reason.code]
    assert kinds["転居"] == "move_within" and kinds["E03"] == "birth" and kinds["死亡"] == "death"
    assert "転居取消" not in kinds


def test_full_person_fills_every_item_and_reads_iso_dates() -> None:
    person = full_person(
        {"family_name": "山田", "birth_date": "1990-01-02", "atena_no": "x", "unknown": 1}
    )
    assert set(person) == set(person_defaults())
    assert person["birth_date"] == dt.date(1990, 1, 2) and person["status"] == "resident"
    assert (
        "atena_no" not in person
        and "unknown" not in person
        and person["name_kana_confirmed"] is False
    )


def test_a_partial_date_becomes_the_registers_date_precision_and_text() -> None:
    @dataclasses.dataclass(frozen=True)
    class PartialDate:  # the shape of jichitai.layouts.PartialDate
        year: int | None
        month: int | None
        day: int | None
        text: str

    person = full_person(
        {"birth_date": PartialDate(1931, 4, None, "昭和6年4月日不詳"), "member_order": 3}
    )
    assert (person["birth_date"], person["birth_date_precision"]) == (dt.date(1931, 4, 1), "month")
    assert person["birth_date_text"] == "昭和6年4月日不詳" and person["member_order"] == "3"
    whole = full_person({"birth_date": PartialDate(1990, 1, 2, "")})
    assert (whole["birth_date"], whole["birth_date_precision"], whole["birth_date_text"]) == (
        dt.date(1990, 1, 2),
        "day",
        "",
    )
    year_only = full_person({"removed_on": PartialDate(2001, None, None, "平成13年月日不詳")})
    assert (year_only["removed_on"], year_only["removed_on_text"]) == (
        dt.date(2001, 1, 1),
        "平成13年月日不詳",
    )


@settings(max_examples=200, deadline=None)
@given(groups=st.lists(st.integers(1, 4), max_size=40), size=st.integers(1, 7))
def test_export_chunks_never_split_one_atena_numbers_residence_records(
    groups: list[int], size: int
) -> None:
    """The export reads persons a chunk at a time; a 宛名番号 with several 住民票 (帰化・国籍喪失)
    stays in one chunk, so its records can be joined into one history."""
    from unittest import mock

    from jichitai.importer import migration_export

    ids = [(pk, f"{n:012d}") for pk, n in enumerate(n for n, k in enumerate(groups) for _ in range(k))]
    with mock.patch.object(migration_export, "CHUNK", size):
        chunks = list(migration_export._chunks(ids))
    assert [pk for c in chunks for pk in c] == [pk for pk, _ in ids]
    atena = dict(ids)
    seen: set[str] = set()
    for c in chunks:
        here = {atena[pk] for pk in c}
        assert not here & seen
        seen |= here
    assert all(len(c) >= size for c in chunks[:-1])
