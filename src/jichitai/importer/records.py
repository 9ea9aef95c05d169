"""The register interchange record: one person with their history, as a migration file holds it.

``jichitai.layouts`` decodes a file's rows into these and encodes these back into rows; the
register side (``importer.migration``) turns them into events and reads them back out of the log.
Items use the register's field names (``registry.conventions.PERSON_FIELDS``); dates are
``datetime.date``. Pure: no Django here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Source:
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class HistoryEntry:
    seq: int  # 個人履歴番号, ascending in time
    reason: str  # the source's 異動事由 mapped to the register's reason (EventKind, E01…, or label)
    effective_on: dt.date | None  # 異動年月日 (None when 不詳)
    reported_on: dt.date | None  # 届出年月日
    person: Mapping[str, object]  # the person's items AFTER this 異動 (register field names)
    household: Mapping[
        str, object
    ]  # household_no, town_code, town_name, banchi, katagaki, postal_code
    source: Source = Source()


@dataclass(frozen=True)
class PersonRecord:
    atena_no: str
    history: tuple[HistoryEntry, ...]  # at least one; the last is the current state
    source: Source = Source()
    # 支援措置: on export, the person is under an active measure (carried in full, see docs)
    protected: bool = False


@dataclass(frozen=True)
class RecordProblem:
    """One problem of one record; the same fields as ``jichitai.layouts.Problem``."""

    file: str
    line: int
    column: int | None
    item: str
    key: str
    rule: str
    value: str
    message_ja: str
    message_en: str


@dataclass(frozen=True)
class UnmappedGaiji:
    """A character the 外字対応表 does not map: the 外字同定 worklist of this run."""

    code: str  # "U+E001"
    atena_no: str
    item: str
    text: str
    source: Source = Source()


@dataclass
class ImportResult:
    persons: int = 0
    households: int = 0
    events: int = 0
    problems: list[RecordProblem] = field(default_factory=list)
    dry_run: bool = False
    already_imported: bool = False
    run_key: str = ""
    sha256: str = ""
    facts: int = 0
    seconds: float = 0.0
    gaiji_mapped: int = 0
    gaiji_unmapped: list[UnmappedGaiji] = field(default_factory=list)
    # atena_no of persons imported with protected=True: their 支援措置 must be registered again
    protected: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def message(self) -> str:
        if self.already_imported:
            return "取込済みです（変更はありません） / already imported (nothing changed)"
        if self.problems:
            return (
                f"{len(self.problems)}件の問題があるため何も取り込んでいません / "
                f"{len(self.problems)} problem(s): nothing was written"
            )
        verb = "検証しました（書込みなし）" if self.dry_run else "取り込みました"
        verb_en = "validated (nothing written)" if self.dry_run else "imported"
        return (
            f"{self.persons}人・{self.households}世帯を{verb} / {self.persons} persons, "
            f"{self.households} households {verb_en}"
        )


# -- the items of a record ------------------------------------------------------------------------

HOUSEHOLD_ITEMS = ("household_no", "town_code", "town_name", "banchi", "katagaki", "postal_code")
# what a person mapping never holds: the structure (the household and the number are the record's)
NOT_PERSON_ITEMS = frozenset({"household_id", "atena_no"})


@functools.cache
def person_items() -> tuple[str, ...]:
    from jichitai.registry.conventions import PERSON_FIELDS

    return tuple(f for f in PERSON_FIELDS if f not in NOT_PERSON_ITEMS)


@functools.cache
def _defaults() -> MappingProxyType[str, Any]:
    from jichitai.registry.conventions import BOOL_FIELDS, DATE_FIELDS

    out: dict[str, Any] = {}
    for f in person_items():
        out[f] = False if f in BOOL_FIELDS else None if f in DATE_FIELDS else ""
    out["birth_date_precision"] = "day"
    out["status"] = "resident"
    return MappingProxyType(out)


def person_defaults() -> dict[str, Any]:
    """Every person item's empty value: "" for text, None for dates, False for flags."""
    return dict(_defaults())


@functools.cache
def _text_items() -> frozenset[str]:
    return frozenset(k for k, v in _defaults().items() if isinstance(v, str))


def full_person(person: Mapping[str, object]) -> dict[str, Any]:
    """A person mapping with every item (the empty value where the record says nothing); dates
    given as ISO text become dates. The form both sides of a round trip compare."""
    from jichitai.registry.conventions import DATE_FIELDS

    out = dict(_defaults())
    texts = _text_items()
    partial: dict[str, Any] = {}
    for k, v in person.items():
        if v is None or k not in out or k in NOT_PERSON_ITEMS:
            continue
        if k in DATE_FIELDS:
            if isinstance(v, str):
                v = dt.date.fromisoformat(v) if v else None
            elif _is_partial(v):
                partial[k] = v
                continue
        elif k in texts and isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        if v is not None:
            out[k] = v
    for k, v in partial.items():
        _partial_date(out, k, v)
    return out


def _is_partial(value: object) -> bool:
    """A ``jichitai.layouts.PartialDate`` (duck-typed: this module imports no codec)."""
    return all(hasattr(value, a) for a in ("year", "month", "day", "text")) and not isinstance(
        value, dt.date
    )


def _partial_date(out: dict[str, Any], key: str, value: Any) -> None:
    """A 不詳 date as the register keeps it ([80]): the internal date (first day of what is known),
    the 生年月日's precision, and the text as written in ``<item>_text`` where the register has one."""
    year, month, day = value.year, value.month, value.day
    if year is None:
        out[key] = None
    else:
        out[key] = dt.date(year, month or 1, day or 1)
        if key == "birth_date":
            out["birth_date_precision"] = "day" if month and day else "month" if month else "year"
    text = f"{key}_text"
    if text in out and value.text and not (month and day):
        out[text] = out[text] or value.text


def full_household(household: Mapping[str, object]) -> dict[str, str]:
    return {k: str(household.get(k) or "") for k in HOUSEHOLD_ITEMS}


def frozen(mapping: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(mapping))
