"""Filling a municipality's register with synthetic residents (demo, tests, benchmarks).

Two loaders produce the same register from the same (municipality, residents, seed):

``load_via_events(municipality, residents, seed=0, *, clerk, approver, ...)``
    The path clerks use: for every synthetic household a 転入 is submitted as ``clerk`` and
    approved by ``approver`` (``services.submit_event`` / ``services.approve_event``), and a share
    of the households (``history_share``, default 10 %) first moves in at an earlier address and
    later makes a 転居 to the address the generator gave it, so the register has history. Every
    rule runs and every step is in the operation log. Speed: about 20 households per second on
    PostgreSQL (one process on the 2-core benchmark machine); use it for demo sizes.

``load_bulk(municipality, residents, seed=0, *, clerk, approver, batch=20000)``
    The migration-style loader: the same rows — one approved ``RegistryEvent`` per 転入/転居 with
    the same request, ``EventFact`` rows in the planner's order, ``Household``/``Person``
    projections folded from those facts (matching keys from ``jichitai.moji``), the counters
    宛名番号・世帯番号・本登録順 advanced — written in one transaction per ``batch`` residents. On
    PostgreSQL rows are streamed with ``COPY`` into temporary staging tables and moved with one
    ``INSERT … SELECT`` per table (PostgreSQL refuses ``COPY FROM`` into a table under row-level
    security; the ``INSERT`` goes through the RLS policy's ``WITH CHECK``, so a row stamped with
    another municipality's id is refused by the database). On SQLite it uses ``bulk_create``.
    Person rows are validated with the same ``rules.validate_new_person`` a clerk's entry passes;
    the duplicate and identity-number checks are the database's unique indexes. Instead of one
    audit entry per event it writes one ``registry.bulk_load`` operation entry per batch.

Both accept ``effective_date`` (None: each household moves in on a date spread over the 20 years
before the generator's 2025-04-01, never before its youngest member's birth; a date: every
household on that date, or on its youngest member's birth if later), ``history_share``,
``progress`` (called with ``(residents_done, residents)`` after each transaction) and
``source_code`` (the 地方公共団体コード given to the generator; default
``synthetic_code_for(municipality.code)``). They run under the caller's TenantContext if one is
active (it must be the municipality's), otherwise under their own: the clerk's for submits, the
approver's for approvals and bulk batches. Loading the same source code twice into one database
collides on 個人番号 (unique among residents across the installation); ``load_via_events`` is
resumable — every event carries an idempotency key, so a rerun skips what was loaded.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jichitai.codes import municipality_code_check_digit
from jichitai.synthetic import DEFAULT_AS_OF, generate_households
from jichitai.synthetic.addresses import PREFECTURES, derive_seed
from jichitai.synthetic.models import (
    SyntheticAddress,
    SyntheticHousehold,
    SyntheticPerson,
    kanji_number,
)
from jichitai.tenancy.context import TenantContext, activate, current_or_none

__all__ = [
    "LoadStats",
    "ensure_address_dictionary",
    "load_bulk",
    "load_via_events",
    "move_in_request",
    "person_spec",
    "synthetic_code_for",
]

Progress = Callable[[int, int], None]
HEAD = "世帯主"
_SPREAD_YEARS = 20
_PURPOSE = "住民データ投入（合成データ）"


@dataclass
class LoadStats:
    """What a load wrote: counts and the wall-clock seconds it took."""

    residents: int = 0
    households: int = 0
    events: int = 0
    moves: int = 0
    facts: int = 0
    seconds: float = 0.0
    skipped: int = 0  # households already loaded (load_via_events rerun)

    @property
    def rows(self) -> int:
        """Register rows written: persons, households, events and facts."""
        return self.residents + self.households + self.events + self.facts

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def residents_per_second(self) -> float:
        return self.residents / self.seconds if self.seconds else 0.0


# ---------------------------------------------------------------------------------------------
# What to load: one plan per synthetic household (shared by both loaders, so they agree).


def synthetic_code_for(code: str) -> str:
    """The generator code for a municipality: its own, or prefecture 47 with the same city part.

    The generator only knows prefectures 01-47 (its identifier blocks); fictitious codes such as
    the demo's 99xxx keep their city part — and so their capacity class — under prefecture 47.
    """
    first5 = code[:5]
    if first5.isdigit() and len(first5) == 5 and 1 <= int(first5[:2]) <= 47:
        return code
    mapped = "47" + first5[2:]
    return mapped + str(municipality_code_check_digit(mapped))


@dataclass(frozen=True)
class _HouseholdPlan:
    household: SyntheticHousehold
    move_in: dt.date
    first_address: SyntheticAddress  # where the household moved in
    move_on: dt.date | None  # 転居 to household.address on this date (None: moved in there)

    @property
    def residents(self) -> int:
        return len(self.household.members)


def _plans(
    source_code: str, residents: int, seed: int, effective_date: dt.date | None, history_share: float
) -> Iterator[_HouseholdPlan]:
    horizon = max(DEFAULT_AS_OF, effective_date or DEFAULT_AS_OF)
    horizon = min(horizon, timezone.localdate())
    spread_from = DEFAULT_AS_OF.replace(year=DEFAULT_AS_OF.year - _SPREAD_YEARS)
    previous: SyntheticAddress | None = None
    for hh in generate_households(source_code, residents, seed):
        r = derive_seed("registry-load", source_code[:5], seed, hh.seq)
        u1 = (r & 0xFFFFFFFF) / 2**32
        u2 = ((r >> 32) & 0xFFFF) / 2**16
        u3 = (r >> 48) / 2**16
        youngest = max(m.birth_date for m in hh.members)
        if effective_date is None:
            lo = max(youngest, spread_from)
            days = (DEFAULT_AS_OF - lo).days
            move_in = lo + dt.timedelta(days=int(u1 * days)) if days > 0 else lo
        else:
            move_in = max(effective_date, youngest)
        move_on = None
        first = hh.address
        gap = (horizon - move_in).days
        if previous is not None and u2 < history_share and gap >= 2:
            move_on = move_in + dt.timedelta(days=1 + int(u3 * (gap - 1)))
            first = previous
        previous = hh.address
        yield _HouseholdPlan(hh, move_in, first, move_on)


def _chunks(plans: Iterable[_HouseholdPlan], residents: int) -> Iterator[list[_HouseholdPlan]]:
    chunk: list[_HouseholdPlan] = []
    count = 0
    for plan in plans:
        chunk.append(plan)
        count += plan.residents
        if count >= residents:
            yield chunk
            chunk, count = [], 0
    if chunk:
        yield chunk


def _previous_address(hh: SyntheticHousehold, seed: int) -> str:
    """An invented 従前の住所 outside the municipality (転入 needs one)."""
    r = derive_seed("previous-address", seed, hh.seq)
    pref, city = PREFECTURES[r % len(PREFECTURES)]
    return f"{pref}{city}中央{1 + (r >> 8) % 9}丁目{1 + (r >> 16) % 30}番{1 + (r >> 24) % 20}号"


def _town_name(address: SyntheticAddress) -> str:
    return address.town_name + ("" if address.block is None else f"{kanji_number(address.block)}丁目")


def person_spec(p: SyntheticPerson, ref: str) -> dict[str, Any]:
    """A synthetic person as the 転入 request's person entry (the keys a clerk's form sends)."""
    foreign = p.nationality is not None
    return {
        "ref": ref,
        "family_name": p.family_name,
        "given_name": p.given_name,
        "family_name_kana": p.family_name_kana,
        "given_name_kana": p.given_name_kana,
        "birth_date": p.birth_date.isoformat(),
        "sex": p.sex,
        "relationship": p.relationship,
        "resident_type": "foreign" if foreign else "japanese",
        "honseki": p.honseki or "",
        "hittousha": p.hittousha or "",
        "my_number": p.my_number,
        "resident_code": p.resident_code,
        "nationality": p.nationality or "",
        "residence_status": p.residence_status or "",
        "residence_end_date": p.residence_period_end.isoformat() if p.residence_period_end else None,
        "residence_card_no": p.residence_card_number or "",
        "alias": p.alias or "",
    }


def _address_request(address: SyntheticAddress, address_ids: Mapping[str, int]) -> dict[str, Any]:
    return {
        "address_id": address_ids[address.town_code],
        "banchi": address.lot,
        "katagaki": address.building or "",
    }


def move_in_request(
    plan_or_household: Any, address_ids: Mapping[str, int], seed: int = 0
) -> dict[str, Any]:
    """The 転入 request for a household (its first address), as ``submit_event`` receives it."""
    plan = plan_or_household
    hh = plan.household if isinstance(plan, _HouseholdPlan) else plan
    address = plan.first_address if isinstance(plan, _HouseholdPlan) else hh.address
    if hh.members[0].relationship != HEAD:  # the generator's promise; the planner needs it
        raise ValueError(f"household {hh.seq}: members[0] is not the 世帯主")
    return {
        "household": {"new": _address_request(address, address_ids)},
        "persons": [person_spec(p, f"p{i}") for i, p in enumerate(hh.members, start=1)],
        "previous_address": _previous_address(hh, seed),
    }


def _move_request(person_ids: Sequence[int], address: SyntheticAddress,
                  address_ids: Mapping[str, int]) -> dict[str, Any]:
    return {"person_ids": list(person_ids), "address": _address_request(address, address_ids)}


def _key(source_code: str, seed: int, seq: int, what: str) -> str:
    return f"synthetic:{source_code}:{seed}:{seq}:{what}"


# ---------------------------------------------------------------------------------------------
# Address dictionary


def ensure_address_dictionary(addresses: Iterable[SyntheticAddress]) -> dict[str, int]:
    """Create the 住所辞書 entries (町字) the addresses need; returns town_code → AddressEntry id.

    Runs under the active TenantContext (the municipality whose dictionary it is). Existing
    entries are kept as they are. The generator has no 町字カナ, so ``kana`` stays blank.
    """
    from .models import AddressEntry

    wanted: dict[str, SyntheticAddress] = {}
    for a in addresses:
        wanted.setdefault(a.town_code, a)
    if not wanted:
        return {}
    have = dict(
        AddressEntry.objects.filter(town_code__in=list(wanted)).values_list("town_code", "pk")
    )
    missing = [
        AddressEntry(town_code=code, name=_town_name(a), kana="", postal_code=a.postal_code)
        for code, a in sorted(wanted.items())
        if code not in have
    ]
    if missing:
        AddressEntry.objects.bulk_create(missing)
        have.update(
            AddressEntry.objects.filter(town_code__in=[e.town_code for e in missing])
            .values_list("town_code", "pk")
        )
    return have


class _AddressCache:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def ensure(self, chunk: Sequence[_HouseholdPlan]) -> dict[str, int]:
        new = [a for p in chunk for a in (p.first_address, p.household.address)
               if a.town_code not in self.ids]
        if new:
            self.ids.update(ensure_address_dictionary(new))
        return self.ids


# ---------------------------------------------------------------------------------------------
# Contexts


@contextmanager
def _as(municipality: Any, staff: Any) -> Iterator[TenantContext]:
    """The caller's context when one is active (same municipality), else one for ``staff``."""
    ctx = current_or_none()
    if ctx is not None:
        if ctx.municipality_id != municipality.pk:
            raise ValueError("the active TenantContext is another municipality's")
        yield ctx
        return
    with activate(TenantContext(
        municipality_id=municipality.pk, acting_municipality_id=municipality.pk,
        staff_id=getattr(staff, "pk", None), purpose=_PURPOSE,
    )) as new:
        yield new


