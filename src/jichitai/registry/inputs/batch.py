"""The batch check: every error and alert of a file of 異動者 rows, by file, line and item, before
anything is entered (一括入力・データ移行の事前確認). Nothing is read from or written to the register:
the checks that need it (suspected duplicates, numbers held by others, back-dating) run at 仮登録.

The file is CSV (UTF-8, header of item names): ``kind`` (異動事由, default move_in),
``effective_date``, ``reported_date``, ``household`` (rows with the same value are one household:
the family alerts compare them), ``banchi``, ``katagaki`` and the items of a new person
(``family_name`` … as in the API's ``persons``). Dates in 西暦 (2024-04-01) or 和暦 (令和6年4月1日).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import RegistryError, RuleViolation
from . import dates
from .catalogue import ALERT, ERROR
from .problems import InputProblem

ROW_ITEMS = ("kind", "effective_date", "reported_date", "household", "banchi", "katagaki")


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    field: str
    level: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.level} [{self.rule}] {self.message}"


def _date(value: str, field: str) -> tuple[dt.date | None, RuleViolation | None]:
    from jichitai.wareki import parse_date

    from ..labels import label

    try:
        return parse_date(value), None
    except ValueError:
        return None, RuleViolation(
            "date_format", f"{label(field)}は日付（例: 2024-04-01、令和6年4月1日）で入力してください。", field)


def _iso(value: str) -> str:
    """A 和暦 date of a person item as the request takes it (ISO); anything else as given (the
    request then names the item)."""
    from jichitai.wareki import parse_date

    try:
        found = parse_date(value)
    except ValueError:
        return value
    return found.isoformat() if found else value


def _person(row: Mapping[str, str]) -> tuple[dict[str, Any], list[RuleViolation]]:
    """The row's person as the register would store it, and its errors."""
    from .. import rules
    from ..events.messages import violations_from
    from ..events.requests import NewPerson

    given = {k: v for k, v in row.items() if k not in ROW_ITEMS and k and v is not None}
    given.setdefault("relationship", "")
    for field in ("birth_date", "residence_end_date"):
        if given.get(field):
            given[field] = _iso(given[field])
    try:
        spec = NewPerson.model_validate({k: v for k, v in given.items() if v != ""}).spec()
    except ValidationError as exc:
        shape = violations_from(exc.errors())
        taken = {v.field for v in shape}  # the row's other items are still checked, each on its own
        raw = {"resident_type": "japanese", **{k: v for k, v in given.items() if v != ""}}  # NewPerson's default
        return raw, shape + [v for v in rules.new_person_violations(raw) if v.field not in taken]
    return spec, rules.new_person_violations(spec)


def _household_items(row: Mapping[str, str]) -> list[RuleViolation]:
    from . import normalize

    out = []
    for field in ("banchi", "katagaki"):
        try:
            normalize(field, row.get(field) or "")
        except InputProblem as exc:
            out.append(RuleViolation(exc.rule, exc.message, field))
    return out


def _row(row: Mapping[str, str]) -> tuple[dict[str, Any], list[RuleViolation], dt.date | None]:
    from .. import rules

    kind = (row.get("kind") or "move_in").strip()
    effective, bad_e = _date(row.get("effective_date") or "", "effective_date")
    reported, bad_r = _date(row.get("reported_date") or "", "reported_date")
    found = [v for v in (bad_e, bad_r) if v is not None]
    if effective is not None:
        try:
            rules.require_dates(effective, reported, kind)
        except RegistryError as exc:
            found += exc.violations
        found += dates.order_violations(kind, effective, reported)
    spec, person = _person(row)
    taken = {v.field.rsplit(".", 1)[-1] for v in found + person}
    found += person
    found += [v for v in _household_items(row) if v.field not in taken]
    if effective is not None and not any(v.field.endswith("birth_date") for v in person):
        found += [RuleViolation(v.rule, v.message, "birth_date")
                  for v in dates.birth_order_violations({"r": spec}, ["r"], effective, kind)]
    return spec, found, effective


def check_rows(rows: Iterable[tuple[int, Mapping[str, str]]], file: str) -> list[Finding]:
    """Findings for ``(line, row)`` pairs: each row's errors, then each household's alerts."""
    out: list[Finding] = []
    households: dict[str, dict[int, dict[str, Any]]] = {}
    for line, row in rows:
        spec, found, effective = _row(row)
        out += [Finding(file, line, v.field.rsplit(".", 1)[-1] or "-", ERROR, v.rule, v.message) for v in found]
        if effective is not None and not found:
            out += [Finding(file, line, v.field, ALERT, v.rule, v.message)
                    for v in dates.age_alerts({line: spec}, [line], {}, effective)]
        key = (row.get("household") or "").strip()
        if key and not found:
            households.setdefault(key, {})[line] = spec
    for members in households.values():
        for v in dates.family_alerts(members, set(members), {ln: str(ln) for ln in members}):
            out.append(Finding(file, _line_of(v, members), "birth_date", ALERT, v.rule, v.message))
    return sorted(out, key=lambda f: (f.line, f.level != ERROR, f.field))


def _line_of(v: RuleViolation, members: Mapping[int, Any]) -> int:
    return int(v.field) if v.field.isdigit() else min(members)


def check_file(path: Path) -> list[Finding]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        rows = []
        for row in reader:
            rows.append((reader.line_num, {k: v for k, v in row.items() if k is not None}))
    return check_rows(rows, str(path))
