"""Checking interchange records before anything is written: the register's own rules per history
entry (``registry.rules``: what a clerk's entry passes), the 異動事由 each entry names, the order of
a history, duplicated persons, and 外字 through the migration's 外字対応表.

Returns the records with mapped 外字 replaced, and every problem with its record's Source. Reads
the database only for what a clerk's entry would be checked against (住所辞書, existing 宛名番号).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .records import (
    HistoryEntry,
    PersonRecord,
    RecordProblem,
    Source,
    UnmappedGaiji,
    frozen,
    full_household,
    full_person,
)

TEXT_HOUSEHOLD_ITEMS = ("town_name", "banchi", "katagaki")


@functools.cache
def reason_kinds() -> dict[str, str]:
    """Every spelling of a 異動事由 an entry may give → the EventKind it is written as: the kind
    itself (``move_in``), the standard's 事由 code (``E01``) or label (``国内転入``)."""
    from jichitai.registry import reasons
    from jichitai.registry.models import EventKind

    out: dict[str, str] = {k: k for k in EventKind.values}
    pairs = [(kind, r) for kind, r in reasons.KIND_REASONS.items()]
    pairs += [(kind, r) for kind, subs in reasons.SUB_REASONS.items() for r in subs.values()]
    for kind, r in pairs:  # the first kind of a 事由 wins (KIND_REASONS is in the standard's order)
        out.setdefault(r.code, kind)
        out.setdefault(r.label, kind)
    return out


def _label(key: str) -> str:
    from jichitai.registry.labels import HOUSEHOLD_LABELS, PERSON_LABELS

    extra = {
        "town_code": "町字コード",
        "town_name": "町字",
        "postal_code": "郵便番号",
        "effective_on": "異動年月日",
        "reported_on": "届出年月日",
        "reason": "異動事由",
        "seq": "履歴番号",
        "atena_no": "宛名番号",
        "history": "履歴",
    }
    return extra.get(key) or PERSON_LABELS.get(key) or HOUSEHOLD_LABELS.get(key) or key


@dataclass
class Checked:
    records: list[PersonRecord] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)
    unmapped: list[UnmappedGaiji] = field(default_factory=list)
    gaiji_mapped: int = 0
    kinds: dict[tuple[str, int], str] = field(default_factory=dict)  # (atena_no, seq) → EventKind
    stopped: set[tuple[str, int, str]] = field(
        default_factory=set
    )  # (atena_no, seq, item) with 外字


class _Problems:
    def __init__(self, out: list[RecordProblem]) -> None:
        self.out = out

    def add(self, src: Source, key: str, rule: str, value: Any, ja: str, en: str) -> None:
        self.out.append(
            RecordProblem(
                src.file,
                src.line,
                None,
                _label(key),
                key,
                rule,
                "" if value is None else str(value),
                ja,
                en,
            )
        )


def check_records(
    records: Iterable[PersonRecord],
    *,
    gaiji: Mapping[str, str] | None,
    town_codes: set[str],
    existing_atena: set[str],
    existing_households: set[str],
    today: dt.date,
) -> Checked:
    out = Checked()
    problems = _Problems(out.problems)
    seen: dict[str, Source] = {}
    mapper = _Gaiji(gaiji or {}, out)
    for rec in records:
        src = (
            rec.source
            if rec.source != Source()
            else (rec.history[0].source if rec.history else Source())
        )
        atena = str(rec.atena_no or "")
        if not (atena.isascii() and atena.isdigit()):
            problems.add(
                src,
                "atena_no",
                "type.number",
                atena,
                "宛名番号は数字です。",
                "atena_no must be digits",
            )
        if atena in seen or atena in existing_atena:
            where = (
                f"（{seen[atena].file} {seen[atena].line}行目と同じ）"
                if atena in seen
                else "（登録済み）"
            )
            problems.add(
                src,
                "atena_no",
                "duplicate",
                atena,
                f"同じ宛名番号の住民が重複しています{where}。",
                "duplicated person: this atena_no appears twice or is already in the register",
            )
        seen.setdefault(atena, src)
        if not rec.history:
            problems.add(
                src,
                "history",
                "required",
                "",
                "履歴がありません。",
                "a record needs at least one entry",
            )
            continue
        entries = [mapper.entry(atena, e, src) for e in rec.history]
        out.records.append(dataclasses.replace(rec, history=tuple(entries)))
        _check_history(atena, entries, src, problems, out, town_codes, today)
        for e in entries:
            no = str(e.household.get("household_no") or "")
            if no in existing_households:
                problems.add(
                    e.source if e.source != Source() else src,
                    "household_no",
                    "duplicate",
                    no,
                    "この世帯番号の世帯は登録済みです（移行は空の住民記録へ行います）。",
                    "this household_no is already in the register (a migration fills an empty one)",
                )
    return out