def _resolve_code(municipality: Any, source_code: str | None) -> str:
    return source_code or synthetic_code_for(municipality.code)


# ---------------------------------------------------------------------------------------------
# Through the event path


def load_via_events(
    municipality: Any,
    residents: int,
    seed: int = 0,
    *,
    clerk: Any,
    approver: Any,
    effective_date: dt.date | None = None,
    history_share: float = 0.1,
    batch: int = 200,
    progress: Progress | None = None,
    source_code: str | None = None,
) -> LoadStats:
    """Fill ``municipality`` with ``residents`` synthetic residents through submit + approve.

    One transaction per ``batch`` households; ``progress(residents_done, residents)`` after each.
    Returns the counts (``facts`` are the EventFact rows the approvals wrote).
    """
    from . import services
    from .models import EventFact, EventStatus, Person

    code = _resolve_code(municipality, source_code)
    stats = LoadStats()
    start = time.perf_counter()
    addresses = _AddressCache()
    plans = _plans(code, residents, seed, effective_date, history_share)
    with _as(municipality, approver):
        facts_before = EventFact.objects.count()
    for chunk in _chunks(plans, batch * 2):
        with transaction.atomic():
            with _as(municipality, clerk):
                ids = addresses.ensure(chunk)
            for plan in chunk:
                hh = plan.household
                stats.residents += plan.residents
                stats.households += 1
                with _as(municipality, clerk):
                    sub = services.submit_event(
                        "move_in", move_in_request(plan, ids, seed), effective_date=plan.move_in,
                        reported_date=plan.move_in, entered_by=clerk, confirm_duplicates=True,
                        idempotency_key=_key(code, seed, hh.seq, "move_in"),
                    )
                if sub.replayed and sub.event.status != EventStatus.PROVISIONAL:
                    stats.skipped += 1
                    continue
                with _as(municipality, approver):
                    event = services.approve_event(sub.event.pk, approver=approver)
                stats.events += 1
                if plan.move_on is None:
                    continue
                with _as(municipality, clerk):
                    members = list(
                        Person.objects.filter(household_id=event.household_id, status="resident")
                        .order_by("pk").values_list("pk", flat=True)
                    )
                    sub = services.submit_event(
                        "move_within", _move_request(members, hh.address, ids),
                        effective_date=plan.move_on, reported_date=plan.move_on, entered_by=clerk,
                        idempotency_key=_key(code, seed, hh.seq, "move_within"),
                    )
                with _as(municipality, approver):
                    services.approve_event(sub.event.pk, approver=approver)
                stats.events += 1
                stats.moves += 1
        if progress is not None:
            progress(stats.residents, residents)
    with _as(municipality, approver):
        stats.facts = EventFact.objects.count() - facts_before
    stats.seconds = time.perf_counter() - start
    return stats


