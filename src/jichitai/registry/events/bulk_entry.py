"""一括入力 ([550]): one 異動 entered at the counter for several persons or households at once.

A clerk types the items common to all once (``common``: 異動日, 届出日, 転入前住所, 転出先, 転居先 …)
and one entry per household (or per group of persons); each entry becomes one 異動 of the same
kind, planned by that kind's own planner and stored through ``submit_events``. All or nothing:
if any entry is refused (or raises an alert not yet confirmed) nothing is stored, and every
entry's errors come back at once, each naming its entry.

Taking items from the previous input (直前に入力したデータ):
- ``"〃"`` as an item's value: the same item of the previous input (the previous person for a
  person's items, the previous entry for an entry's); ``{"same_as": ITEM}``: another item of it,
  within one group ([550]#5 names: 氏名 ``name``, 筆頭者 ``hittousha``; [550]#6 addresses:
  現住所 ``household``, 本籍 ``honseki``, 転入前住所 ``previous_address``, 転出先 ``destination``).
- A person's blank 氏 (and its フリガナ) is the 世帯主's of the same entry, else the previous
  member's of the same entry ([550]#3).
- Only between persons of the same 住民種別 ([550]#4: 日本人住民 and 外国人住民 are kept apart).
- Never the 旧氏 ([550]#7).
- A 現住所 is taken whole or not at all: a household's address taken from the previous entry (another
  household) with only the 方書 (部屋番号) changed is refused ([550]#9 must-not); each household of
  an apartment block is entered with its own full address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ..conventions import HEAD, full_name
from ..errors import AlertsRaised, RegistryError, RuleViolation, alerts_raised, violation
from .workflow import EventInput, Submitted, submit_events

DITTO = "〃"
NAMES = frozenset({"name", "hittousha"})
ADDRESSES = frozenset({"household", "honseki", "previous_address", "destination"})
NEVER = frozenset({"former_surname", "former_surname_kana"})  # [550]#7
MAX_ENTRIES = 50
CREATING = frozenset({"move_in", "move_in_abroad", "ex_officio_entry"})
ADDRESS_PARTS = ("address_id", "banchi", "katagaki")


class BulkRefused(RegistryError):
    """Some entry was refused: nothing was stored. ``by_entry``: entry index → its violations."""

    def __init__(self, by_entry: Mapping[int, Sequence[RuleViolation]]) -> None:
        self.by_entry = {i: list(v) for i, v in by_entry.items()}
        super().__init__(*[RuleViolation(v.rule, f"{i + 1}件目: {v.message}", f"entries.{i}.{v.field}".rstrip("."))
                           for i, vs in sorted(self.by_entry.items()) for v in vs])


@dataclass
class _Previous:
    """The previous input: the last person and the last entry resolved."""

    person: dict[str, Any] | None = None
    entry: dict[str, Any] | None = None
    problems: list[RuleViolation] = field(default_factory=list)


def _source(item: str, value: Any) -> str | None:
    if value == DITTO:
        return item
    if isinstance(value, Mapping) and set(value) == {"same_as"}:
        return str(value["same_as"])
    return None


def _group_ok(item: str, source: str) -> bool:
    target = "name" if item in ("family_name", "given_name") else item
    if "household" in (source, target):  # a 現住所 is taken whole, into a 現住所 only
        return source == target
    return source == target or ({source, target} <= NAMES) or ({source, target} <= ADDRESSES)


def _value_of(source: str, row: Mapping[str, Any]) -> Any:
    if source == "name":
        return full_name(row)
    if source == "destination":
        return row.get("destination") or row.get("move_out_destination")
    return row.get(source)


def _take(item: str, value: Any, rows: Sequence[Mapping[str, Any] | None], where: str,
          prev: _Previous) -> Any:
    """The value of ``item`` after resolving a reference to the previous input."""
    source = _source(item, value)
    if source is None:
        return value
    if item in NEVER or source in NEVER:
        prev.problems.append(violation("former_surname_carry", "旧氏は直前の入力から適用できません。", where).violations[0])
        return ""
    if not _group_ok(item, source):
        prev.problems.append(violation(
            "carry_group", f"「{item}」に「{source}」は適用できません（氏名どうし・住所どうしだけ適用できます）。",
            where).violations[0])
        return ""
    for row in rows:
        found = _value_of(source, row) if row is not None else None
        if isinstance(found, (Mapping, list)):
            break  # not an item's value (a household chosen by id): nothing to take
        if found not in (None, ""):
            return found
    prev.problems.append(violation("no_previous", "適用する直前の入力がありません。", where).violations[0])
    return ""


def _person(spec: Mapping[str, Any], where: str, head: Mapping[str, Any] | None,
            member: Mapping[str, Any] | None, entry: Mapping[str, Any], prev: _Previous) -> dict[str, Any]:
    """A person's items: references to the previous person (or this and the previous entry)."""
    out = dict(spec)
    kind = out.setdefault("resident_type", "japanese")
    refs = [k for k, v in spec.items() if _source(k, v)]
    if refs and prev.person is not None and prev.person.get("resident_type", "japanese") != kind:
        prev.problems.append(violation(
            "resident_type_carry", "日本人住民と外国人住民の間では直前の入力を適用できません。", where).violations[0])
        out.update({k: "" for k in refs})
        refs = []
    for k in refs:
        out[k] = _take(k, spec[k], [prev.person, entry, prev.entry], f"{where}.{k}", prev)
    if not out.get("family_name"):  # [550]#3: the 世帯主's 氏, else the previous member's
        for row in (head, member):
            if row is not None and row is not spec and row.get("resident_type", "japanese") == kind:
                out["family_name"] = row.get("family_name", "")
                if not out.get("family_name_kana"):
                    out["family_name_kana"] = row.get("family_name_kana", "")
                break
    prev.person = out
    return out


