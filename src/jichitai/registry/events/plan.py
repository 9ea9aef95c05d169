"""Planning: what an event would change, as facts against the rows it was planned on.

The planner loads the current projection rows an event touches (from a batch's snapshot where it
can), collects the field changes (facts) and records the versions it read. It writes nothing: the
writer does, at approval. The per-kind modules in ``kinds/`` drive it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import rules
from ..conventions import (
    HEAD,
    HOUSEHOLD_FIELDS,
    PERSON_FIELDS,
    household_creation,
    iso,
    person_creation,
)
from ..errors import RuleViolation, violation
from ..models import Household, Person, PersonStatus

# Loads that validate or project an event and show nothing to anyone (not a read of the person).
INTERNAL = "異動の審査・反映（画面表示なし）"


@dataclass
class PlannedFact:
    entity: str
    ref: int | str  # an id, or "new:<ref>" for an entity the event creates
    field: str
    before: Any
    after: Any


@dataclass
class Plan:
    facts: list[PlannedFact] = field(default_factory=list)
    new_households: list[str] = field(default_factory=list)
    new_persons: list[str] = field(default_factory=list)
    base_versions: dict[str, dict[str, int]] = field(
        default_factory=lambda: {"person": {}, "household": {}}
    )
    warnings: list[RuleViolation] = field(default_factory=list)
    main_household: int | str | None = None
    # existing rows the plan read or writes (incl. households whose member list it depends on)
    footprint: set[tuple[str, int]] = field(default_factory=set)
    # existing rows the plan changes, as they will read afterwards (None: replay the log instead)
    after: dict[tuple[str, int], dict[str, Any]] | None = None
    # the rows the event is about: loaded, changed, or whose members it read (not merely the
    # household a loaded person row names)
    about: set[tuple[str, int]] = field(default_factory=set)
    # new persons who take an existing 宛名番号 instead of a new one ([930]–[950])
    carried_numbers: dict[str, str] = field(default_factory=dict)
    # write the persons it takes out of the live register first (a 帰化 and its 取消: two rows that
    # hold one number are never live together, even for a moment; see writer._retire_first)
    retire_first: bool = False

    def touches(self) -> dict[str, list[int]]:
        """Who the event is about, as a provisional event stores it (支援措置 masking)."""
        return {e: sorted(i for k, i in self.about if k == e) for e in ("person", "household")}


def headless_alert(remaining: int) -> RuleViolation:
    """[490]#2: the alert when a head leaves two or more without a successor (confirmed like a
    duplicate; then [500] offers the 世帯主変更依頼通知書)."""
    return RuleViolation(
        "headless", f"世帯主が世帯からいなくなり、残る世帯員{remaining}人の世帯主のいない世帯（世帯主なし）に"
        "なります。この異動の前に世帯主変更を入力するか、新しい世帯主を指定してください。"
        "このまま登録する場合は確認してください（世帯主変更依頼通知書を出力できます）。", "new_head_id")


def require_not_gone(row: Mapping[str, Any], on: dt.date) -> None:
    """[50]#1: from the 転出予定日 on, a 転出予定者 is a 転出者 (only the 転入通知, a 転出確定, takes them)."""
    planned = row.get("move_out_planned_on")
    if row.get("status") == PersonStatus.RESIDENT and planned and str(planned) <= on.isoformat():
        from jichitai.wareki import format_date

        raise violation("moved_out", f"転出予定日（{format_date(dt.date.fromisoformat(str(planned)))}）を過ぎた住民は"
                        "転出者です（転入通知は転出確定で入力します）。", "person_ids")


def row_dict(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: iso(getattr(obj, f)) for f in fields}


@dataclass
class Snapshot:
    """Projection rows loaded up front for a batch of events (one query per table, not per row).

    ``members`` is complete for every household in it; ``versions`` holds every row loaded,
    active or not, so approval can compare them with the versions an event was entered against.
    """

    persons: dict[int, tuple[dict[str, Any], int]] = field(default_factory=dict)
    households: dict[int, tuple[dict[str, Any], int]] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)
    versions: dict[str, dict[str, int]] = field(default_factory=lambda: {"person": {}, "household": {}})

    def add_person(self, obj: Any) -> None:
        self.persons[obj.pk] = (row_dict(obj, PERSON_FIELDS), obj.version)
        self.versions["person"][str(obj.pk)] = obj.version

    def add_household(self, obj: Any) -> None:
        if obj.active:
            self.households[obj.pk] = (row_dict(obj, HOUSEHOLD_FIELDS), obj.version)
        self.versions["household"][str(obj.pk)] = obj.version