# ---------------------------------------------------------------------------------------------
# In bulk: the same events, facts and projections, computed here and written in batches.


class _Batch:
    """The rows of one transaction, built exactly as ``services.plan_event``/``approve_event``
    would build them for the same requests (tests compare the two loaders row by row)."""

    def __init__(self, mid: int, clerk_id: int, approver_id: int, counters: dict[str, int],
                 ids: _IdSource, now: dt.datetime) -> None:
        self.mid = mid
        self.clerk_id = clerk_id
        self.approver_id = approver_id
        self.counters = counters
        self.start = dict(counters)
        self.payload: list[tuple[Any, Sequence[str], bytes, str | None]] | None = None
        self.residents = 0
        self.moves = 0
        self.ids = ids
        self.now = now
        self.events: list[dict[str, Any]] = []
        # facts as tuples: (event_id, entity, entity_id, field, before, after, date ISO, seq)
        self.facts: list[tuple[Any, ...]] = []
        self.persons: dict[int, dict[str, Any]] = {}  # fold of facts, PERSON_FIELDS
        self.households: dict[int, dict[str, Any]] = {}
        self.versions: dict[tuple[str, int], int] = {}

    def _next(self, name: str) -> int:
        self.counters[name] += 1
        return self.counters[name]

    def _event(self, kind: str, effective: dt.date, request: dict[str, Any], key: str,
               household_id: int, base_versions: dict[str, Any]) -> tuple[int, int]:
        event_id = self.ids.take("event")
        seq = self._next("approval_seq")
        self.events.append({
            "id": event_id, "municipality_id": self.mid, "kind": kind, "status": "approved",
            "effective_date": effective, "reported_date": effective, "processed_at": self.now,
            "entered_by_id": self.clerk_id, "approved_by_id": self.approver_id,
            "approved_at": self.now, "approval_seq": seq, "rejected_reason": "",
            "request": request, "base_versions": base_versions, "target_id": None,
            "idempotency_key": key, "household_id": household_id,
        })
        return event_id, seq

    def _fact(self, ev: tuple[int, int, str], entity: str, entity_id: int, name: str,
              before: Any, after: Any) -> None:
        self.facts.append((ev[0], entity, entity_id, name, before, after, ev[2], ev[1]))
        row = (self.persons if entity == "person" else self.households)[entity_id]
        row[name] = after

    def _touched(self, entities: Iterable[tuple[str, int]]) -> None:
        for k in set(entities):
            self.versions[k] = self.versions.get(k, 0) + 1

    def move_in(self, plan: _HouseholdPlan, request: dict[str, Any], key: str) -> list[int]:
        """転入 of a new household; mirrors plan_event(MOVE_IN) + _fact_rows."""
        from . import services

        effective = plan.move_in
        iso = effective.isoformat()
        req = dict(request)
        req["reported_date"] = iso
        hid = self.ids.take("household")
        pids = [self.ids.take("person") for _ in req["persons"]]
        event_id, seq = self._event("move_in", effective, req, key, hid,
                                    {"person": {}, "household": {}})
        ev = (event_id, seq, iso)
        self.households[hid] = {}
        addr = req["household"]["new"]
        for name, value in (("address_id", int(addr["address_id"])),
                            ("banchi", addr.get("banchi", "")),
                            ("katagaki", addr.get("katagaki", "")), ("active", True)):
            self._fact(ev, "household", hid, name, None, value)
        for pid, spec in zip(pids, req["persons"], strict=True):
            _validate(spec)
            self.persons[pid] = {}
            for name in services.NEW_PERSON_FIELDS:
                default: Any = "" if name not in ("birth_date", "residence_end_date") else None
                if name == "birth_date_precision":
                    default = "day"
                value = spec.get(name)
                self._fact(ev, "person", pid, name, None, default if value is None else value)
            for name, value in (("household_id", hid), ("status", "resident"),
                                ("became_resident_on", iso), ("address_set_on", iso),
                                ("previous_address", ""), ("move_out_destination", ""),
                                ("reported_on", None), ("move_out_planned_on", None),
                                ("removed_on", None)):
                self._fact(ev, "person", pid, name, None, value)
            self._fact(ev, "person", pid, "previous_address", "", req.get("previous_address", ""))
            self._fact(ev, "person", pid, "reported_on", None, iso)
        self._fact(ev, "household", hid, "head_id", None, pids[0])
        for pid in pids:
            self._fact(ev, "person", pid, "atena_no", None, f"{self._next('atena_no'):012d}")
        self._fact(ev, "household", hid, "household_no", None, f"{self._next('household_no'):010d}")
        self._touched([("household", hid), *(("person", p) for p in pids)])
        return [hid, *pids]

    def move_within(self, plan: _HouseholdPlan, hid: int, pids: list[int],
                    address_ids: Mapping[str, int], key: str) -> None:
        """転居 of the whole household; mirrors plan_event(MOVE_WITHIN) with no one left behind."""
        effective = plan.move_on
        assert effective is not None
        iso = effective.isoformat()
        req = _move_request(pids, plan.household.address, address_ids)
        req["reported_date"] = iso
        base = {"person": {str(p): self.versions[("person", p)] for p in pids},
                "household": {str(hid): self.versions[("household", hid)]}}
        event_id, seq = self._event("move_within", effective, req, key, hid, base)
        ev = (event_id, seq, iso)
        touched: list[tuple[str, int]] = []
        hrow = self.households[hid]
        addr = req["address"]
        for name, value in (("address_id", int(addr["address_id"])),
                            ("banchi", addr.get("banchi", "")), ("katagaki", addr.get("katagaki", ""))):
            if hrow.get(name) != value:
                self._fact(ev, "household", hid, name, hrow.get(name), value)
                touched.append(("household", hid))
        for pid in pids:
            prow = self.persons[pid]
            for name in ("address_set_on", "reported_on"):
                if prow.get(name) != iso:
                    self._fact(ev, "person", pid, name, prow.get(name), iso)
                    touched.append(("person", pid))
        self._touched(touched)

    # -- the projection rows, folded from the facts (as services._project does) --------------
    def person_rows(self) -> list[dict[str, Any]]:
        from jichitai.moji import kana_key, key

        from . import services

        out = []
        not_null = _not_null_text_person()
        for pid, row in self.persons.items():
            values = {f: services._to_python(f, row.get(f)) for f in services.PERSON_FIELDS}
            for f, v in values.items():
                if v is None and f in not_null:
                    values[f] = ""
            values.update(
                id=pid, municipality_id=self.mid, version=self.versions[("person", pid)],
                name_key=key(f"{row.get('family_name') or ''}{row.get('given_name') or ''}"),
                kana_key=kana_key(
                    f"{row.get('family_name_kana') or ''}{row.get('given_name_kana') or ''}"
                ),
            )
            out.append(values)
        return out

    def household_rows(self) -> list[dict[str, Any]]:
        from . import services

        return [
            {**{f: row.get(f) for f in services.HOUSEHOLD_FIELDS}, "id": hid,
             "municipality_id": self.mid, "version": self.versions[("household", hid)]}
            for hid, row in self.households.items()
        ]


