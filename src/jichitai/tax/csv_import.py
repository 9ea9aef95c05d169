"""The 課税 system's file (docs/tax.md 「取込ファイル」): CSV, UTF-8 (BOM or not) or CP932, header in
Japanese. All or nothing: every error of the file is reported (file, line, column, rule, Japanese
and English) and nothing is stored unless there is none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from jichitai.registry.selectors.taxpayers import ids_by_atena

from .models import AMOUNT_FIELDS, Source
from .rules import STATUS_BY_LABEL, AmountError, check, normalize_amount
from .services import store

ATENA, STATUS = "宛名番号", "課税区分"
HEADER = (ATENA, STATUS, *(label for _, label in AMOUNT_FIELDS))
FIELD_OF = {label: f for f, label in AMOUNT_FIELDS}


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    column: str
    rule: str
    ja: str
    en: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: {self.column or '-'}"
        return f"{where}: エラー [{self.rule}] {self.ja} / {self.en}"


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    atena: str
    status: str
    amounts: dict[str, int | None]
    valid: bool  # False: the row has errors of its own (it is still checked for 宛名番号)


def decode(data: bytes) -> str | None:
    """UTF-8 (a BOM dropped), else CP932; None when it is neither."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse(data: bytes, name: str) -> tuple[list[_Row], list[RowError]]:
    """The rows and every error of the file's own content (no database)."""

    def err(line: int, column: str, rule: str, ja: str, en: str) -> None:
        errors.append(RowError(name, line, column, rule, ja, en))

    errors: list[RowError] = []
    text = decode(data)
    if text is None:
        err(
            1,
            "",
            "encoding",
            "文字コードが UTF-8 でも CP932 でもありません",
            "the file is neither UTF-8 nor CP932",
        )
        return [], errors
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [h for h in HEADER if h not in header]
    for h in missing:
        err(1, h, "header_missing", f"見出し「{h}」がありません", f"missing column {h!r}")
    for h in header:
        if h not in HEADER or header.count(h) > 1:
            err(
                1,
                h,
                "header_unknown",
                f"見出し「{h}」は使えません（不明または重複）",
                f"unknown or repeated column {h!r}",
            )
    if errors:
        return [], errors
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            err(
                line,
                "",
                "columns",
                f"項目数が見出しと違います（{len(values)}項目、見出しは{len(header)}項目）",
                f"{len(values)} values for {len(header)} columns",
            )
            continue
        row = _row(dict(zip(header, values, strict=True)), line, lambda *a, ln=line: err(ln, *a))
        if not row.atena:
            continue
        if row.atena in seen:
            err(
                line,
                ATENA,
                "duplicate",
                f"宛名番号 {row.atena} は{seen[row.atena]}行目と重複しています",
                f"宛名番号 {row.atena} repeats line {seen[row.atena]}",
            )
            continue
        seen[row.atena] = line
        rows.append(row)
    return rows, errors


def _row(cells: dict[str, str], line: int, err: Any) -> _Row:
    ok = True
    atena = cells[ATENA].strip()
    if not atena:
        err(ATENA, "required", "宛名番号がありません", "宛名番号 is required")
        ok = False
    status = STATUS_BY_LABEL.get(cells[STATUS].strip())
    if status is None:
        err(
            STATUS,
            "status",
            "課税区分は 課税・非課税・未申告 のいずれかです",
            "課税区分 must be 課税, 非課税 or 未申告",
        )
        ok = False
    amounts: dict[str, int | None] = {}
    for label, f in FIELD_OF.items():
        try:
            amounts[f] = normalize_amount(cells[label])
        except AmountError as exc:
            err(label, exc.rule, exc.ja, exc.en)
            ok = False
    if ok and status is not None:
        for p in check(status, amounts):
            err(p.field, p.rule, p.ja, p.en)
            ok = False
    return _Row(line, atena, status or "", amounts, ok)


def _order(e: RowError) -> tuple[int, int]:
    return e.line, HEADER.index(e.column) if e.column in HEADER else -1


def import_file(path: Path, fiscal_year: int, data: bytes | None = None) -> ImportResult:
    """Check the whole file, then store every row as a new version (in one transaction), or
    nothing. Run inside the municipality's unit of work."""
    name = path.name
    rows, errors = parse(path.read_bytes() if data is None else data, name)
    ids = ids_by_atena([r.atena for r in rows])
    for r in rows:
        if r.atena not in ids:
            errors.append(
                RowError(
                    name,
                    r.line,
                    ATENA,
                    "unknown_person",
                    f"宛名番号 {r.atena} の住民が住民記録にありません",
                    f"no person with 宛名番号 {r.atena} in the register",
                )
            )
    if errors:
        return ImportResult(0, sorted(errors, key=_order))
    with transaction.atomic():
        for r in rows:
            store(
                ids[r.atena],
                fiscal_year,
                r.status,
                r.amounts,
                staff=None,
                reason=f"取込（{name}）",
                source=Source.IMPORTED,
                file_name=name,
            )
    return ImportResult(len(rows), [])
