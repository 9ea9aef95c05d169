"""Turning checked interchange records into the register's rows: one approved event per history
entry at its 異動日, the facts that take the person (and their household) from the previous entry's
state to this one's, and the projections folded from them.

The rows have the shape the bulk loader writes (``importer.writers``), so the same writers send
them (COPY under RLS on PostgreSQL, ``bulk_create`` on SQLite). Facts are generated in canonical
order — 異動日, then 本登録順 — so the projection is the last value written, as a replay folds it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from jichitai.registry import reasons
from jichitai.registry.conventions import (
    HEAD,
    HOUSEHOLD_FIELDS,
    ITEM_DEFAULTS,
    ITEM_FIELDS,
    PERSON_FIELDS,
    iso,
)

from .migration_check import effective
from .records import HistoryEntry, PersonRecord, Source, full_household, full_person

# the kinds whose one event makes two 住民票 (帰化・国籍取得・国籍喪失), as the register defines them
NATIONALITY_KINDS = frozenset(reasons.BY_RESIDENT_TYPE)
# the person items a creation always states (the rest only when given, as conventions does)
_CORE = tuple(
    f for f in PERSON_FIELDS if f not in ITEM_FIELDS and f not in ("household_id", "atena_no")
)


class MigrationBatch:
    """Events, facts and projection rows of one import (the interface ``importer.writers`` reads)."""

    def __init__(
        self,
        mid: int,
        staff_id: int,
        run_key: str,
        ids: Any,
        first_seq: int,
        town_ids: Mapping[str, int],
        now: dt.datetime,
    ) -> None:
        self.mid = mid
        self.staff_id = staff_id
        self.run_key = run_key
        self.ids = ids
        self.seq = first_seq - 1
        self.town_ids = town_ids
        self.now = now
        self.payload: Any = None
        self.events: list[dict[str, Any]] = []
        self.facts: list[tuple[Any, ...]] = []
        self.persons: dict[int, dict[str, Any]] = {}  # logged values (ISO dates)
        self.households: dict[int, dict[str, Any]] = {}
        self.versions: dict[tuple[str, int], int] = {}
        self.household_ids: dict[str, int] = {}
        self.members: dict[int, set[int]] = {}  # household id → its resident person ids
        self.lives_in: dict[int, int] = {}  # resident person id → household id

    # -- building --------------------------------------------------------------------------------
    def add_all(
        self, records: Sequence[PersonRecord], kinds: Mapping[tuple[str, int], str]
    ) -> None:
        self.pids = {r.atena_no: self.ids.take("person") for r in records}
        timeline = sorted(
            (
                (effective(e), r.atena_no, e.seq, n, e)
                for r in records
                for n, e in enumerate(r.history)
            ),
            key=lambda t: (t[0], t[1], t[2]),
        )
        for on, atena, seq, n, e in timeline:
            assert on is not None  # checked
            self._entry(atena, n == 0, on, e, kinds[(atena, seq)])

    def _entry(self, atena: str, first: bool, on: dt.date, e: HistoryEntry, kind: str) -> None:
        pid = self.pids[atena]
        hh = full_household(e.household)
        hid = self.household_ids.get(hh["household_no"])
        new_household = hid is None
        if hid is None:
            hid = self.household_ids[hh["household_no"]] = self.ids.take("household")
            self.households[hid] = {}
            self.members[hid] = set()
        event_id = self.ids.take("event")
        self.seq += 1
        ev = (event_id, self.seq, on.isoformat())
        touched: set[tuple[str, int]] = {("person", pid)}
        base_persons = {} if first else {str(pid): self.versions.get(("person", pid), 0)}
        self._household_facts(ev, hid, hh, new_household, touched)
        if not first and changes_nationality(kind, self.persons[pid], e.person):
            # the old 住民票 is 消除 and a new one takes the 宛名番号, as the register writes a
            # 帰化・国籍取得・国籍喪失 ([930]–[950], registry.events.kinds.nationality)
            self._fact(ev, "person", pid, "status", "deleted")
            self._fact(ev, "person", pid, "removed_on", ev[2])
            home = self.lives_in.pop(pid, None)  # the new 住民票 takes its place in the household
            if home is not None:
                self.members[home].discard(pid)
            pid = self.pids[atena] = self.ids.take("person")
            touched.add(("person", pid))
            first = True
        self._person_facts(ev, pid, atena, hid, first, e.person)
        self._membership(ev, pid, hid, touched)
        base = {
            "person": base_persons,
            "household": {}
            if new_household
            else {str(hid): self.versions.get(("household", hid), 0)},
        }
        self.events.append(self._event(ev, kind, on, e, atena, hid, pid, base))
        for k in touched:
            self.versions[k] = self.versions.get(k, 0) + 1

    def _event(
        self,
        ev: tuple[int, int, str],
        kind: str,
        on: dt.date,
        e: HistoryEntry,
        atena: str,
        hid: int,
        pid: int,
        base: dict[str, Any],
    ) -> dict[str, Any]:
        src = e.source if e.source != Source() else Source()
        return {
            "id": ev[0],
            "municipality_id": self.mid,
            "kind": kind,
            "status": "approved",
            "effective_date": on,
            "reported_date": e.reported_on,
            "processed_at": self.now,
            "entered_by_id": self.staff_id,
            "registered_at": self.now,
            "approval_seq": ev[1],
            "rejected_reason": "",
            "target_id": None,
            "household_id": hid,
            "base_versions": base,
            "idempotency_key": f"migration:{self.run_key[:40]}:{atena}:{e.seq}"[:100],
            # the source's 事由 and place are kept on the event: the run is the evidence ([530])
            "request": {
                "migration": {
                    "run": self.run_key,
                    "reason": str(e.reason),
                    "seq": e.seq,
                    "effective_on": iso(e.effective_on),
                    "file": src.file,
                    "line": src.line,
                }
            },
            "touches": {"person": sorted({*map(int, base["person"]), pid}), "household": [hid]},
        }

    def _fact(self, ev: tuple[int, int, str], entity: str, eid: int, name: str, after: Any) -> None:
        row = (self.persons if entity == "person" else self.households)[eid]
        self.facts.append((ev[0], entity, eid, name, row.get(name), after, ev[2], ev[1]))
        row[name] = after

    def _household_facts(
        self,
        ev: tuple[int, int, str],
        hid: int,
        hh: Mapping[str, str],
        new: bool,
        touched: set[tuple[str, int]],
    ) -> None:
        row = self.households[hid]
        wanted = {
            "address_id": self.town_ids[hh["town_code"]],
            "banchi": hh["banchi"],
            "katagaki": hh["katagaki"],
        }
        if new:
            for name, value in (*wanted.items(), ("active", True)):
                self._fact(ev, "household", hid, name, value)
            self._fact(ev, "household", hid, "household_no", hh["household_no"])
            touched.add(("household", hid))
            return
        for name, value in wanted.items():
            if row.get(name) != value:
                self._fact(ev, "household", hid, name, value)
                touched.add(("household", hid))

    def _person_facts(
        self,
        ev: tuple[int, int, str],
        pid: int,
        atena: str,
        hid: int,
        first: bool,
        person: Mapping[str, object],
    ) -> None:
        values = {k: iso(v) for k, v in full_person(person).items()}
        if first:
            self.persons[pid] = {}
            self._fact(ev, "person", pid, "household_id", hid)
            for name in _CORE:
                self._fact(ev, "person", pid, name, values[name])
            for name in ITEM_FIELDS:
                if values[name] != ITEM_DEFAULTS[name]:
                    self._fact(ev, "person", pid, name, values[name])
            self._fact(ev, "person", pid, "atena_no", atena)
            return
        row = self.persons[pid]
        written = len(self.facts)
        if row.get("household_id") != hid:
            self._fact(ev, "person", pid, "household_id", hid)
        for name, value in values.items():
            if row.get(name, ITEM_DEFAULTS.get(name)) != value:
                self._fact(ev, "person", pid, name, value)
        if len(self.facts) == written:
            # an entry that changes none of the person's items (the household moved, or the source
            # recorded a 異動 without a difference) is still a history entry: one fact keeps it there
            self._fact(ev, "person", pid, "reported_on", values["reported_on"])

    def _membership(
        self, ev: tuple[int, int, str], pid: int, hid: int, touched: set[tuple[str, int]]
    ) -> None:
        """Who lives in which household after the entry: the head rule and 現存 follow from it."""
        row = self.persons[pid]
        resident = row.get("status") == "resident"
        other = self.lives_in.get(pid)
        if other is not None and (other != hid or not resident):
            del self.lives_in[pid]
            members = self.members[other]
            members.discard(pid)
            if not members and self.households[other].get("active"):
                self._fact(ev, "household", other, "active", False)
                touched.add(("household", other))
        if not resident:
            hrow = self.households[hid]
            if not self.members[hid] and hrow.get(
                "active"
            ):  # a 除票 whose household has nobody left
                self._fact(ev, "household", hid, "active", False)
                touched.add(("household", hid))
            return
        self.members[hid].add(pid)
        self.lives_in[pid] = hid
        hrow = self.households[hid]
        if not hrow.get("active"):
            self._fact(ev, "household", hid, "active", True)
            touched.add(("household", hid))
        if row.get("relationship") == HEAD and hrow.get("head_id") != pid:
            self._fact(ev, "household", hid, "head_id", pid)
            touched.add(("household", hid))

    # -- the projection rows (importer.writers) ---------------------------------------------------
    def person_rows(self) -> list[dict[str, Any]]:
        from .bulk import person_rows

        return person_rows(self.persons, self.versions, self.mid)

    def household_rows(self) -> list[dict[str, Any]]:
        return [
            {
                **{f: row.get(f) for f in HOUSEHOLD_FIELDS},
                "id": hid,
                "municipality_id": self.mid,
                "version": self.versions.get(("household", hid), 0),
            }
            for hid, row in self.households.items()
        ]


def changes_nationality(kind: str, before: Mapping[str, Any], after: Mapping[str, object]) -> bool:
    """A 帰化・国籍取得・国籍喪失 entry whose 住民種別 differs from the entry before it: a new 住民票."""
    if kind not in NATIONALITY_KINDS:
        return False
    return full_person(before)["resident_type"] != full_person(after)["resident_type"]


def nationality_changes(records: Sequence[PersonRecord], kinds: Mapping[tuple[str, int], str]) -> int:
    """How many new 住民票 the records' 帰化・国籍取得・国籍喪失 entries make (person ids to reserve)."""
    n = 0
    for r in records:
        for before, e in zip(r.history, r.history[1:], strict=False):
            n += changes_nationality(kinds.get((r.atena_no, e.seq), ""), before.person, e.person)
    return n