_VALID_NAMES: set[tuple[str, str]] = set()


def _validate(spec: Mapping[str, Any]) -> None:
    """``rules.validate_new_person``, with each (氏, 名) spelling checked by ``moji`` only once.

    The name check (``rules.validate_name``: required 氏, printable characters, each field on its
    own) is most of the cost and depends on the spelling alone; the rest of the row is checked for
    every person.
    """
    from . import rules

    family, given = str(spec.get("family_name") or ""), str(spec.get("given_name") or "")
    for checked in (("family_name", family), ("given_name", given)):
        if checked not in _VALID_NAMES:
            rules.validate_name({"family_name": "氏", "given_name": "", checked[0]: checked[1]})
            if len(_VALID_NAMES) > 200_000:
                _VALID_NAMES.clear()
            _VALID_NAMES.add(checked)
    rules.validate_new_person({**spec, "family_name": "氏", "given_name": "名"})


@functools.cache
def _not_null_text_person() -> frozenset[str]:
    from django.db import models as dj

    from .models import Person

    return frozenset(
        f.attname for f in Person._meta.concrete_fields
        if isinstance(f, (dj.CharField, dj.TextField)) and not f.null
    )


class _IdSource:
    """Primary keys reserved before the rows are built (facts take theirs from the table)."""

    def __init__(self, reserve: Callable[[str, int], list[int]]) -> None:
        self._reserve = reserve
        self._pools: dict[str, list[int]] = {}

    def reserve(self, needs: Mapping[str, int]) -> None:
        for table, n in needs.items():
            self._pools[table] = list(reversed(self._reserve(table, n))) if n else []

    def take(self, table: str) -> int:
        return self._pools[table].pop()


