"""Our claim per item (``map/chNN.toml``, one file per chapter) and the checks that keep claims
honest."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .standard import Item

MAP = Path(__file__).with_name("map")

#: what a claim may say, by the item's level; the ones in NEEDS_TEST need a test naming the item
STATUSES = {
    "must": {"implemented", "partial", "planned", "not_binding"},
    "optional": {"implemented", "partial", "planned", "not_binding"},
    "must_not": {"proven", "not_applicable"},
}
NEEDS_TEST = {"implemented", "proven"}
NEEDS_REASON = {"partial", "planned", "not_binding", "not_applicable"}


@dataclass(frozen=True)
class Claim:
    status: str
    reason: str = ""
    reading: str = ""


class DuplicateClaim(ValueError):
    """One item claimed in two files: which claim holds would depend on file order."""


def load(path: Path = MAP) -> dict[str, Claim]:
    """Every claim of the ``*.toml`` files in ``path`` (or of the one file ``path``)."""
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    out: dict[str, Claim] = {}
    where: dict[str, str] = {}
    for f in files:
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        for key, v in data.get("items", {}).items():
            if key in out:
                raise DuplicateClaim(f"{f.name}: {key} は {where[key]} でも主張されています / "
                                     f"{key} is also claimed in {where[key]}")
            out[key] = Claim(str(v.get("status", "")), str(v.get("reason", "")), str(v.get("reading", "")))
            where[key] = f.name
    return out


def problems(standard: dict[str, Item], claims: dict[str, Claim],
             tests: dict[str, list[str]]) -> list[str]:
    """Everything that makes the conformance report untrue (Japanese and English)."""
    out = []
    for key, where in sorted(tests.items()):
        if key not in standard:
            out.append(f"{where[0]}: 標準仕様書にない項目 {key!r} / names an item the standard does not have")
    for key, claim in sorted(claims.items()):
        item = standard.get(key)
        if item is None:
            out.append(f"map: 標準仕様書にない項目 {key!r} / unknown item")
            continue
        if claim.status not in STATUSES[item.level]:
            out.append(f"map {key}: {item.level} の項目に状態 {claim.status!r} は使えません / "
                       f"status not allowed for a {item.level} item")
        if claim.status in NEEDS_TEST and not tests.get(key):
            out.append(f"map {key}: {claim.status} ですが証明するテストがありません / "
                       "claimed without a test naming it")
        if claim.status in NEEDS_REASON and not claim.reason.strip():
            out.append(f"map {key}: {claim.status} には理由が必要です / a reason is required")
    return out
