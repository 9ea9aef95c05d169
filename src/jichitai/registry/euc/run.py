"""EUC の抽出・分析・加工 ([1360]#2, #4): a spec (source, items, condition, analysis) read from a
form, the wizard or a JSON file, run over the EUC data source (selectors/euc_source.py).

The condition is a tree of :mod:`.expr` — written directly, or built from the wizard's rows (item,
operator, value; AND/OR) — evaluated on each row *as the staff member sees it*, so a hidden address
or a withheld item can never be probed by a condition. Analyses: 一覧 (the rows), 件数 (該当者数),
集計 (counts per value of one or more items), 合計 (sum of an expression, with the count and mean).

Online work is never blocked: a screen request reads at most :data:`ONLINE_SCAN` source rows and
returns at most :data:`ONLINE_ROWS` rows (the result says when it stopped); big extractions run in
batch with ``jichitai euc run SPEC.json --out FILE``, which streams. Every run writes one audit
entry ``read/euc`` ([1370]#1 ⑨データ抽出（EUC）) with the criteria and the row count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jichitai.accounts.capabilities import CapabilityMissing, has_capability
from jichitai.audit.recording import record

from ..selectors import euc_source
from . import catalogue
from .expr import ExprError, Node, evaluate, parse

CAPABILITY = "registry.euc"
ONLINE_SCAN = 20_000
ONLINE_ROWS = 1_000
ONLINE_HISTORY = 2_000  # history rows are folded from each person's event log: a few queries per person
MAX_CONDITIONS = 20
ANALYSES = {"rows": "一覧（該当者の情報）", "count": "件数（該当者数）", "group": "集計（項目の値ごとの件数）",
            "sum": "合計（式の値の合計・平均）"}
FORMATS = {"list": "リスト形式（画面・印刷）", "label": "宛名形式（画面・印刷）", "csv": "CSV ファイル",
           "xml": "XML ファイル", "pdf": "PDF ファイル（リスト形式）", "pdf_label": "PDF ファイル（宛名形式）"}
LABEL_FORMS = frozenset({"label", "pdf_label"})
OPERATORS = {"=": "等しい", "!=": "等しくない", "<": "より小さい（前）", "<=": "以下（以前）", ">": "より大きい（後）",
             ">=": "以上（以後）", "contains": "を含む", "blank": "空欄", "not_blank": "空欄でない"}


class EucError(ValueError):
    """Bad spec: one message per field (Japanese), never a 5xx."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors  # (field, message)
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))


@dataclass(frozen=True)
class Spec:
    source: str
    items: tuple[str, ...]
    where: Node | None = None
    criteria: str = ""  # the condition as written or built, for the log and the screen
    analysis: str = "rows"
    group_by: tuple[str, ...] = ()
    total: Node | None = None
    total_text: str = ""
    include_removed: bool = False
    base_date: dt.date | None = None
    output: str = "list"


@dataclass
class Result:
    spec: Spec
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0
    scanned: int = 0
    groups: list[tuple[tuple[Any, ...], int]] = field(default_factory=list)
    group_counts: dict[tuple[Any, ...], int] = field(default_factory=dict)
    total: Decimal | None = None
    truncated: bool = False  # stopped at the online limits: run the batch for everything
    protected_left_out: bool = False  # staff without need-to-know: protected persons are neither rows nor counted


def resolver(source: str, withheld: frozenset[str]) -> Callable[[str, int], str]:
    """Item names (データ項目名称 or key) of what ``source`` offers this staff member → keys."""
    names: dict[str, str] = {}
    for i in catalogue.offered(source, withheld):
        names[i.key] = names[i.label] = i.key

    def resolve(name: str, pos: int) -> str:
        if name in names:
            return names[name]
        if name in catalogue.BY_KEY and catalogue.withholds(name, withheld) or any(
                i.label == name and catalogue.withholds(i.key, withheld) for i in catalogue.ITEMS):
            raise ExprError(f"項目「{name}」は表示権限がないため使えません。", pos)
        raise ExprError(f"項目「{name}」はこのデータソースにありません。", pos)

    return resolve


def _quote(value: str) -> str:
    return f"「{value}」" if "」" not in value else f"'{value}'" if "'" not in value else f'"{value}"'