def _tables() -> dict[str, Any]:
    from .models import Household, Person, RegistryEvent

    return {"household": Household, "person": Person, "event": RegistryEvent}


def _reserve_postgres(table: str, n: int) -> list[int]:
    model = _tables()[table]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, n],
        )
        return sorted(r[0] for r in cur.fetchall())


def _reserve_sqlite(table: str, n: int) -> list[int]:
    # SQLite: the transaction holds the write lock from BEGIN IMMEDIATE, so max + 1… is ours.
    name = _tables()[table]._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{name}"')  # noqa: S608 - model table
        top = cur.fetchone()[0]
        cur.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [name])
        top = max(top, cur.fetchone()[0])
    return list(range(top + 1, top + 1 + n))


def _lock_counters(names: Sequence[str]) -> dict[str, Any]:
    from .models import Counter

    # The first statement of the transaction: it also sends the RLS setting (tenancy.rls).
    for name in names:
        Counter.objects.get_or_create(name=name)
    return {c.name: c for c in Counter.objects.select_for_update().filter(name__in=list(names))}


def _read_counters(names: Sequence[str]) -> dict[str, int]:
    from .models import Counter

    return {name: Counter.objects.get_or_create(name=name)[0].value for name in names}


_COUNTERS = ("approval_seq", "household_no", "atena_no")