def _check_history(
    atena: str,
    entries: Sequence[HistoryEntry],
    rsrc: Source,
    problems: _Problems,
    out: Checked,
    town_codes: set[str],
    today: dt.date,
) -> None:
    previous: HistoryEntry | None = None
    for e in entries:
        src = e.source if e.source != Source() else rsrc
        kind = reason_kinds().get(str(e.reason or ""))
        if kind is None:
            problems.add(
                src,
                "reason",
                "code.unknown",
                e.reason,
                f"異動事由「{e.reason}」は登録できる事由ではありません。",
                f"unknown reason {e.reason!r}",
            )
        else:
            out.kinds[(atena, e.seq)] = kind
        on = effective(e)
        if on is None:
            problems.add(
                src,
                "effective_on",
                "required",
                "",
                "異動年月日を入力してください。",
                "the date of the change (or of its report) is required",
            )
        elif on > today or (e.reported_on is not None and e.reported_on > today):
            problems.add(
                src,
                "effective_on",
                "future_date",
                on,
                "異動日・届出日に未来の日付は入力できません。",
                "a date of a change may not lie in the future",
            )
        if previous is not None:
            prev_on = effective(previous)
            if e.seq <= previous.seq or (on and prev_on and on < prev_on):
                problems.add(
                    src,
                    "seq",
                    "history.order",
                    e.seq,
                    "履歴が異動日の順に並んでいません。",
                    "history entries must ascend in seq and date",
                )
        _check_person(
            e, src, on, problems, {k for a, q, k in out.stopped if (a, q) == (atena, e.seq)}
        )
        _check_household(e, src, problems, town_codes)
        previous = e


def effective(e: HistoryEntry) -> dt.date | None:
    """The 異動日 an entry is written at: its own, or its 届出日 when the 異動日 is 不詳."""
    return e.effective_on or e.reported_on


def _check_person(
    e: HistoryEntry, src: Source, on: dt.date | None, problems: _Problems, stopped: set[str]
) -> None:
    from jichitai.registry import relationships

    row = full_person(e.person)
    for v in person_violations(row):
        if v.field in stopped:  # the 外字 is that item's problem; the name rules would repeat it
            continue
        rule = "checkdigit" if "検査用数字" in v.message else v.rule
        problems.add(
            src,
            v.field or "person",
            rule,
            row.get(v.field),
            v.message,
            f"{v.field}: the register refuses this value ({rule})",
        )
    rel = str(row.get("relationship") or "")
    if rel and not relationships.is_standard(rel):
        problems.add(
            src,
            "relationship",
            "relationship",
            rel,
            f"続柄: {relationships.problem(rel)}",
            "relationship (zokugara) not allowed by the standard",
        )
    birth = row.get("birth_date")
    if on is not None and isinstance(birth, dt.date) and on < birth:
        problems.add(
            src,
            "effective_on",
            "before_birth",
            on,
            "異動日が生年月日より前になっています。",
            "the change is dated before the birth date",
        )
    if row.get("status") not in ("resident", "moved_out", "dead", "deleted"):
        problems.add(
            src,
            "status",
            "code.unknown",
            row.get("status"),
            "状態が正しくありません。",
            "status must be resident, moved_out, dead or deleted",
        )


# the items the register's name rules read (rules.validate_name, inputs.person_problems)
_NAME_ITEMS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "former_surname",
    "alias",
    "hittousha",
)
_STAND_IN = {
    "family_name": "氏",
    "given_name": "名",
    "family_name_kana": "シ",
    "given_name_kana": "ナ",
    "former_surname": "氏",
    "alias": "名",
    "hittousha": "氏",
}


def person_violations(row: Mapping[str, Any]) -> list[Any]:
    """``rules.person_row_violations`` of a row, its name checks (most of the cost, the same for
    every entry of a person) once per spelling; the other rules see stand-in names, blank where
    the row's are blank (the rules that ask whether a name is given still see the answer)."""
    from jichitai.registry import rules

    names = tuple(str(row.get(f) or "") for f in _NAME_ITEMS)
    found = list(_name_violations(names, str(row.get("resident_type") or "")))
    stand_in = {
        f: (_STAND_IN[f] if v.strip() else v) for f, v in zip(_NAME_ITEMS, names, strict=True)
    }
    found += [
        v for v in rules.person_row_violations({**row, **stand_in}) if v.field not in _NAME_ITEMS
    ]
    return found


@functools.lru_cache(maxsize=100_000)
def _name_violations(names: tuple[str, ...], resident_type: str) -> tuple[Any, ...]:
    from jichitai.registry import rules

    row = {**dict(zip(_NAME_ITEMS, names, strict=True)), "resident_type": resident_type}
    return tuple(v for v in rules.person_row_violations(row) if v.field in _NAME_ITEMS)


