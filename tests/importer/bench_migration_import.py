"""One-off measurement (not collected: run the file by name with -s): import of 1,000 synthetic
residents with history through ``import_records``; prints residents/s and history rows/s."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from typing import Any

import pytest
from django.db import connection

from jichitai.importer import import_records

from .registers import RegisterBuilder, synthetic_specs

pytestmark = pytest.mark.django_db


def thousand() -> list[Any]:
    b = RegisterBuilder()
    day = dt.date(2014, 4, 1)
    households = synthetic_specs(5, 600)
    for n in itertools.count():
        if len(b.persons) >= 1000:
            break
        members = [m for m in households[n] if m["birth_date"] < "2014-04-01"][
            : 1000 - len(b.persons)
        ]
        if not members:
            continue
        members[0]["relationship"] = "世帯主"
        no = b.move_in(members, day + dt.timedelta(days=n % 300), n % 3, f"{n % 40 + 1}番地")
        if n % 3 == 0:
            b.move_within(
                no, dt.date(2019, 1, 1) + dt.timedelta(days=n % 200), (n + 1) % 3, "7番地"
            )
    return b.records()


def test_measure(office: Any, admin: Any) -> None:
    records = thousand()
    rows = sum(len(r.history) for r in records)
    import cProfile
    import os

    prof = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    start = time.perf_counter()
    if prof:
        prof.enable()
    result = import_records(records, municipality=office.municipality, staff=admin)
    seconds = time.perf_counter() - start
    if prof:
        import pstats

        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
    assert result.ok, result.problems[:3]
    print(
        f"\n{connection.vendor}: {len(records)} residents, {rows} history rows, {result.facts} facts "
        f"in {seconds:.2f} s = {len(records) / seconds:.0f} residents/s, {rows / seconds:.0f} rows/s"
    )