def load_bulk(
    municipality: Any,
    residents: int,
    seed: int = 0,
    *,
    clerk: Any,
    approver: Any,
    batch: int = 20000,
    effective_date: dt.date | None = None,
    history_share: float = 0.1,
    progress: Progress | None = None,
    source_code: str | None = None,
) -> LoadStats:
    """Write the register ``load_via_events`` would produce, in bulk (one transaction per
    ``batch`` residents). See the module docstring.

    On PostgreSQL outside a transaction the batches are pipelined: a writer thread with its own
    connection COPYs and commits batch n while this thread builds batch n + 1 (the database's
    work — foreign-key checks at commit above all — and Python's overlap on two cores). Inside a
    transaction (tests) and on SQLite the batches are written one after the other.
    """
    code = _resolve_code(municipality, source_code)
    postgres = connection.vendor == "postgresql"
    caller = current_or_none()
    if caller is not None and caller.municipality_id != municipality.pk:
        raise ValueError("the active TenantContext is another municipality's")
    ctx = caller or TenantContext(
        municipality_id=municipality.pk, acting_municipality_id=municipality.pk,
        staff_id=approver.pk, purpose=_PURPOSE,
    )
    stats = LoadStats()
    start = time.perf_counter()
    addresses = _AddressCache()
    plans = _plans(code, residents, seed, effective_date, history_share)
    meta = {"source_code": code, "seed": seed}
    pipeline = _Pipeline(ctx, meta) if postgres and not connection.in_atomic_block else None
    counters: dict[str, int] | None = None
    try:
        for chunk in _chunks(plans, batch):
            with _as(municipality, approver):
                if pipeline is not None:
                    ids = addresses.ensure(chunk)  # autocommit: committed before the batch
                    if counters is None:
                        counters = _read_counters(_COUNTERS)
                    b = _build(chunk, ids, ctx, clerk, approver, counters, code, seed, postgres)
                    counters = dict(b.counters)
                    b.payload = _PostgresWriter().encode(b)
                    pipeline.submit(b)
                else:
                    with transaction.atomic():
                        locked = _lock_counters(_COUNTERS)
                        ids = addresses.ensure(chunk)
                        b = _build(chunk, ids, ctx, clerk, approver,
                                   {n: c.value for n, c in locked.items()}, code, seed, postgres)
                        _commit_batch(b, meta)
            stats.residents += b.residents
            stats.households += len(chunk)
            stats.events += len(b.events)
            stats.moves += b.moves
            stats.facts += len(b.facts)
            if progress is not None:
                progress(stats.residents, residents)
        if pipeline is not None:
            pipeline.close()
            pipeline = None
    finally:
        if pipeline is not None:
            pipeline.abort()
    stats.seconds = time.perf_counter() - start
    return stats


