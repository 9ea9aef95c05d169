"""Access to ../shared/data/mj for the table-driven tests (skipped with a reason when it is absent)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

SHARED_MJ = Path(__file__).resolve().parents[3] / "shared" / "data" / "mj"
NO_SHARED = "../shared/data/mj is absent: table-driven tests need the source CSVs"


def need_shared() -> Path:
    if not (SHARED_MJ / "mji.csv").exists():
        pytest.skip(NO_SHARED)
    return SHARED_MJ


def rows(name: str) -> Iterator[dict[str, str]]:
    with (need_shared() / name).open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


@cache
def shrink_rows() -> list[dict[str, str]]:
    return list(rows("mj_shrink_map.csv"))


@cache
def mji_rows() -> list[dict[str, str]]:
    return list(rows("mji.csv"))


def cp(u: str) -> str:
    return chr(int(u.removeprefix("U+"), 16))