def conditions_text(rows: list[Mapping[str, str]], combine: str) -> str:
    """The wizard's rows as an expression (shown to the staff member and logged)."""
    parts = []
    for r in rows:
        name, op, value = f"[{catalogue.BY_KEY[r['item']].label}]", r["op"], str(r.get("value", ""))
        if op == "blank":
            parts.append(f"ISBLANK({name})")
        elif op == "not_blank":
            parts.append(f"NOT ISBLANK({name})")
        else:
            parts.append(f"{name} {op} {_quote(value)}")
    return f" {'OR' if combine == 'or' else 'AND'} ".join(parts)


def _items(data: Mapping[str, Any], name: str, source: str, withheld: frozenset[str],
           errors: list[tuple[str, str]]) -> tuple[str, ...]:
    raw = data.get(name) or ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        errors.append((name, "項目の一覧で指定してください。"))
        return ()
    resolve = resolver(source, withheld)
    out = []
    for n in raw:
        try:
            out.append(resolve(str(n).strip("[] "), 0))
        except ExprError as exc:
            errors.append((name, exc.message.split(": ", 1)[-1]))
    return tuple(dict.fromkeys(out))


def _condition(data: Mapping[str, Any], source: str, withheld: frozenset[str],
               errors: list[tuple[str, str]]) -> tuple[Node | None, str]:
    text = str(data.get("where") or "").strip()
    rows = data.get("conditions") or []
    if rows and not text:
        if not isinstance(rows, list) or len(rows) > MAX_CONDITIONS or not all(isinstance(r, Mapping) for r in rows):
            errors.append(("conditions", f"条件は{MAX_CONDITIONS}個までの（項目・演算子・値）の組で指定してください。"))
            return None, ""
        resolve = resolver(source, withheld)
        rows = [dict(r) for r in rows]
        for n, r in enumerate(rows, start=1):
            if all(q in str(r.get("value", "")) for q in ("」", "'", '"')):  # no quoting could hold it
                errors.append((f"conditions.{n}.value", f"条件{n}の値に 」 ' \" をすべて含めることはできません。"))
            try:  # an item of the source (never a piece of expression smuggled in as a name)
                r["item"] = resolve(str(r.get("item") or "").strip("[] "), 0)
            except ExprError as exc:
                errors.append((f"conditions.{n}.item", f"条件{n}: " + exc.message.split(": ", 1)[-1]))
            if r.get("op") not in OPERATORS:
                errors.append((f"conditions.{n}.op", f"条件{n}の演算子を選んでください（{', '.join(OPERATORS)}）。"))
        if errors:
            return None, ""
        text = conditions_text([{k: str(v) for k, v in r.items()} for r in rows], str(data.get("combine") or "and"))

    if not text:
        return None, ""
    try:
        return parse(text, resolver(source, withheld)), text
    except ExprError as exc:
        errors.append(("where" if data.get("where") else "conditions", exc.message))
        return None, text


def parse_spec(data: Mapping[str, Any], *, withheld: frozenset[str] = frozenset()) -> Spec:
    """A :class:`Spec` from plain data (form, wizard or JSON); every problem at once."""
    errors: list[tuple[str, str]] = []
    source = str(data.get("source") or "")
    if source not in catalogue.SOURCES:
        raise EucError([("source", f"データソースを選んでください（{', '.join(catalogue.SOURCES)}）。")])
    analysis, output = str(data.get("analysis") or "rows"), str(data.get("output") or "list")
    if analysis not in ANALYSES:
        errors.append(("analysis", f"分析の種類は {', '.join(ANALYSES)} のいずれかです。"))
    if output not in FORMATS:
        errors.append(("output", f"出力形式は {', '.join(FORMATS)} のいずれかです。"))
    items = _items(data, "items", source, withheld, errors)
    if output in LABEL_FORMS:
        items = tuple(k for k in catalogue.LABEL_ITEMS[source] if k not in withheld)
    elif analysis == "rows" and not items and not errors:
        errors.append(("items", "出力する項目を1つ以上選んでください。"))
    group_by = _items(data, "group_by", source, withheld, errors)
    if analysis == "group" and not group_by:
        errors.append(("group_by", "集計する項目を1つ以上選んでください。"))
    where, criteria = _condition(data, source, withheld, errors)
    total, total_text = None, str(data.get("total") or "").strip()
    if analysis == "sum":
        try:
            total = parse(total_text, resolver(source, withheld))
        except ExprError as exc:
            errors.append(("total", f"合計する式: {exc.message}"))
    base = data.get("base_date") or None
    if base is not None and not isinstance(base, dt.date):
        try:
            base = dt.date.fromisoformat(str(base).strip())
        except ValueError:
            errors.append(("base_date", "基準日は YYYY-MM-DD で入力してください。"))
            base = None
    if errors:
        raise EucError(errors)
    return Spec(source, items, where, criteria, analysis, group_by, total, total_text,
                bool(data.get("include_removed")), base, output)