def _build(chunk: Sequence[_HouseholdPlan], address_ids: Mapping[str, int], ctx: TenantContext,
           clerk: Any, approver: Any, counters: Mapping[str, int], code: str, seed: int,
           postgres: bool) -> _Batch:
    source = _IdSource(_reserve_postgres if postgres else _reserve_sqlite)
    source.reserve({
        "household": len(chunk), "person": sum(p.residents for p in chunk),
        "event": len(chunk) + sum(p.move_on is not None for p in chunk),
    })
    b = _Batch(ctx.municipality_id, clerk.pk, approver.pk, dict(counters), source, timezone.now())
    for plan in chunk:
        hh = plan.household
        hid, *pids = b.move_in(plan, move_in_request(plan, address_ids, seed),
                               _key(code, seed, hh.seq, "move_in"))
        b.residents += plan.residents
        if plan.move_on is not None:
            b.move_within(plan, hid, pids, address_ids, _key(code, seed, hh.seq, "move_within"))
            b.moves += 1
    return b


def _commit_batch(b: _Batch, meta: Mapping[str, Any]) -> None:
    """Write one batch in the current transaction under the active context."""
    from jichitai.audit.recording import record

    from .models import Counter

    locked = _lock_counters(_COUNTERS)  # first statement: also sends the RLS setting
    for name, c in locked.items():
        if c.value != b.start[name]:
            raise RuntimeError(
                f"counter {name} moved during the load ({c.value} != {b.start[name]}): "
                "something else is writing this register"
            )
    (_PostgresWriter() if connection.vendor == "postgresql" else _SqliteWriter()).write(b)
    for name, c in locked.items():
        Counter.objects.filter(pk=c.pk).update(value=b.counters[name])
    record(
        "operation", "registry.bulk_load", subject_type="registry", function="registry.load_bulk",
        detail={**meta, "households": len(b.households), "residents": b.residents,
                "events": len(b.events), "facts": len(b.facts),
                "first_approval_seq": b.start["approval_seq"] + 1,
                "last_approval_seq": b.counters["approval_seq"]},
    )


class _Pipeline:
    """A writer thread with its own connection: commits batches in order, one queued at most."""

    def __init__(self, ctx: TenantContext, meta: Mapping[str, Any]) -> None:
        import queue
        import threading

        self.ctx = ctx
        self.meta = dict(meta)
        self.queue: queue.Queue[_Batch | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="registry-load-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from django.db import connections

        try:
            with activate(self.ctx):
                while (b := self.queue.get()) is not None:
                    if self.error is not None:
                        continue  # drain: the main thread learns of the error on its next submit
                    try:
                        with transaction.atomic():
                            _commit_batch(b, self.meta)
                    except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                        self.error = exc
        finally:
            connections.close_all()  # this thread's connections only

    def submit(self, b: _Batch) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(b)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def abort(self) -> None:
        self.error = self.error or RuntimeError("load aborted")
        self.queue.put(None)
        self.thread.join()


# ---------------------------------------------------------------------------------------------
# Writers


class _SqliteWriter:
    def write(self, b: _Batch) -> None:
        from .models import EventFact, Household, Person, RegistryEvent

        # foreign keys are deferred to commit, so households may name heads inserted after them
        Household.objects.bulk_create([Household(**r) for r in b.household_rows()], batch_size=500)
        Person.objects.bulk_create([Person(**r) for r in b.person_rows()], batch_size=500)
        RegistryEvent.objects.bulk_create([RegistryEvent(**e) for e in b.events], batch_size=500)
        EventFact.objects.bulk_create(
            [
                EventFact(event_id=f[0], entity=f[1], entity_id=f[2], field=f[3], before=f[4],
                          after=f[5], effective_date=dt.date.fromisoformat(f[6]), approval_seq=f[7])
                for f in b.facts
            ],
            batch_size=1000,
        )


_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_JSON_UNSAFE = frozenset('"\\') | frozenset(chr(c) for c in range(0x20))


def _json_dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPE)