def load_snapshot(person_ids: Iterable[int], household_ids: Iterable[int], *, lock: bool) -> Snapshot:
    """Load persons, households and the households' resident members in at most three queries.

    ``lock``: households first, then persons, each in id order (the order every approval locks
    in, so two approvals wait for each other instead of deadlocking), held until commit.
    """
    from django.db.models import Q

    snap = Snapshot()
    pids, hids = set(person_ids), set(household_ids)
    persons = Person.objects.without_read_log(INTERNAL)
    if not lock and pids:
        for obj in persons.filter(pk__in=sorted(pids)):
            snap.add_person(obj)
            if obj.household_id is not None:
                hids.add(obj.household_id)
        pids = set()
    if hids:
        hq = Household.objects.filter(pk__in=sorted(hids)).order_by("pk")
        for obj in (hq.select_for_update() if lock else hq):
            snap.add_household(obj)
        snap.members = {h: [] for h in hids}
    if pids or hids:
        cond = Q(household_id__in=sorted(hids), status=PersonStatus.RESIDENT) if hids else Q(pk__in=[])
        if pids:
            cond |= Q(pk__in=sorted(pids))
        pq = persons.filter(cond).order_by("pk")
        for obj in (pq.select_for_update() if lock else pq):
            snap.add_person(obj)
            if obj.household_id in hids and obj.status == PersonStatus.RESIDENT:
                snap.members[obj.household_id].append(obj.pk)
    return snap