def _whole(new: Any, before: Any, where: str, prev: _Previous) -> Any:
    """One 現住所 (address_id, banchi, katagaki): the previous one whole, or entered whole."""
    if _source("household", new):
        if not isinstance(before, Mapping):
            prev.problems.append(violation("no_previous", "適用する直前の住所がありません。", where).violations[0])
            return new
        return dict(before)
    if isinstance(new, Mapping) and any(_source(k, new.get(k)) for k in ADDRESS_PARTS):
        prev.problems.append(violation(
            "partial_address_carry",
            "直前に入力した別世帯の住所を適用して部屋番号（方書）などの一部だけを変えることはできません。"
            "この世帯の住所（町字・番地・方書）をすべて入力してください。", where).violations[0])
    return new


def _household(key: str, value: Any, prev: _Previous) -> Any:
    """A 現住所 is taken whole: 〃 or {"same_as": "household"}; never some parts of it ([550]#9)."""
    before = (prev.entry or {}).get(key)
    if key == "address":  # 転居先
        return _whole(value, before, key, prev)
    if _source("household", value):
        return _whole(value, before, key, prev)
    if not isinstance(value, Mapping) or "new" not in value:
        return value
    old = before.get("new") if isinstance(before, Mapping) else None
    return {**value, "new": _whole(value["new"], old, f"{key}.new", prev)}


def resolve(kind: str, common: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]
            ) -> tuple[list[dict[str, Any]], dict[int, list[RuleViolation]]]:
    """Each entry's request with the common items and the previous input applied."""
    prev = _Previous()
    out: list[dict[str, Any]] = []
    problems: dict[int, list[RuleViolation]] = {}
    for i, entry in enumerate(entries):
        req: dict[str, Any] = {**common, **entry}
        for k in [k for k in req if k not in ("persons", "household", "address")]:
            req[k] = _take(k, req[k], [prev.entry], k, prev)
        for k in ("household", "address"):
            if k in req:
                req[k] = _household(k, req[k], prev)
        if kind in CREATING and isinstance(req.get("persons"), list):
            head = next((p for p in req["persons"] if isinstance(p, Mapping) and p.get("relationship") == HEAD
                         and p.get("family_name") and _source("family_name", p["family_name"]) is None), None)
            done: list[dict[str, Any]] = []
            for j, spec in enumerate(req["persons"]):
                if isinstance(spec, Mapping):
                    done.append(_person(spec, f"persons.{j}", head, done[-1] if done else None, req, prev))
            req["persons"] = done
        prev.entry = req
        if prev.problems:
            problems[i] = prev.problems
            prev.problems = []
        out.append(req)
    return out, problems


def submit_bulk(kind: str, common: Mapping[str, Any], entries: Sequence[Mapping[str, Any]], *,
                effective_date: dt.date, reported_date: dt.date | None, entered_by: Any,
                confirm_alerts: bool = False) -> list[Submitted]:
    """一括入力: every entry a 仮登録 of ``kind`` with the same 異動日 and 届出日 ([550]#2), or none."""
    if not entries:
        raise violation("entries_required", "一括入力する異動者（世帯）を1件以上入力してください。", "entries")
    if len(entries) > MAX_ENTRIES:
        raise violation("too_many", f"一括入力は{MAX_ENTRIES}件までです。", "entries")
    requests, problems = resolve(kind, common, entries)
    if problems:
        raise BulkRefused(problems)
    items = [EventInput(kind, r, effective_date, reported_date) for r in requests]
    with transaction.atomic():
        outcomes = submit_events(items, entered_by=entered_by, confirm_alerts=confirm_alerts)
        refused = {i: o for i, o in enumerate(outcomes) if isinstance(o, RegistryError)}
        if refused:
            transaction.set_rollback(True)  # all or nothing: the entries stored so far go too
    if not refused:
        return [o for o in outcomes if isinstance(o, Submitted)]
    if all(isinstance(o, AlertsRaised) for o in refused.values()):  # confirmed all at once, like one form
        raise alerts_raised([RuleViolation(v.rule, f"{i + 1}件目: {v.message}", f"entries.{i}.{v.field}".rstrip("."))
                             for i, o in sorted(refused.items()) for v in o.violations])
    raise BulkRefused({i: o.violations for i, o in refused.items()})