def _json_str(value: str) -> str:
    return f'"{value}"' if _JSON_UNSAFE.isdisjoint(value) else _json_dump(value)


# Fact values as JSON text escaped for COPY's text format (None is SQL NULL, as Django stores it).
_JSON_TEXT: dict[type, Callable[[Any], str]] = {
    type(None): lambda v: "\\N", str: _json_str, bool: lambda v: "true" if v else "false",
    int: str, dict: _json_dump, list: _json_dump, float: _json_dump,
}
# Column values in COPY's text format.
_COPY_TEXT: dict[type, Callable[[Any], str]] = {
    type(None): lambda v: "\\N", str: lambda v: v.translate(_COPY_ESCAPE),
    bool: lambda v: "t" if v else "f", int: str, dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat, dict: _json_dump, list: _json_dump,
}
_FACT_COLUMNS = ("event_id", "entity", "entity_id", "field", "before", "after", "effective_date",
                 "approval_seq", "municipality_id")


class _PostgresWriter:
    """COPY into temporary staging tables, then INSERT … SELECT under the RLS policy."""

    @staticmethod
    def _stage(cur: Any, model: Any, columns: Sequence[str]) -> str:
        stage = f"_load_{model._meta.db_table}"
        cur.execute(f'DROP TABLE IF EXISTS "{stage}"')
        cur.execute(
            f'CREATE TEMP TABLE "{stage}" ON COMMIT DROP AS '
            f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} '
            f'FROM "{model._meta.db_table}" WITH NO DATA'
        )
        return stage

    def _load(self, cur: Any, model: Any, columns: Sequence[str], lines: Iterable[str | bytes],
              order_by: str | None = None) -> None:
        stage = self._stage(cur, model, columns)
        if order_by:
            cur.execute(f'ALTER TABLE "{stage}" ADD COLUMN "{order_by}" bigserial')
        cols = ", ".join(f'"{c}"' for c in columns)
        with cur.copy(f'COPY "{stage}" ({cols}) FROM STDIN') as cp:
            for data in lines:  # COPY text: str lines or bytes blocks
                cp.write(data.encode() if isinstance(data, str) else data)
        order = f' ORDER BY "{order_by}"' if order_by else ""
        cur.execute(
            f'INSERT INTO "{model._meta.db_table}" ({cols}) SELECT {cols} FROM "{stage}"{order}'
        )
        cur.execute(f'DROP TABLE "{stage}"')

    @staticmethod
    def _rows(model: Any, rows: Iterable[Mapping[str, Any]]) -> tuple[list[str], Iterator[str]]:
        fields = [(f.attname, f.column) for f in model._meta.concrete_fields]
        names = [a for a, _ in fields]
        fmt = _COPY_TEXT
        return [c for _, c in fields], (
            "\t".join([fmt[type(v)](v) for v in map(r.get, names)]) + "\n" for r in rows
        )

    def encode(self, b: _Batch) -> list[tuple[Any, Sequence[str], bytes, str | None]]:
        """The batch as COPY text per table (built by the loading thread, sent by the writer)."""
        from .models import EventFact, Household, Person, RegistryEvent

        out: list[tuple[Any, Sequence[str], bytes, str | None]] = []
        for model, rows in ((Household, b.household_rows()), (Person, b.person_rows()),
                            (RegistryEvent, b.events)):
            cols, lines = self._rows(model, rows)
            out.append((model, cols, "".join(lines).encode(), None))
        tail = f"\t{b.mid}\n"
        j = _JSON_TEXT
        facts = "".join([
            f"{f[0]}\t{f[1]}\t{f[2]}\t{f[3]}\t{j[type(f[4])](f[4])}\t{j[type(f[5])](f[5])}\t"
            f"{f[6]}\t{f[7]}{tail}" for f in b.facts
        ])
        out.append((EventFact, _FACT_COLUMNS, facts.encode(), "_ord"))
        return out

    def write(self, b: _Batch) -> None:
        payload = b.payload if b.payload is not None else self.encode(b)
        b.payload = None
        with connection.connection.cursor() as cur:
            for model, cols, data, order_by in payload:
                self._load(cur, model, cols, [data], order_by)
