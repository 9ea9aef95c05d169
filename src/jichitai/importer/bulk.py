"""Loading synthetic residents in bulk: the rows ``load_via_events`` would write (events, facts in
the planner's order, projections, counters), built here from the register's own conventions and
written one transaction per batch (COPY on PostgreSQL, pipelined with the building of the next)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jichitai.registry import numbering, relationships, rules
from jichitai.registry.conventions import (
    BOOL_FIELDS,
    HOUSEHOLD_FIELDS,
    PERSON_FIELDS,
    household_creation,
    name_keys,
    not_null_text,
    person_creation,
    to_python,
)
from jichitai.registry.errors import violation
from jichitai.tenancy.context import TenantContext, activate, current_or_none

from .synthetic import (
    PURPOSE,
    AddressCache,
    HouseholdPlan,
    LoadStats,
    Progress,
    as_staff,
    chunks,
    household_plans,
    load_key,
    move_in_request,
    move_request,
    resolve_code,
)
from .writers import PostgresWriter, SqliteWriter


class _Batch:
    """The rows of one transaction, built exactly as the register's planner and writer would build
    them for the same requests (tests compare the two loaders row by row)."""

    def __init__(self, mid: int, clerk_id: int, counters: dict[str, int],
                 ids: _IdSource, now: dt.datetime) -> None:
        self.mid = mid
        self.clerk_id = clerk_id
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
            "entered_by_id": self.clerk_id, "registered_at": self.now, "approval_seq": seq, "rejected_reason": "",
            "request": request, "base_versions": base_versions, "target_id": None,
            "idempotency_key": key, "household_id": household_id,
            "touches": {e: sorted(int(i) for i in base_versions[e]) for e in ("person", "household")},
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

    def move_in(self, plan: HouseholdPlan, request: dict[str, Any], key: str) -> list[int]:
        """転入 of a new household; the facts the planner writes for it (registry.conventions)."""
        effective = plan.move_in
        iso = effective.isoformat()
        req = request
        hid = self.ids.take("household")
        pids = [self.ids.take("person") for _ in req["persons"]]
        event_id, seq = self._event("move_in", effective, req, key, hid,
                                    {"person": {}, "household": {}})
        ev = (event_id, seq, iso)
        self.households[hid] = {}
        for name, value in household_creation(req["household"]["new"]):
            self._fact(ev, "household", hid, name, None, value)
        for pid, spec in zip(pids, req["persons"], strict=True):
            _validate(spec)
            self.persons[pid] = {}
            for name, value in person_creation(spec, hid, iso):
                self._fact(ev, "person", pid, name, None, value)
            self._fact(ev, "person", pid, "previous_address", "", req.get("previous_address", ""))
            self._fact(ev, "person", pid, "reported_on", None, iso)
        self._fact(ev, "household", hid, "head_id", None, pids[0])
        for pid in pids:
            self._fact(ev, "person", pid, "atena_no", None, numbering.atena_no(self._next("atena_no")))
        self._fact(ev, "household", hid, "household_no", None, numbering.household_no(self._next("household_no")))
        self._touched([("household", hid), *(("person", p) for p in pids)])
        return [hid, *pids]

    def move_within(self, plan: HouseholdPlan, hid: int, pids: list[int],
                    address_ids: Mapping[str, int], key: str) -> None:
        """転居 of the whole household; mirrors plan_event(MOVE_WITHIN) with no one left behind."""
        effective = plan.move_on
        assert effective is not None
        iso = effective.isoformat()
        req = move_request(pids, plan.household.address, address_ids)
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

    # -- the projection rows, folded from the facts (as the register's writer does) ------------
    def person_rows(self) -> list[dict[str, Any]]:
        return person_rows(self.persons, self.versions, self.mid)

    def household_rows(self) -> list[dict[str, Any]]:
        return [
            {**{f: row.get(f) for f in HOUSEHOLD_FIELDS}, "id": hid,
             "municipality_id": self.mid, "version": self.versions[("household", hid)]}
            for hid, row in self.households.items()
        ]


def person_rows(persons: Mapping[int, Mapping[str, Any]], versions: Mapping[tuple[str, int], int],
                mid: int) -> list[dict[str, Any]]:
    """Person projection rows folded from logged values (as the register's writer folds facts)."""
    from jichitai.registry.models import Person

    out = []
    not_null = not_null_text(Person)
    for pid, row in persons.items():
        values = {f: to_python(f, row.get(f)) for f in PERSON_FIELDS}
        for f, v in values.items():
            if v is None and f in not_null:
                values[f] = ""
            elif v is None and f in BOOL_FIELDS:
                values[f] = False
        values.update(id=pid, municipality_id=mid, version=versions[("person", pid)])
        values.update(name_keys(row))
        out.append(values)
    return out


_VALID_NAMES: set[tuple[str, str, str]] = set()


def _validate(spec: Mapping[str, Any]) -> None:
    """``rules.validate_new_person``, with each (氏, 名) spelling checked by ``moji`` only once.

    The name check (``rules.validate_name``: required 氏, printable characters, each field on its
    own) is most of the cost and depends on the spelling alone; the rest of the row is checked for
    every person.
    """
    family, given = str(spec.get("family_name") or ""), str(spec.get("given_name") or "")
    kind = str(spec.get("resident_type") or "")  # Latin letters only in a foreign resident's name
    for checked in (("family_name", family, kind), ("given_name", given, kind)):
        if checked not in _VALID_NAMES:
            rules.validate_name({"family_name": "氏", "given_name": "", checked[0]: checked[1], "resident_type": kind})
            if len(_VALID_NAMES) > 200_000:
                _VALID_NAMES.clear()
            _VALID_NAMES.add(checked)
    rules.validate_new_person({**spec, "family_name": "氏", "given_name": "名"})
    relationship = str(spec.get("relationship") or "")
    if not relationships.is_standard(relationship):  # the typed request's check; this path skips it
        raise violation("invalid", f"続柄: {relationships.problem(relationship)}", "relationship")


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
    from jichitai.registry.models import Household, Person, RegistryEvent

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
    from jichitai.registry.models import Counter

    # The first statement of the transaction: it also sends the RLS setting (tenancy.rls).
    for name in names:
        Counter.objects.get_or_create(name=name)
    return {c.name: c for c in Counter.objects.select_for_update().filter(name__in=list(names))}


def _read_counters(names: Sequence[str]) -> dict[str, int]:
    from jichitai.registry.models import Counter

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
    code = resolve_code(municipality, source_code)
    postgres = connection.vendor == "postgresql"
    caller = current_or_none()
    if caller is not None and caller.municipality_id != municipality.pk:
        raise ValueError("the active TenantContext is another municipality's")
    ctx = caller or TenantContext(
        municipality_id=municipality.pk, acting_municipality_id=municipality.pk,
        staff_id=approver.pk, purpose=PURPOSE,
    )
    stats = LoadStats()
    start = time.perf_counter()
    addresses = AddressCache()
    plans = household_plans(code, residents, seed, effective_date, history_share)
    meta = {"source_code": code, "seed": seed}
    pipeline = _Pipeline(ctx, meta) if postgres and not connection.in_atomic_block else None
    counters: dict[str, int] | None = None
    try:
        for chunk in chunks(plans, batch):
            with as_staff(municipality, approver):
                if pipeline is not None:
                    ids = addresses.ensure(chunk)  # autocommit: committed before the batch
                    if counters is None:
                        counters = _read_counters(_COUNTERS)
                    b = _build(chunk, ids, ctx, clerk, approver, counters, code, seed, postgres)
                    counters = dict(b.counters)
                    b.payload = PostgresWriter().encode(b)
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


def _build(chunk: Sequence[HouseholdPlan], address_ids: Mapping[str, int], ctx: TenantContext,
           clerk: Any, approver: Any, counters: Mapping[str, int], code: str, seed: int,
           postgres: bool) -> _Batch:
    source = _IdSource(_reserve_postgres if postgres else _reserve_sqlite)
    source.reserve({
        "household": len(chunk), "person": sum(p.residents for p in chunk),
        "event": len(chunk) + sum(p.move_on is not None for p in chunk),
    })
    b = _Batch(ctx.municipality_id, clerk.pk, dict(counters), source, timezone.now())
    for plan in chunk:
        hh = plan.household
        hid, *pids = b.move_in(plan, move_in_request(plan, address_ids, seed),
                               load_key(code, seed, hh.seq, "move_in"))
        b.residents += plan.residents
        if plan.move_on is not None:
            b.move_within(plan, hid, pids, address_ids, load_key(code, seed, hh.seq, "move_within"))
            b.moves += 1
    return b


def _commit_batch(b: _Batch, meta: Mapping[str, Any]) -> None:
    """Write one batch in the current transaction under the active context."""
    from jichitai.audit.recording import record
    from jichitai.registry.models import Counter

    locked = _lock_counters(_COUNTERS)  # first statement: also sends the RLS setting
    for name, c in locked.items():
        if c.value != b.start[name]:
            raise RuntimeError(
                f"counter {name} moved during the load ({c.value} != {b.start[name]}): "
                "something else is writing this register"
            )
    (PostgresWriter() if connection.vendor == "postgresql" else SqliteWriter()).write(b)
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


