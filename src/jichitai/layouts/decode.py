"""`decode_row`: a raw row's values as Python values, with every problem of the row.

Text is kept as written except for private-use 外字, which the migration's 外字対応表 (``gaiji``)
replaces; an unmapped private-use character, or one that is in neither MJ nor the standard sets,
is a problem naming its code point (the importer sends it to the 外字同定 worklist).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

from jichitai import wareki
from jichitai.moji import MojiError, canonical, validate
from jichitai.moji.chars import is_private_use, split
from jichitai.moji.gaiji import GaijiTable, normalise_code
from jichitai.moji.tables import tables

from .model import Item, Layout, PartialDate, Problem, RawRow
from .values import ValueProblem, char_count, decoder

_MJ = re.compile(r"^MJ\d{6}$")
_UNKNOWN_RULES = frozenset({"not-in-font", "unregistered-selector", "lone-selector"})
_known_cache: dict[str, bool] = {}
_prepared: list[tuple[object, dict[str, str]]] = []


def _vendor_key(code: str) -> str:
    c = normalise_code(code)
    if c[:2].lower() == "0x":
        return "0x" + c[2:].upper()
    return c


def prepare_gaiji(gaiji: Mapping[str, str] | GaijiTable | None) -> dict[str, str]:
    """The 外字対応表 as {code: replacement text}; accepts a mapping or a `jichitai.moji` GaijiTable.

    Codes are "U+E000" (private-use code point) or the vendor's byte code "0xF040"; a value is the
    replacement text or an MJ文字図形名 ("MJ012345"), which becomes its canonical character. The
    last mapping prepared is kept (by identity): pass a new object after changing one.
    """
    if not gaiji:
        return {}
    for obj, done in _prepared:
        if obj is gaiji:
            return done
    pairs = (
        [(r.code, r.mj) for r in gaiji.rows]
        if isinstance(gaiji, GaijiTable)
        else list(gaiji.items())
    )
    done = {_vendor_key(k): _replacement(k, v) for k, v in pairs}
    _prepared[:] = [(gaiji, done)]
    return done


def _replacement(code: str, value: str) -> str:
    if not _MJ.match(value):
        return value
    try:
        return canonical(value)
    except MojiError as exc:
        raise ValueError(
            f"外字対応表 {code}: {value} は使えません / gaiji map {code}: {value} cannot be used ({exc})"
        ) from None


def _is_known(ch: str) -> bool:
    """The character is in MJ or in the standard sets (no 外字同定 needed)."""
    if ch.isascii():
        return True  # ASCII, control characters included, is never 外字
    hit = _known_cache.get(ch)
    if hit is None:
        t = tables()
        hit = ch in t.by_char or ch in t.x0208_set
        if not hit:
            hit = all(v.rule not in _UNKNOWN_RULES for v in validate(ch))
        if len(_known_cache) < 100_000:
            _known_cache[ch] = hit
    return hit


def _source_code(ch: str, encoding: str) -> str | None:
    if encoding not in ("cp932", "euc-jp"):
        return None
    try:
        return "0x" + ch.encode(encoding).hex().upper()
    except UnicodeEncodeError:
        return None


class _Row:
    """The row being decoded, so problems can name file, line and column."""

    def __init__(self, row: RawRow) -> None:
        self.row = row
        self.problems: list[Problem] = []

    def problem(self, it: Item, rule: str, value: str, ja: str, en: str) -> None:
        r = self.row
        col = r.columns.get(it.key)
        where_ja = f"{r.line}行目 「{it.name}」"
        where_en = f"line {r.line}, {it.key}"
        self.problems.append(
            Problem(
                r.file,
                r.line,
                col,
                it.name,
                it.key,
                rule,
                value,
                f"{where_ja}: {ja}",
                f"{where_en}: {en}",
            )
        )


_safe: list[frozenset[str]] = []


def _safe_chars() -> frozenset[str]:
    """Single code points that need no 外字 handling: MJ characters and JIS X 0208 (not private use)."""
    if not _safe:
        t = tables()
        known = {c for c in t.by_char if len(c) == 1} | {c for c in t.x0208_set if len(c) == 1}
        _safe.append(frozenset(c for c in known if not is_private_use(c)))
    return _safe[0]


def _text(ctx: _Row, it: Item, raw: str, gaiji: dict[str, str]) -> str:
    """Private-use 外字 replaced through the 外字対応表; unmapped and unknown characters reported."""
    out: list[str] = []
    for _, ch in split(raw):
        base = ch[0]
        if is_private_use(base):
            code = f"U+{ord(base):04X}"
            vendor = _source_code(base, ctx.row.encoding)
            rep = gaiji.get(code)
            if rep is None and vendor is not None:
                rep = gaiji.get(vendor) or gaiji.get(vendor[2:])
            if rep is None:
                shown = f"{code}" + (f" ({vendor})" if vendor else "")
                ctx.problem(
                    it,
                    "gaiji.unmapped",
                    raw,
                    f"外字 {shown} が外字対応表にありません。外字同定が必要です",
                    f"private-use character {shown} is not in the gaiji map; identify it",
                )
                out.append(ch)
                continue
            out.append(rep + ch[1:] if len(ch) > 1 and len(rep) == 1 else rep)
            continue
        if not _is_known(ch):
            cps = " ".join(f"U+{ord(c):04X}" for c in ch)
            ctx.problem(
                it,
                "gaiji.unknown",
                raw,
                f"「{ch}」({cps}) は文字情報基盤(MJ)にも標準の文字集合にもありません",
                f"{ch!r} ({cps}) is in neither MJ nor the standard character sets",
            )
        out.append(ch)
    return "".join(out)


def _length(ctx: _Row, it: Item, raw: str) -> None:
    n = char_count(raw)
    if n > it.length:
        ctx.problem(
            it,
            "length",
            raw,
            f"{n} 文字あります(最大 {it.length} 文字)",
            f"{n} characters, at most {it.length}",
        )


Plan = list[tuple[Item, Callable[[str], object] | None, int]]
_plans: dict[int, tuple[Layout, Plan]] = {}


def _plan(layout: Layout) -> Plan:
    """Per item: its decoder (None for text) and the CSV length limit (0: none)."""
    hit = _plans.get(id(layout))
    if hit is not None and hit[0] is layout:
        return hit[1]
    csv = layout.format == "csv"
    plan: Plan = [
        (it, None if it.type == "text" else decoder(it, layout), it.length if csv else 0)
        for it in layout.items
    ]
    if len(_plans) > 16:
        _plans.clear()
    _plans[id(layout)] = (layout, plan)
    return plan


def _index(layout: Layout) -> dict[str, int]:
    """Item key → its place in the plan (the first item of a key, as ``raw.get`` found it)."""
    hit = _indexes.get(id(layout))
    if hit is not None and hit[0] is layout:
        return hit[1]
    index: dict[str, int] = {}
    for i, it in enumerate(layout.items):
        index.setdefault(it.key, i)
    if len(_indexes) > 16:
        _indexes.clear()
    _indexes[id(layout)] = (layout, index)
    return index


_indexes: dict[int, tuple[Layout, dict[str, int]]] = {}


def _partial(values: dict[str, object], it: Item) -> object:
    parts = values.get(it.key)
    flag = values.get(it.unknown_flag) is True
    text = values.get(it.unknown_text) or ""
    if parts is None and not flag and not text:
        return None
    y, m, d = parts if isinstance(parts, tuple) else (None, None, None)
    if not flag and not text and y and m and d:
        return dt.date(y, m, d)
    return PartialDate(y, m, d, str(text))


def _check_era(ctx: _Row, layout: Layout, values: dict[str, object], it: Item) -> None:
    d, era = values.get(it.key), values.get(it.era)
    if not isinstance(d, dt.date) or not era:
        return
    actual = wareki.era_of(d)
    if actual is None or actual[0] == era:
        return
    for old, new in zip(wareki.ERA_TABLE, wareki.ERA_TABLE[1:], strict=False):
        if new.shared_first_day and d == new.start and era == old.name:
            return  # 明治45年7月30日 and 大正15年12月25日 are days of both eras
    era_item = layout.item(it.era)
    ctx.problem(
        era_item,
        "era",
        str(ctx.row.values.get(it.era, "")),
        f"「{it.name}」{d.isoformat()} は{wareki.wareki(d)}で、元号は{actual[0]}です({era}ではありません)",
        f"{it.key} {d.isoformat()} is in era {actual[0]} ({wareki.wareki(d)}), not {era}",
    )


def decode_row(
    row: RawRow, layout: Layout, *, gaiji: Mapping[str, str] | GaijiTable | None = None
) -> tuple[dict[str, object], list[Problem]]:
    """The row's values per item key (None when empty) and its problems, in item order."""
    ctx = _Row(row)
    table = prepare_gaiji(gaiji)
    plan, index = _plan(layout), _index(layout)
    values: dict[str, object] = dict.fromkeys(index)
    safe = _safe_chars()
    # only the items the row gives, in item order (most of a row's items are empty)
    given = sorted((index[k], v) for k, v in row.values.items() if v and k in index)
    for i, v in given:
        it, fn, limit = plan[i]
        if limit and len(v) > limit:
            _length(ctx, it, v)
        if fn is None:
            values[it.key] = v if v.isascii() or safe.issuperset(v) else _text(ctx, it, v, table)
            continue
        try:
            values[it.key] = fn(v)
        except ValueProblem as exc:
            ctx.problem(it, exc.rule, v, exc.message_ja, exc.message_en)
            values[it.key] = None
    for it in layout.linked_items:
        if it.type == "partial_date":
            values[it.key] = _partial(values, it)
        if it.era:
            _check_era(ctx, layout, values, it)
    for it in layout.required_items:
        absent = bool(row.columns) and it.key not in row.columns  # the header said so already
        if values[it.key] is None and not absent and not any(p.key == it.key for p in ctx.problems):
            ctx.problem(it, "required", "", "必須項目が空です", "required item is empty")
    return values, ctx.problems
