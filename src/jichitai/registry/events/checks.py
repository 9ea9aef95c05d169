"""The rules that read other rows than the event's own: suspected duplicates (among residents and
among events still waiting for approval), 個人番号・住民票コード uniqueness, and back-dating.

Planning only collects the questions (``Checks``); ``run_checks`` answers them for a whole batch
with one query each, so a batch of a hundred events costs three queries here, not three hundred.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Q

from .. import returning as _returning
from .. import rules
from ..errors import RegistryError, RuleViolation, violation
from ..models import EventFact, EventStatus, RegistryEvent
from .plan import Plan

# Kinds whose new persons are checked for duplicates (転入・出生 and their relatives).
CREATING_KINDS = ("move_in", "move_in_abroad", "ex_officio_entry", "birth")


class Checks:
    """The questions one event's plan asks of other rows."""

    def __init__(self, *, duplicates: bool) -> None:
        self.want_duplicates = duplicates
        self.duplicate_keys: list[tuple[str, str]] = []
        self.claims: rules.IdentityClaims = {}
        self.own: set[int] = set()
        self.dated: dict[str, set[int]] = {}
        self.effective: dt.date | None = None
        self.returning_numbers: list[_returning.NumberKey] = []  # [600] 再転入: a new person's numbers
        self.returning_infos: list[_returning.InfoKey] = []  # and 3情報

    def returning(self, spec: Mapping[str, Any]) -> None:
        """A new person of a 転入: matched against the 除票 ([600]#1)."""
        self.returning_numbers.extend(_returning.number_keys(spec))
        info = _returning.info_key(spec)
        if info is not None and self.want_duplicates:
            self.returning_infos.append(info)

    def duplicates(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if self.want_duplicates:
            self.duplicate_keys.extend(rules.duplicate_keys(rows))

    def identity(self, persons: Mapping[Any, Mapping[str, Any]], plan: Plan) -> None:
        claims = rules.identity_claims(persons)  # a clash inside the request raises here
        # A resident who keeps both number and status is unique already (the partial unique
        # indexes); only numbers the event gives, or gives back with resident status, are asked.
        changed = {f.ref for f in plan.facts
                   if f.entity == "person" and f.field in ("my_number", "resident_code", "status")}
        self.claims = {pair: ref for pair, ref in claims.items() if ref in changed}
        self.own = {ref for ref in persons if isinstance(ref, int)}

    def backdating(self, plan: Plan, effective: dt.date) -> None:
        self.effective = effective
        for f in plan.facts:
            if not isinstance(f.ref, str):
                self.dated.setdefault(f.entity, set()).add(int(f.ref))


def pending_duplicate_counts(wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """How many persons of events still waiting for approval hold each (name key, birth date):
    the same 転入 entered twice is warned about before the first is approved."""
    if not wanted:
        return {}
    keys = set(wanted)
    out: dict[tuple[str, str], int] = {}
    pending = RegistryEvent.objects.filter(status=EventStatus.PROVISIONAL, kind__in=CREATING_KINDS)
    if connection.vendor == "postgresql":
        # the queue of a busy day holds thousands of entries: ask jsonb which hold a wanted key
        # (or kept none, entered before the keys were kept) instead of reading every one here
        holds = Q(touches__isnull=True) | ~Q(touches__has_key="duplicate_keys")
        for pair in keys:
            holds |= Q(touches__duplicate_keys__contains=[list(pair)])
        pending = pending.filter(holds)
    rows = pending.values_list("kind", "request", "effective_date", "touches")
    for kind, stored, effective, touches in rows:
        found = (touches or {}).get("duplicate_keys")  # kept at entry: no request to parse
        pairs = [tuple(k) for k in found] if found is not None else _keys_of(kind, stored, effective)
        for pair in pairs:
            if pair in keys:
                out[pair] = out.get(pair, 0) + 1  # type: ignore[index]
    return out


def _keys_of(kind: str, stored: Any, effective: dt.date) -> list[tuple[str, str]]:
    """The duplicate keys of an event stored before entry kept them."""
    from .requests import NewPerson, parse_request

    try:
        req = parse_request(kind, stored)
    except RegistryError:
        return []  # a stored request of an older shape: approval will refuse it anyway
    persons: list[NewPerson] = list(getattr(req, "persons", None) or [req.person])  # type: ignore[attr-defined]
    return rules.duplicate_keys([{**p.spec(), "birth_date": effective if kind == "birth" else p.birth_date}
                                 for p in persons])


def run_checks(
    checks: Mapping[Any, Checks], *, across: bool
) -> tuple[dict[Any, RegistryError], dict[Any, list[RuleViolation]]]:
    """Answer the collected checks of many events; ``across``: a number may also not be claimed
    by two events of the batch (approval: both would hold it). Duplicates are counted among
    residents, among events waiting for approval, and among the batch's earlier events."""
    errors: dict[Any, RegistryError] = {}
    warnings: dict[Any, list[RuleViolation]] = {}
    wanted = [k for c in checks.values() for k in c.duplicate_keys]
    found = rules.duplicate_counts(wanted)
    pending = pending_duplicate_counts(wanted)
    claims: dict[tuple[str, str], Any] = {}
    for c in checks.values():
        claims.update(c.claims)
    holders = rules.identity_holders(claims)
    removed = _returning.removed_numbers(k for c in checks.values() for k in c.returning_numbers)
    removed_infos = _returning.removed_infos(k for c in checks.values() for k in c.returning_infos)
    latest = _latest_dates(checks.values())
    claimed: dict[tuple[str, str], Any] = {}
    earlier: dict[tuple[str, str], int] = {}
    for key_, c in checks.items():
        try:
            rules.refuse_taken_numbers(c.claims, holders, c.own)
            _returning.refuse_new_record(c.returning_numbers, removed)
            if across:
                for pair in c.claims:
                    if pair in claimed:
                        label = "個人番号" if pair[0] == "my_number" else "住民票コード"
                        raise violation("unique_number", f"{label}が同時に決裁する他の異動と重複しています。", pair[0])
            if c.effective is not None:
                refuse_backdating(latest, c.dated, c.effective)
        except RegistryError as exc:
            errors[key_] = exc
            continue
        claimed.update(dict.fromkeys(c.claims, key_))
        warnings[key_] = rules.duplicate_warnings_from(c.duplicate_keys, found)
        warnings[key_] += _returning.three_info_alerts(c.returning_infos, removed_infos)
        waiting = {p: pending.get(p, 0) + earlier.get(p, 0) for p in c.duplicate_keys}
        warnings[key_] += rules.pending_duplicate_warnings(c.duplicate_keys, waiting)
        for pair in c.duplicate_keys:
            earlier[pair] = earlier.get(pair, 0) + 1
    return errors, warnings


def _latest_dates(checks: Any) -> dict[tuple[str, int], dt.date]:
    from django.db.models import Max

    checks = list(checks)
    latest: dict[tuple[str, int], dt.date] = {}
    for entity in ("person", "household"):
        # one query per entity: each is an index-only scan of fact_entity_time (an OR of both
        # would be a bitmap scan that reads every fact row from the heap)
        ids = sorted({i for c in checks for i in c.dated.get(entity, ())})
        if ids:
            rows = (EventFact.objects.filter(entity=entity, entity_id__in=ids)
                    .values("entity_id").annotate(m=Max("effective_date")).values_list("entity_id", "m"))
            latest.update({(entity, i): m for i, m in rows})
    return latest


def refuse_backdating(
    latest: Mapping[tuple[str, int], dt.date], dated: Mapping[str, set[int]], effective: dt.date
) -> None:
    """An event may not slip under a later-dated event of the same person or household.

    Validation runs against the current state; letting an earlier 異動日 reorder history could
    produce a past that no rule ever checked (two heads, a move after death). The clerk cancels
    the later event first (取消), then enters both in order.
    """
    for entity in ("person", "household"):
        dates = [latest[(entity, i)] for i in dated.get(entity, ()) if (entity, i) in latest]
        last = max(dates, default=None)
        if last is not None and last > effective:
            raise violation(
                "backdated",
                f"この{'住民' if entity == 'person' else '世帯'}には異動日 {last:%Y-%m-%d} の異動が既に記録されています。"
                "それより前の異動日の異動は、後の異動を取り消してから入力してください。",
                "effective_date",
            )