def _check_household(
    e: HistoryEntry, src: Source, problems: _Problems, town_codes: set[str]
) -> None:
    hh = full_household(e.household)
    if not hh["household_no"].isdigit() or not hh["household_no"].isascii():
        problems.add(
            src,
            "household_no",
            "required",
            hh["household_no"],
            "世帯番号（数字）を入力してください。",
            "household_no (digits) is required",
        )
    if hh["town_code"] not in town_codes and not hh["town_name"]:
        problems.add(
            src,
            "town_code",
            "address",
            hh["town_code"],
            "町字コードが住所辞書にありません。",
            "town_code is not in the address dictionary (and no town_name to add it)",
        )
    if not hh["banchi"].strip():
        problems.add(
            src, "banchi", "required", "", "番地を入力してください。", "banchi is required"
        )


class _Gaiji:
    """外字 in an entry's text items: a private-use character is replaced through the 外字対応表
    or stops the record ("gaiji.unmapped"); a character outside MJ that no font draws stops it too
    ("gaiji.unknown"). Both go on the run's 外字同定 worklist."""

    def __init__(self, table: Mapping[str, str], out: Checked) -> None:
        from jichitai.moji.gaiji import normalise_code

        self.table = {normalise_code(k): _mj_text(v) for k, v in table.items()}
        self.out = out
        self.problems = _Problems(out.problems)
        self.seq = 0

    def entry(self, atena: str, e: HistoryEntry, rsrc: Source) -> HistoryEntry:
        src = e.source if e.source != Source() else rsrc
        self.seq = e.seq
        person = {
            k: self.text(atena, k, v, src) if isinstance(v, str) else v for k, v in e.person.items()
        }
        household = {
            k: self.text(atena, k, v, src)
            if isinstance(v, str) and k in TEXT_HOUSEHOLD_ITEMS
            else v
            for k, v in e.household.items()
        }
        return dataclasses.replace(e, person=frozen(person), household=frozen(household))

    def text(self, atena: str, key: str, value: str, src: Source) -> str:
        found = _scan(value)
        if not found:
            return value
        out = list(value)
        for i, code, private in found:
            mj = self.table.get(code) if private else None
            if mj is not None:
                self.out.gaiji_mapped += 1
                out[i] = mj
            else:
                self._stop(
                    atena, key, value, src, code, "gaiji.unmapped" if private else "gaiji.unknown"
                )
        return "".join(out)

    def _stop(self, atena: str, key: str, value: str, src: Source, code: str, rule: str) -> None:
        ja, en = (m.format(code=code, atena=atena) for m in _GAIJI_MESSAGES[rule])
        self.problems.add(src, key, rule, code, ja, en)
        self.out.stopped.add((atena, self.seq, key))
        self.out.unmapped.append(UnmappedGaiji(code, atena, key, value, src))


_GAIJI_MESSAGES = {
    "gaiji.unmapped": (
        "外字 {code} が外字対応表にありません（宛名番号 {atena}）。外字同定を行ってください。",
        "private-use character {code} is not in the gaiji table (person {atena})",
    ),
    "gaiji.unknown": (
        "文字 {code} は標準（MJ）の文字ではありません（宛名番号 {atena}）。外字同定を行ってください。",
        "character {code} is not a standard (MJ) character (person {atena})",
    ),
}


@functools.lru_cache(maxsize=100_000)
def _scan(value: str) -> tuple[tuple[int, str, bool], ...]:
    """(index, code point, private-use?) of each character of ``value`` that needs the 外字対応表
    or is unknown; the same values recur in every entry of a person, so once per value."""
    if value.isascii():
        return ()
    return tuple(
        (i, f"U+{ord(ch):04X}", _private(ch))
        for i, ch in enumerate(value)
        if _private(ch) or _unknown(ch)
    )


def _private(ch: str) -> bool:
    from jichitai.moji.chars import is_private_use

    return is_private_use(ch)


@functools.lru_cache(maxsize=65536)
def _unknown(ch: str) -> bool:
    """A CJK ideograph MJ does not know and IPAmj明朝 cannot draw (selectors are judged by the
    register's name rules, which see the whole sequence)."""
    from jichitai.moji.chars import identify

    if not (
        "\u3400" <= ch <= "\u9fff"
        or "\U00020000" <= ch <= "\U0003134f"
        or "\uf900" <= ch <= "\ufaff"
    ):
        return False
    info = identify(ch)[0]
    return info.mj is None and not info.font


def _mj_text(value: str) -> str:
    """A 外字対応表 value: the MJ character itself, or its MJ文字図形名 (MJ012345)."""
    from jichitai.moji.chars import canonical

    v = value.strip()
    return canonical(v) if v.startswith("MJ") and v[2:].isdigit() else v
