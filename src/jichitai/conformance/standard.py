"""The standard's items, read from the packaged CSV."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CSV = Path(__file__).with_name("data") / "jyuki_functions.csv"
SHA256 = "60397e1c9acccc8c1e1771206a3c8aca58933609f275db3ad971bc2d5370cf27"
LEVELS = ("must", "optional", "must_not")


@dataclass(frozen=True)
class Item:
    function_id: int
    item_no: int
    level: str
    chapter: int
    section: str
    title: str
    text: str

    @property
    def key(self) -> str:
        return f"{self.function_id}#{self.item_no}"


@cache
def items() -> dict[str, Item]:
    """Every item by ``"FUNCTION#ITEM"``; refuses a CSV that is not the one transcribed."""
    raw = CSV.read_bytes()
    if hashlib.sha256(raw).hexdigest() != SHA256:
        raise ValueError(f"{CSV}: not the 第1.0版 transcription (sha256 differs)")
    out: dict[str, Item] = {}
    for row in csv.DictReader(raw.decode("utf-8").splitlines(keepends=True)):
        item = Item(int(row["function_id"]), int(row["item_no"]), row["level"],
                    int(row["section"].split(" ", 1)[0]), row["section"], row["title"], row["text"])
        out[item.key] = item
    return out
