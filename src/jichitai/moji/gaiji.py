"""Legacy 外字 (vendor private-use characters): mapping tables, conversion, and the 外字同定 worklist.

A mapping table says which MJ文字図形名 a vendor's private code is, who decided it, when, and on what
evidence. This module validates and applies such tables and ranks candidates for a person to
confirm; it never decides a mapping itself, and it never stores decisions (the Django app does, with
its audit log). Unmapped codes are always returned, never dropped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .chars import is_private_use, split
from .errors import GaijiMapError, GaijiTableError, NoCandidateCriteriaError
from .keys import kana_key, key
from .tables import index, tables

HEADER = ("vendor", "code", "mj", "decided_by", "decided_at", "evidence")
_CODE_UCS = re.compile(r"^U\+(E[0-9A-F]{3}|F[0-8][0-9A-F]{2}|F[0-9A-F]{4}|10[0-9A-F]{4})$")
_CODE_VENDOR = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_+\-.:]{0,31}$")
_MJ = re.compile(r"^MJ\d{6}$")


@dataclass(frozen=True)
class GaijiMapping:
    """One row of a 外字対応表: vendor code → MJ文字図形名, with who/when/why."""

    vendor: str
    code: str  # "U+E000" for a private-use code point, else the vendor's own code ("0xF040")
    mj: str
    decided_by: str
    decided_at: str  # ISO 8601 date or date-time
    evidence: str
    line: int = 0


@dataclass(frozen=True)
class GaijiDecision:
    """外字同定の決定: a person confirmed that (vendor, code) is ``mj``. Storage and audit live in Django."""

    vendor: str
    code: str
    mj: str
    decided_by: str
    decided_at: str
    evidence: str


@dataclass(frozen=True)
class GaijiTable:
    rows: tuple[GaijiMapping, ...]

    def lookup(self, vendor: str, code: str) -> GaijiMapping | None:
        code = normalise_code(code)
        for r in self.rows:
            if r.vendor == vendor and r.code == code:
                return r
        return None

    def for_vendor(self, vendor: str) -> dict[str, GaijiMapping]:
        return {r.code: r for r in self.rows if r.vendor == vendor}


def normalise_code(code: str) -> str:
    """``u+e000`` / ``U+E000`` → ``U+E000``; vendor codes are kept as written."""
    c = code.strip()
    return c.upper() if c[:2].upper() == "U+" else c


def _iso(s: str) -> bool:
    try:
        if len(s) == 10:
            date.fromisoformat(s)
        else:
            datetime.fromisoformat(s)
    except ValueError:
        return False
    return True


def _check_row(line: int, row: dict[str, str]) -> list[GaijiMapError]:
    errs: list[GaijiMapError] = []

    def err(fld: str, rule: str, ja: str, en: str) -> None:
        errs.append(GaijiMapError(line, fld, rule, ja, en))

    for fld in HEADER:
        if not (row.get(fld) or "").strip():
            err(fld, "required", "値がありません", "value is required")
    code = normalise_code(row.get("code") or "")
    if code and code.startswith("U+") and not _CODE_UCS.match(code):
        err(
            "code",
            "private-use",
            f"{code} は私用領域の符号位置ではありません",
            f"{code} is not a private-use code point",
        )
    elif code and not code.startswith("U+") and not _CODE_VENDOR.match(code):
        err(
            "code",
            "vendor-code",
            f"ベンダーコード {code!r} の形式が不正です",
            f"vendor code {code!r} is malformed",
        )
    mj = (row.get("mj") or "").strip()
    if mj and not _MJ.match(mj):
        err(
            "mj",
            "mj-format",
            f"{mj} は MJ文字図形名の形式 (MJ000000) ではありません",
            f"{mj} is not an MJ glyph name (MJ000000)",
        )
    elif mj and mj not in tables().by_name:
        err(
            "mj", "mj-unknown", f"{mj} は文字情報一覧表にありません", f"{mj} is not in the MJ table"
        )
    elif mj and not tables().canonical(tables().by_name[mj]):
        err(
            "mj",
            "mj-no-code-point",
            f"{mj} には符号位置がありません(欠番・重複字形)",
            f"{mj} has no code point (withdrawn or duplicate glyph)",
        )
    at = (row.get("decided_at") or "").strip()
    if at and not _iso(at):
        err(
            "decided_at",
            "iso8601",
            f"{at!r} は ISO 8601 の日付・日時ではありません",
            f"{at!r} is not an ISO 8601 date or date-time",
        )
    return errs


def validate_gaiji_table(text: str) -> tuple[list[GaijiMapping], list[GaijiMapError]]:
    """Parse a 外字対応表 CSV; return the good rows and every error (line 1 is the header)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != HEADER:
        return [], [
            GaijiMapError(
                1,
                "header",
                "header",
                f"見出し行は {','.join(HEADER)} でなければなりません",
                f"the header must be {','.join(HEADER)}",
            )
        ]
    rows: list[GaijiMapping] = []
    errors: list[GaijiMapError] = []
    seen: dict[tuple[str, str], int] = {}
    for n, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(HEADER):
            errors.append(
                GaijiMapError(
                    n,
                    "row",
                    "columns",
                    f"列の数が {len(values)} です({len(HEADER)} 列必要)",
                    f"{len(values)} columns, expected {len(HEADER)}",
                )
            )
            continue
        row = dict(zip(HEADER, values, strict=True))
        errs = _check_row(n, row)
        k = (row["vendor"].strip(), normalise_code(row["code"]))
        if k in seen:
            errs.append(
                GaijiMapError(
                    n,
                    "code",
                    "duplicate",
                    f"{k[0]} {k[1]} は {seen[k]} 行目と重複しています",
                    f"{k[0]} {k[1]} duplicates line {seen[k]}",
                )
            )
        seen.setdefault(k, n)
        if errs:
            errors.extend(errs)
            continue
        rows.append(
            GaijiMapping(
                k[0],
                k[1],
                row["mj"].strip(),
                row["decided_by"].strip(),
                row["decided_at"].strip(),
                row["evidence"].strip(),
                n,
            )
        )
    return rows, errors