class Planner:
    """Loads the current projections an event touches and collects its facts."""

    def __init__(self, event_date: dt.date, snapshot: Snapshot | None = None,
                 reported: dt.date | None = None) -> None:
        self.plan = Plan()
        self.date = event_date
        self.reported = reported
        self.snapshot = snapshot or Snapshot()
        self.persons: dict[int | str, dict[str, Any]] = {}
        self.households: dict[int | str, dict[str, Any]] = {}
        self.touched: list[int | str | None] = []  # households whose head rule is checked
        self._loaded_households: set[int] = set()
        self._members_at_load: dict[int, set[int | str]] = {}
        self._read: set[tuple[str, int]] = set()  # rows read without being loaded for change

    # -- loading -----------------------------------------------------------------------------
    def _take(self, entity: str, pk: int, row: dict[str, Any], version: int) -> None:
        (self.persons if entity == "person" else self.households)[pk] = dict(row)
        self.plan.base_versions[entity][str(pk)] = version

    def person(self, pid: int | str, *, must_be_resident: bool = True) -> dict[str, Any]:
        if pid not in self.persons and isinstance(pid, int) and pid in self.snapshot.persons:
            self._take("person", pid, *self.snapshot.persons[pid])
        if pid not in self.persons:
            obj = Person.objects.without_read_log(INTERNAL).filter(pk=pid).first() if isinstance(pid, int) else None
            if obj is None:
                raise violation("not_found", f"住民（ID {pid}）が見つかりません。", "person_id")
            self._take("person", obj.pk, row_dict(obj, PERSON_FIELDS), obj.version)
        row = self.persons[pid]
        if must_be_resident:
            rules.require_resident(row)
            rules.require_not_before_birth(row, self.date)
            require_not_gone(row, self.date)
        return row

    def household(self, hid: int | str) -> dict[str, Any]:
        if hid not in self.households and isinstance(hid, int) and hid in self.snapshot.households:
            self._take("household", hid, *self.snapshot.households[hid])
        if hid not in self.households:
            obj = Household.objects.filter(pk=hid, active=True).first() if isinstance(hid, int) else None
            if obj is None:
                raise violation("not_found", f"世帯（ID {hid}）が見つかりません。", "household_id")
            self._take("household", obj.pk, row_dict(obj, HOUSEHOLD_FIELDS), obj.version)
        return self.households[hid]

    def members(self, hid: Any) -> list[int | str]:
        """Current resident members of a household after the facts planned so far."""
        ids: set[int | str] = set()
        if isinstance(hid, int):
            if hid not in self._loaded_households and hid in self.snapshot.members:
                for pk in self.snapshot.members[hid]:
                    if pk not in self.persons:
                        self._take("person", pk, *self.snapshot.persons[pk])
                    self._members_at_load.setdefault(hid, set()).add(pk)
                self._loaded_households.add(hid)
            if hid not in self._loaded_households:
                # one query loads every member (and records the versions it was checked against)
                for obj in Person.objects.without_read_log(INTERNAL).filter(
                    household_id=hid, status=PersonStatus.RESIDENT
                ):
                    if obj.pk not in self.persons:
                        self._take("person", obj.pk, row_dict(obj, PERSON_FIELDS), obj.version)
                    self._members_at_load.setdefault(hid, set()).add(obj.pk)
                self._loaded_households.add(hid)
            ids |= self._members_at_load.get(hid, set())
        for pid, row in self.persons.items():
            if row.get("household_id") == hid and row.get("status") == PersonStatus.RESIDENT:
                ids.add(pid)
            elif pid in ids:
                ids.discard(pid)
        return sorted(ids, key=str)

    def mark_read(self, entity: str, pk: int) -> None:
        """A row the event is about without changing it (e.g. a 訂正's target event's rows)."""
        self._read.add((entity, pk))

    # -- changing ----------------------------------------------------------------------------
    def set(self, entity: str, ref: int | str, field_name: str, value: Any) -> None:
        table = self.persons if entity == "person" else self.households
        if ref not in table:
            if entity == "person":
                self.person(ref, must_be_resident=False)
            else:
                self.household(ref)
        row = table[ref]
        before = row.get(field_name)
        value = iso(value)
        if before == value and not isinstance(ref, str):
            return
        row[field_name] = value
        self.plan.facts.append(PlannedFact(entity, ref, field_name, before, value))

    def new_household(self, ref: str, address: Mapping[str, Any]) -> str:
        key = f"new:{ref}"
        self.households[key] = {f: None for f in HOUSEHOLD_FIELDS}
        self.plan.new_households.append(key)
        rules.require_address(address)
        for f, v in household_creation(address):
            self.set("household", key, f, v)
        return key

    def new_person(self, spec: Mapping[str, Any], household: int | str, status_date: dt.date) -> str:
        ref = str(spec.get("ref") or f"p{len(self.plan.new_persons) + 1}")
        key = f"new:{ref}"
        if key in self.persons:
            raise violation("duplicate_ref", f"同じ参照名 {ref} の住民が重複しています。", "ref")
        if not spec.get("resident_code"):  # [870]#2: a 未付番者 is numbered from the stock
            from ..resident_codes import draw_for

            spec = draw_for(spec, self.persons.values(), self.plan.warnings)
        self.persons[key] = {f: None for f in PERSON_FIELDS}
        self.plan.new_persons.append(key)
        rules.validate_new_person(spec)
        for f, v in person_creation(spec, household, status_date):
            self.set("person", key, f, v)
        return key

    def set_head(self, hid: int | str, pid: int | str, relationships: Mapping[Any, str] | None = None) -> None:
        self.set("household", hid, "head_id", pid)
        self.set("person", pid, "relationship", HEAD)
        for other, rel in (relationships or {}).items():
            self.person(other)
            self.set("person", other, "relationship", rel)

    def reassign_heads(self, households: Iterable[Any], new_head: int | None,
                       relationships: Mapping[Any, str] | None) -> None:
        """A head who leaves or dies: the successor named; else the one member who remains is made
        head 職権 ([490]#1); else (two or more) the household stays without a head ([100]#1) with
        an alert to enter a 世帯主変更 first ([490]#2; the clerk confirms it)."""
        for hid in {h for h in households if h is not None}:
            hrow = self.households[hid] if hid in self.households else self.household(hid)
            head = hrow.get("head_id")
            remaining = self.members(hid)
            if head is None or head in remaining or not remaining:
                continue
            if new_head is None and len(remaining) == 1:
                self.set_head(hid, remaining[0])
                continue
            if new_head is None:
                self.set("household", hid, "head_id", None)
                self.plan.warnings.append(headless_alert(len(remaining)))
                continue
            if new_head not in remaining:
                raise violation("not_member", "新しい世帯主は残る世帯員から選んでください。", "new_head_id")
            self.set_head(hid, new_head, relationships)

    def check_households(self, hids: Iterable[int | str | None]) -> None:
        for hid in {h for h in hids if h is not None}:
            members = self.members(hid)
            row = self.households[hid] if hid in self.households else self.household(hid)
            if not members:
                if row.get("active"):
                    self.set("household", hid, "active", False)
                    self.set("household", hid, "head_id", None)
                continue
            heads = [m for m in members if self.persons[m].get("relationship") == HEAD]
            if not heads and row.get("head_id") is None and not isinstance(hid, str):
                continue  # [100]#1: an existing household may be without a head (a new one may not)
            if len(heads) != 1 or row.get("head_id") != heads[0]:
                raise violation(
                    "one_head",
                    "世帯には現存する世帯員のうち世帯主がちょうど1人必要です（世帯主を指定してください）。",
                    "head",
                )

    def about(self) -> set[tuple[str, int]]:
        """The rows the event is about: loaded for it, changed by it, or whose members it read."""
        rows = {(e, int(k)) for e in ("person", "household") for k in self.plan.base_versions[e]}
        rows |= {("household", h) for h in self._loaded_households} | self._read
        for f in self.plan.facts:
            if not isinstance(f.ref, str):
                rows.add((f.entity, int(f.ref)))
            if f.field == "household_id":
                rows |= {("household", v) for v in (f.before, f.after) if isinstance(v, int)}
        return rows

    def footprint(self) -> set[tuple[str, int]]:
        """``about`` plus the household of every person row loaded: what two events of one
        approval round must not share."""
        fp = self.about()
        for row in self.persons.values():
            if isinstance(row.get("household_id"), int):
                fp.add(("household", row["household_id"]))
        return fp
