"""縮退 (degrade) text for systems that can only show JIS X 0213 or JIS X 0208.

MJ → JIS X 0213 via the MJSU unique map, then JIS X 0213 → JIS X 0208 via the 国税庁 map. Every
changed character and every character that could not be degraded is reported: this module must never
change or drop a character silently, and never use a matching-key fold (戸籍 正字) for display.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from .chars import SVS_LAST, is_selector, split
from .errors import UnknownTargetError
from .tables import Tables, tables

Target = Literal["jisx0213", "jisx0208"]
GETA = "〓"  # JIS X 0208 1-02-14, the conventional mark for "a character that cannot be shown"


@dataclass(frozen=True)
class Change:
    """One character replaced: where (index in the input), from what, to what, and by which rule."""

    index: int
    original: str
    replacement: str
    # "mjsu", "moji-joho+mjsu", "drop-selector", "nfkc", "nta-similar", "nta-string", "nta-code"
    rule: str


@dataclass(frozen=True)
class Failure:
    """One character with no way into the target set; it became ``replacement`` in the text."""

    index: int
    original: str
    replacement: str
    reason: str  # "no-mapping", "nta-empty"


@dataclass(frozen=True)
class DegradeResult:
    text: str
    target: str
    changes: tuple[Change, ...] = field(default=())
    failures: tuple[Failure, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.failures


def _to_0213(t: Tables, ch: str) -> tuple[str, str] | None:
    """(replacement, rule) for one character not yet in JIS X 0213, or None."""
    base = ch[0]
    sel = next((c for c in ch[1:] if is_selector(c)), None)
    plain = ch.replace(sel, "") if sel else ch
    rule = "mjsu"
    i: int | None
    if sel is not None:
        i = t.by_seq.get(base + sel)
        if i is None and ord(sel) > SVS_LAST:
            other = t.ivd_other.get(base + sel)
            if other is not None and other[2]:
                i = t.by_name[other[3]]
                rule = "moji-joho+mjsu"
        if i is not None and t.mjsu[i]:
            return t.mjsu[i], rule
        if plain in t.x0213_set:
            return plain, "drop-selector"
        ch = plain
    i = t.by_char.get(ch)
    if i is not None and t.mjsu[i]:
        return t.mjsu[i], "mjsu"
    if ch in t.nta_similar:
        return t.nta_similar[ch], "nta-similar"
    n = unicodedata.normalize("NFKC", ch)
    if n != ch and all(c in t.x0213_set for c in n):
        return n, "nfkc"
    return None


def _to_0208(t: Tables, ch: str) -> tuple[str, str] | None:
    row = t.nta(ch)
    if row is None:
        return None
    if row.string:  # NTA: 文字列変換 first, then コード変換
        return row.string, "nta-string"
    if row.code:
        return row.code, "nta-code"
    return None


def degrade(text: str, to: str = "jisx0208", *, placeholder: str | None = GETA) -> DegradeResult:
    """縮退: ``text`` in the target set, with every change and failure listed.

    A failed character becomes ``placeholder`` (〓), or stays as it was when ``placeholder`` is None;
    either way it is in ``failures``.
    """
    if to not in ("jisx0213", "jisx0208"):
        raise UnknownTargetError(to)
    t = tables()
    out: list[str] = []
    changes: list[Change] = []
    failures: list[Failure] = []
    for i, ch in split(text):
        cur, rules = ch, []
        if cur not in t.x0213_set:
            hit = _to_0213(t, cur)
            if hit is None:
                rep = ch if placeholder is None else placeholder
                failures.append(Failure(i, ch, rep, "no-mapping"))
                out.append(rep)
                continue
            cur = hit[0]
            rules.append(hit[1])
        if to == "jisx0208":
            parts: list[str] = []
            for c in split_pairs(cur):
                if c in t.x0208_set:
                    parts.append(c)
                    continue
                hit = _to_0208(t, c)
                if hit is None:
                    parts = []
                    break
                parts.append(hit[0])
                rules.append(hit[1])
            if not parts:
                rep = ch if placeholder is None else placeholder
                failures.append(Failure(i, ch, rep, "nta-empty"))
                out.append(rep)
                continue
            cur = "".join(parts)
        if cur != ch:
            changes.append(Change(i, ch, cur, "+".join(dict.fromkeys(rules)) or "mjsu"))
        out.append(cur)
    return DegradeResult("".join(out), to, tuple(changes), tuple(failures))


def split_pairs(s: str) -> list[str]:
    """Split a degraded string into JIS characters (か゚ is one JIS X 0213 character of two code points)."""
    return [c for _, c in split(s)]


def in_target(text: str, to: str) -> bool:
    """Every character of ``text`` is in the target set (the property `degrade` guarantees)."""
    t = tables()
    s = t.x0213_set if to == "jisx0213" else t.x0208_set
    return all(c in s for c in split_pairs(text))