def load_gaiji_table(source: str | Path) -> GaijiTable:
    """Read and validate a 外字対応表 (a path, or the CSV text). Raises `GaijiTableError` with all errors."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    rows, errors = validate_gaiji_table(text)
    if errors:
        raise GaijiTableError(errors)
    return GaijiTable(tuple(rows))


def dump_gaiji_table(table: GaijiTable) -> str:
    """The table as CSV text (the same format `load_gaiji_table` reads), sorted by vendor and code."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for r in sorted(table.rows, key=lambda r: (r.vendor, r.code)):
        w.writerow([r.vendor, r.code, r.mj, r.decided_by, r.decided_at, r.evidence])
    return buf.getvalue()


def apply_decision(table: GaijiTable, decision: GaijiDecision) -> GaijiTable:
    """A new table with the decision added or replacing the earlier one for the same (vendor, code)."""
    code = normalise_code(decision.code)
    errs = _check_row(0, {**decision.__dict__, "code": code})
    if errs:
        raise GaijiTableError(errs)
    new = GaijiMapping(
        decision.vendor.strip(),
        code,
        decision.mj.strip(),
        decision.decided_by,
        decision.decided_at,
        decision.evidence,
    )
    kept = tuple(r for r in table.rows if (r.vendor, r.code) != (new.vendor, new.code))
    return GaijiTable((*kept, new))


@dataclass(frozen=True)
class Unmapped:
    index: int
    code: str  # "U+E000"


@dataclass(frozen=True)
class LegacyConversion:
    text: str
    unmapped: tuple[Unmapped, ...]
    converted: tuple[tuple[int, str, str], ...]  # (index, code, MJ)


def convert_legacy(
    text: str, table: GaijiTable, vendor: str, *, placeholder: str | None = None
) -> LegacyConversion:
    """Replace the vendor's private-use characters by their MJ form; list every unmapped one.

    Unmapped characters stay as they were (or become ``placeholder``) and are listed with their index.
    """
    from .chars import canonical

    mapping = table.for_vendor(vendor)
    out: list[str] = []
    unmapped: list[Unmapped] = []
    converted: list[tuple[int, str, str]] = []
    for i, ch in split(text):
        if not is_private_use(ch[0]):
            out.append(ch)
            continue
        code = f"U+{ord(ch[0]):04X}"
        m = mapping.get(code)
        if m is None:
            unmapped.append(Unmapped(i, code))
            out.append(ch if placeholder is None else placeholder)
            continue
        out.append(canonical(m.mj))
        converted.append((i, code, m.mj))
    return LegacyConversion("".join(out), tuple(unmapped), tuple(converted))


