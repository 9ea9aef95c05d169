"""588 synthetic names in variant forms (names.csv): key, 縮退 to 0213/0208, and kana key.

The expected values in names.csv were written per component from the data rows (戸籍/JIS links,
MJSU, NTA JIS区分), not produced by this library.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jichitai import moji

with (Path(__file__).parent / "names.csv").open(encoding="utf-8", newline="") as f:
    NAMES = list(csv.DictReader(f))


def test_there_are_enough_names() -> None:
    assert len(NAMES) >= 200


@pytest.mark.parametrize("row", NAMES, ids=[r["name"] for r in NAMES])
def test_name(row: dict[str, str]) -> None:
    assert moji.key(row["name"]) == row["key"]
    d13 = moji.degrade(row["name"], to="jisx0213")
    d08 = moji.degrade(row["name"], to="jisx0208")
    assert (d13.text, d13.ok) == (row["jisx0213"], True)
    assert (d08.text, d08.ok) == (row["jisx0208"], True)
    assert moji.kana_key(row["kana"]) == row["kana_key"]
