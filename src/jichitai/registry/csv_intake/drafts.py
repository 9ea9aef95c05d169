"""A draft: what one group of lines pre-fills (a 異動 form or the certificate counter)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Draft:
    target: str  # "event" (a 異動 form) | "certificate" (the counter)
    kind: str  # the 異動 kind or the certificate kind
    title: str
    values: dict[str, str] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)  # person ids ticked on the form
    household: int | None = None
    rows: int = 0  # new-person rows the form needs
    lines: str = ""  # where in the file: 「2〜3行目」
    summary: str = ""  # the persons, as the file names them

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def lines_text(numbers: list[int]) -> str:
    if not numbers:
        return ""
    lo, hi = min(numbers), max(numbers)
    return f"{lo}行目" if lo == hi else f"{lo}〜{hi}行目"