# 外字同定 worklist -------------------------------------------------------------------------------

# Evidence weights. A base character linked by a "same character" rule is the strongest hint; a
# reading alone matches hundreds of characters, so it only orders among otherwise equal ones.
W_SAME_BASE = 6  # an IVS glyph of the vendor's base character
W_FOLD = 5  # same matching key, or a JIS包摂/戸籍/告示582 表一 link to the base character
W_LINK = 3  # any other 縮退マップ link (辞書, 類推, 類字, 俗字, 別字)
W_READING = 2
W_RADICAL = 2
W_STROKES = 2
W_STROKES_NEAR = 1


@dataclass(frozen=True)
class Candidate:
    mj: str
    char: str | None
    score: int
    reasons: tuple[str, ...]


def candidates(
    reading: str | None = None,
    radical: int | None = None,
    strokes: int | None = None,
    base_char: str | None = None,
    limit: int = 20,
    inner_strokes: int | None = None,
) -> list[Candidate]:
    """外字同定候補: MJ characters ranked by the evidence given (reading, 部首 number, 総画数/内画数,
    a vendor-supplied base character). A person confirms; see `GaijiDecision`."""
    if (
        reading is None
        and radical is None
        and strokes is None
        and base_char is None
        and inner_strokes is None
    ):
        raise NoCandidateCriteriaError()
    t, ix = tables(), index()
    score: dict[int, int] = {}
    why: dict[int, list[str]] = {}

    def add(i: int, w: int, reason: str) -> None:
        if reason in why.get(i, ()):
            return
        score[i] = score.get(i, 0) + w
        why.setdefault(i, []).append(reason)

    if base_char:
        b = base_char[0]
        bkey = key(b)
        for i, c in enumerate(t.ucs):
            canon = c or t.ivs[i].split(";")[0]
            if not canon:
                continue
            if canon[0] == b:
                add(i, W_SAME_BASE, "same-base")
            elif key(canon[0]) == bkey:
                add(i, W_FOLD, "same-key")
        fold_kinds = {ix.link_kinds.index(k) for k in ("jis", "koseki", "kokuji1")}
        for mi, target, kind in ix.links:
            if target == b or key(target) == bkey:
                add(mi, W_FOLD if kind in fold_kinds else W_LINK, f"link:{ix.link_kinds[kind]}")
    if reading:
        want = kana_key(reading)
        for i, joined in enumerate(ix.readings):
            if joined and want in {kana_key(r) for r in joined.split(" ")}:
                add(i, W_READING, "reading")
    if radical is not None or inner_strokes is not None:
        for i, rs in enumerate(ix.rsindex):
            for k in range(0, len(rs), 2):
                rad_ok = radical is None or rs[k] == radical
                inner_ok = inner_strokes is None or rs[k + 1] == inner_strokes
                if rad_ok and radical is not None:
                    add(i, W_RADICAL, "radical")
                if rad_ok and inner_ok and inner_strokes is not None:
                    add(i, W_STROKES, "inner-strokes")
    if strokes is not None:
        for i, s in enumerate(t.strokes):
            if s == strokes:
                add(i, W_STROKES, "strokes")
            elif s and abs(s - strokes) == 1:
                add(i, W_STROKES_NEAR, "strokes±1")
    ranked = sorted(score, key=lambda i: (-score[i], t.num[i]))[:limit]
    return [Candidate(t.name(i), t.canonical(i) or None, score[i], tuple(why[i])) for i in ranked]


def decisions_to_table(decisions: Iterable[GaijiDecision]) -> GaijiTable:
    """Fold a sequence of decisions (oldest first) into a table; the latest decision per code wins."""
    table = GaijiTable(())
    for d in decisions:
        table = apply_decision(table, d)
    return table


__all__ = [
    "Candidate",
    "GaijiDecision",
    "GaijiMapping",
    "GaijiTable",
    "LegacyConversion",
    "Unmapped",
    "apply_decision",
    "candidates",
    "convert_legacy",
    "decisions_to_table",
    "dump_gaiji_table",
    "load_gaiji_table",
    "validate_gaiji_table",
]
