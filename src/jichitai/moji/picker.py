"""文字選択 ([340]#7): find an MJ character without typing it, by 読み, by 部首 + 画数, or as a 異体字
of a character one can type.

Reads only the packaged MJ artefacts (no person data). The inverted indexes (読み → rows,
部首・内画数 → rows, 異体字 class → members, base character → its IVS glyphs) are built once per
process on first use from `tables()` / `index()` and then shared read-only, so a lookup is a few dict
reads plus a sort of the hits (docs/registry-ui.md, 検索: 文字選択, for the measured times).
"""

from __future__ import annotations

import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from .keys import kana_key, key
from .tables import Tables, index, tables

MAX_RADICAL = 214
MAX_INNER = 64  # the largest 内画数 in mji_rsindex.csv is below this
MAX_READING = 20
DEFAULT_LIMIT = 60

# The 康熙字典 radicals by their own stroke count: (first radical number, strokes), for the <select>.
_RADICAL_STROKES = ((1, 1), (7, 2), (30, 3), (61, 4), (95, 5), (118, 6), (147, 7), (167, 8), (176, 9),
                    (187, 10), (195, 11), (201, 12), (205, 13), (209, 14), (211, 15), (212, 16), (214, 17))


class PickQueryError(ValueError):
    """A query the picker cannot run: ``field`` names the input, ``message`` says why (Japanese)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Pick:
    """One candidate: the string to insert, its MJ文字図形名, code points and what is known of it."""

    char: str
    mj: str
    codepoints: str  # "U+8FBA" or "U+9089 U+E010F"
    readings: str  # "ヘン ベ あたり ほとり"
    strokes: int  # 総画数 (0 where MJ has none)
    searchable: bool  # the search folds it to the same key as the character asked about


@dataclass(frozen=True)
class PickResult:
    picks: list[Pick]
    total: int  # hits before the limit
    message: str  # "" when there are picks; otherwise what to try instead


@dataclass(frozen=True)
class Radical:
    number: int
    char: str  # the radical's character (⼝ → 口)
    strokes: int  # strokes of the radical itself


class _Lookup:
    """The inverted indexes (built once; never mutated afterwards)."""

    def __init__(self) -> None:
        t, ix = tables(), index()
        self.t = t
        reading: dict[str, list[int]] = defaultdict(list)
        for i, joined in enumerate(ix.readings):
            for r in set(joined.split(" ")) if joined else ():
                reading[kana_key(r)].append(i)
        self.reading = dict(reading)
        radical: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, rs in enumerate(ix.rsindex):
            for k in range(0, len(rs), 2):
                radical[(rs[k], rs[k + 1])].append(i)
        self.radical = dict(radical)
        by_base: dict[str, list[int]] = defaultdict(list)
        for i in range(len(t)):
            c = t.canonical(i)
            if c:
                by_base[c[0]].append(i)
        self.by_base = dict(by_base)
        members: dict[str, set[str]] = defaultdict(set)
        for ch, rep in t.fold.items():
            members[rep].update((ch, rep))
        self.members = {rep: sorted(m) for rep, m in members.items()}
        self.readings = ix.readings


_lock = threading.Lock()
_lookup: _Lookup | None = None


def lookup_tables() -> _Lookup:
    """The process-wide indexes, built on first call (thread-safe)."""
    global _lookup
    if _lookup is None:
        with _lock:
            if _lookup is None:
                _lookup = _Lookup()
    return _lookup


def radicals() -> list[Radical]:
    """The 214 radicals with their characters (from the Unicode Kangxi radicals block)."""
    out = []
    for n in range(1, MAX_RADICAL + 1):
        strokes = max(s for first, s in _RADICAL_STROKES if first <= n)
        out.append(Radical(n, unicodedata.normalize("NFKC", chr(0x2F00 + n - 1)), strokes))
    return out


def _rank(t: Tables, i: int) -> tuple[int, int, int]:
    """常用漢字, then 人名用漢字, then plain code points before IVS glyphs, then MJ number."""
    policy = t.policy[i] if t.policy[i] in (1, 2) else 3
    return (policy, 0 if t.ucs[i] else 1, t.num[i])


def _pick(lk: _Lookup, i: int, asked_key: str | None) -> Pick:
    t = lk.t
    c = t.canonical(i)
    return Pick(char=c, mj=t.name(i), codepoints=" ".join(f"U+{ord(x):04X}" for x in c),
                readings=lk.readings[i], strokes=t.strokes[i] or 0,
                searchable=asked_key is not None and key(c) == asked_key)


def _by_reading(lk: _Lookup, reading: str) -> set[int]:
    text = "".join(reading.split())
    if len(text) > MAX_READING:
        raise PickQueryError("reading", f"読みは{MAX_READING}文字以内で入力してください。")
    if not all("\u3041" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f" for ch in text):
        raise PickQueryError("reading", "読みはひらがなかカタカナで入力してください（例: 辺なら「へん」「べ」）。")
    return set(lk.reading.get(kana_key(text), ()))


def _by_radical(lk: _Lookup, radical: int, inner: int | None) -> set[int]:
    if not 1 <= radical <= MAX_RADICAL:
        raise PickQueryError("radical", f"部首は一覧から選んでください（1〜{MAX_RADICAL}）。")
    if inner is not None and not 0 <= inner <= MAX_INNER:
        raise PickQueryError("strokes", f"部首以外の画数は0〜{MAX_INNER}の数字で入力してください。")
    if inner is not None:
        return set(lk.radical.get((radical, inner), ()))
    return {i for (r, _), rows in lk.radical.items() if r == radical for i in rows}


def variants(char: str) -> set[int]:
    """Every MJ row that is a 異体字 of ``char``: its fold class (what the search treats as the same
    character, 高 → 髙) and every IVS glyph of each member (邉 → 邉󠄏 …)."""
    lk = lookup_tables()
    base = char[0]
    rep = key(base) or base
    chars = lk.members.get(rep, [rep]) if len(rep) == 1 else [base]
    return {i for c in {*chars, base} for i in lk.by_base.get(c, ())}


def _parse_variant(text: str) -> str:
    chars = "".join(text.split())
    if not chars:
        raise PickQueryError("variant", "異体字を調べる文字を1文字入力してください。")
    base = chars[0]
    if not unicodedata.category(base).startswith("L"):
        raise PickQueryError("variant", "異体字を調べる文字には漢字を1文字入力してください。")
    return base


def pick(reading: str = "", radical: int | None = None, inner_strokes: int | None = None,
         variant_of: str = "", limit: int = DEFAULT_LIMIT) -> PickResult:
    """Candidates meeting every criterion given (読み, 部首 with optional 内画数, 異体字 of a character).
    Raises `PickQueryError` for input it cannot use; no criterion at all is such an input."""
    lk = lookup_tables()
    sets: list[set[int]] = []
    asked_key = None
    if reading.strip():
        sets.append(_by_reading(lk, reading))
    if radical is not None:
        sets.append(_by_radical(lk, radical, inner_strokes))
    elif inner_strokes is not None:
        raise PickQueryError("radical", "画数で探すときは部首も選んでください。")
    if variant_of.strip():
        base = _parse_variant(variant_of)
        asked_key = key(base)
        sets.append(variants(base))
    if not sets:
        raise PickQueryError("reading", "読み、部首、異体字を調べる文字のどれかを入力してください。")
    hits = set.intersection(*sets)
    hits = {i for i in hits if lk.t.canonical(i)}  # withdrawn glyphs cannot be inserted
    ranked = sorted(hits, key=lambda i: _rank(lk.t, i))
    picks = [_pick(lk, i, asked_key) for i in ranked[:limit]]
    message = ""
    if not picks:
        message = "該当する文字はありません。"
        if reading.strip() and len(kana_key("".join(reading.split()))) > 3:
            message += "読みは1文字ずつ入力してください（例:「わたなべ」の「辺」なら「へん」か「べ」）。"
    elif len(ranked) > limit:
        message = f"候補が{len(ranked)}件あります。先頭{limit}件を表示しています。部首・画数も指定すると絞り込めます。"
    return PickResult(picks, len(ranked), message)