def _source(spec: Spec, shield: euc_source.Shield) -> Iterator[dict[str, Any]]:
    if spec.source in catalogue.EXTERNAL:
        return catalogue.EXTERNAL[spec.source].rows(shield)
    if spec.source == catalogue.HISTORY:
        return euc_source.history_rows(shield, include_removed=True)
    if spec.source == catalogue.HOUSEHOLDS:
        return euc_source.household_rows(shield)
    return euc_source.person_rows(shield, include_removed=spec.include_removed)


def columns(spec: Spec) -> list[tuple[str, str]]:
    return [(k, catalogue.BY_KEY[k].label) for k in spec.items]


def stream(spec: Spec, *, staff: Any, screen: str = "EUC", limit: int | None = None,
           result: Result | None = None) -> Iterator[dict[str, Any]]:
    """The matching rows (only ``spec.items``), streamed; the audit entry is written when the
    stream ends. ``limit``: source rows read at most (online); ``result`` collects the count."""
    needed = catalogue.capability(spec.source)
    if not has_capability(staff, needed):
        raise CapabilityMissing(needed)
    result = result or Result(spec, columns(spec))
    shield = euc_source.Shield.of(staff)
    result.protected_left_out = not shield.may_see
    base = spec.base_date or euc_source.today()
    try:
        for row in _source(spec, shield):
            if limit is not None and result.scanned >= limit:
                result.truncated = True
                break
            result.scanned += 1
            if spec.where is not None and not _truth(evaluate(spec.where, row, base)):
                continue
            result.count += 1
            _analyse(spec, result, row, base)
            yield {k: row.get(k) for k in spec.items}
    finally:
        _log(spec, result, shield, screen)


def _truth(value: Any) -> bool:
    return value not in (None, "", False) and value != 0


def _analyse(spec: Spec, result: Result, row: Mapping[str, Any], base: dt.date) -> None:
    if spec.analysis == "sum" and spec.total is not None:
        value = evaluate(spec.total, row, base)
        if value not in (None, ""):
            try:
                result.total = (result.total or Decimal(0)) + Decimal(str(value))
            except ArithmeticError:
                raise ExprError(f"合計する式の値「{value}」は数値ではありません。") from None
    elif spec.analysis == "group":
        key = tuple(_show(row.get(k)) for k in spec.group_by)
        result.group_counts[key] = result.group_counts.get(key, 0) + 1


def _show(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else ("" if value is None else value)


def run(spec: Spec, *, staff: Any, screen: str = "EUC", limit: int = ONLINE_SCAN,
        max_rows: int = ONLINE_ROWS, online: bool = True) -> Result:
    """A run bounded by ``limit`` source rows and ``max_rows`` rows kept (online: the screen's
    limits, the history source's lower)."""
    result = Result(spec, columns(spec))
    if spec.source == catalogue.HISTORY and online:
        limit = min(limit, ONLINE_HISTORY)
    for row in stream(spec, staff=staff, screen=screen, limit=limit, result=result):
        if spec.analysis == "rows" and len(result.rows) < max_rows:
            result.rows.append(row)
        elif spec.analysis == "rows":
            result.truncated = True
    result.groups = sorted(result.group_counts.items(), key=lambda kv: tuple(str(v) for v in kv[0]))
    return result


def _log(spec: Spec, result: Result, shield: euc_source.Shield, screen: str) -> None:
    record("read", "euc", subject_type="euc_extraction", subject_id="-", screen=screen, function="euc",
           my_number_shown=False, detail={
               "source": spec.source, "items": list(spec.items), "criteria": spec.criteria,
               "analysis": spec.analysis, "group_by": list(spec.group_by), "total": spec.total_text,
               "include_removed": spec.include_removed, "output": spec.output,
               "base_date": spec.base_date.isoformat() if spec.base_date else None,
               "rows": result.count, "scanned": result.scanned, "truncated": result.truncated,
               "protected_excluded": len(shield.excluded), "protected_included": len(shield.alerted)})
