"""The register back out as interchange records (データ移行の出力): every person with the full-row
history the event log replays (``registry.replay``), up to a date.

A migration export is a whole-register transfer: it needs ``migration.run``; persons under 支援措置
are carried in full (``PersonRecord.protected`` set, so the next system registers the measure
again) and each one writes a 支援措置 access alert; 個人番号 only with ``include_restricted``. One
``MigrationRun`` (direction ``export``) and one ``registry.migration_export`` entry per export.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from jichitai.accounts.capabilities import require_capability
from jichitai.registry.conventions import DATE_FIELDS, to_python

from .migration import CAPABILITY, as_staff
from .migration_build import NATIONALITY_KINDS
from .records import HistoryEntry, PersonRecord, frozen, full_person, person_items

PURPOSE = "データ移行（住民記録の出力）"
_READ_REASON = "データ移行: 全件出力（出力件数を操作ログに記録）"
CHUNK = 2000


def export_records(
    *, municipality: Any, as_of: dt.date | None = None, include_restricted: bool = False, staff: Any
) -> Iterator[PersonRecord]:
    """Every person's record with their history up to ``as_of`` (all of it when None), by 宛名番号."""
    with as_staff(municipality, staff, PURPOSE):
        require_capability(staff, CAPABILITY, municipality.pk)
        ids, protected, towns = _start(as_of, include_restricted, staff)
    for chunk in _chunks(ids):
        with as_staff(municipality, staff, PURPOSE):
            records = _chunk(chunk, as_of, include_restricted, protected, towns)
        yield from join_nationality_changes(records)


def _chunks(ids: list[tuple[int, str]]) -> Iterator[list[int]]:
    """``CHUNK`` persons at a time, never splitting one 宛名番号's 住民票 across two chunks."""
    chunk: list[int] = []
    for n, (pk, atena) in enumerate(ids):
        chunk.append(pk)
        if len(chunk) >= CHUNK and (n + 1 == len(ids) or ids[n + 1][1] != atena):
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def join_nationality_changes(records: list[PersonRecord]) -> list[PersonRecord]:
    """One record per 宛名番号: after a 帰化・国籍取得・国籍喪失 the register keeps the old 住民票 (消除)
    and a new one under the same 宛名番号 ([930]–[950]); the interchange carries them as one
    history, the 住民種別 changing at that entry (the import splits it again, migration_build)."""
    out: list[PersonRecord] = []
    for r in records:
        prev = out[-1] if out else None
        if (
            prev is not None and prev.atena_no == r.atena_no and prev.history and r.history
            and prev.history[-1].reason in NATIONALITY_KINDS
            and prev.history[-1].person.get("status") == "deleted"
            and r.history[0].reason == prev.history[-1].reason
        ):  # fmt: skip
            history = [*prev.history[:-1], *r.history]
            out[-1] = PersonRecord(
                atena_no=r.atena_no,
                history=tuple(replace(e, seq=n) for n, e in enumerate(history, start=1)),
                protected=prev.protected or r.protected,
            )
        else:
            out.append(r)
    return out


def _start(
    as_of: dt.date | None, include_restricted: bool, staff: Any
) -> tuple[list[tuple[int, str]], set[int], dict[int, Any]]:
    from jichitai.audit.recording import record
    from jichitai.registry.models import AddressEntry, MigrationRun, Person
    from jichitai.registry.selectors import access

    ids = list(
        Person.objects.without_read_log(_READ_REASON)
        .exclude(status="void")
        .order_by("atena_no", "pk")
        .values_list("pk", "atena_no")
    )
    protected = access.protected_ids([pk for pk, _ in ids])
    run = MigrationRun.objects.create(
        direction="export",
        run_key=f"export-{uuid.uuid4().hex}",
        staff=staff,
        persons=len(ids),
        detail={
            "as_of": as_of.isoformat() if as_of else None,
            "include_restricted": include_restricted,
            "protected": len(protected),
        },
    )
    record(
        "operation",
        "registry.migration_export",
        subject_type="registry",
        function="importer.export_records",
        my_number_shown=include_restricted,
        detail={
            "run": run.run_key,
            "persons": len(ids),
            "as_of": run.detail["as_of"],
            "include_restricted": include_restricted,
            "protected": len(protected),
        },
    )
    for pid in sorted(protected):  # carried in full: every protected person exported is alerted
        access.alert_access(
            pid,
            screen="データ移行（全件出力）",
            function="export_records",
            detail={"run": run.run_key, "masked": False},
        )
    towns = {a.pk: a for a in AddressEntry.objects.all()}
    return ids, protected, towns


def _chunk(
    ids: list[int],
    as_of: dt.date | None,
    include_restricted: bool,
    protected: set[int],
    towns: dict[int, Any],
) -> list[PersonRecord]:
    from jichitai.registry.facts import facts_for
    from jichitai.registry.models import RegistryEvent
    from jichitai.registry.replay import canonical_order, item_defaults

    person_facts = facts_for("person", ids, until=as_of)
    hids = {f.after for fs in person_facts.values() for f in fs if f.field == "household_id"}
    household_facts = facts_for("household", [h for h in hids if isinstance(h, int)], until=as_of)
    seqs = {f.approval_seq for fs in person_facts.values() for f in fs}
    events = {  # only what an entry reads: the other JSON columns are not parsed
        e.approval_seq: e
        for e in RegistryEvent.objects.filter(approval_seq__in=sorted(seqs)).only(
            "approval_seq", "kind", "reported_date", "request"
        )
    }
    items = person_items()
    households = _HouseholdStates(household_facts)
    out: list[PersonRecord] = []
    for pid in ids:
        facts = sorted(person_facts.get(pid, []), key=canonical_order)
        if not facts:
            continue
        # the facts up to a (異動日, 本登録順) key are a prefix of the canonical order: the state
        # at each key is the running fold, not a fold from the start for every key
        history, row, state, n = [], None, {}, 0
        for i, f in enumerate(facts):
            state[f.field] = f.after
            key = (f.effective_date, f.approval_seq)
            if (
                i + 1 < len(facts)
                and (facts[i + 1].effective_date, facts[i + 1].approval_seq) == key
            ):
                continue
            n += 1
            row = dict(state)
            item_defaults(row)
            history.append(
                _entry(
                    n,
                    key,
                    events.get(key[1]),
                    row,
                    households.at(row.get("household_id"), key),
                    items,
                    include_restricted,
                    towns,
                )
            )
        if row is None or row.get("status") in (None, "void"):
            continue
        out.append(
            PersonRecord(
                atena_no=str(row.get("atena_no") or ""),
                history=tuple(history),
                protected=pid in protected,
            )
        )
    return out


class _HouseholdStates:
    """A household's state at a (異動日, 本登録順) key: the fold of its facts up to it, each prefix
    folded once (the members of a household share it)."""

    def __init__(self, facts: dict[Any, list[Any]]) -> None:
        from jichitai.registry.replay import canonical_order

        self.facts = {h: sorted(fs, key=canonical_order) for h, fs in facts.items()}
        self.keys = {
            h: [(f.effective_date, f.approval_seq) for f in fs] for h, fs in self.facts.items()
        }
        self.done: dict[tuple[Any, int], dict[str, Any]] = {}

    def at(self, hid: Any, key: tuple[str, int]) -> dict[str, Any]:
        keys = self.keys.get(hid)
        if not keys:
            return {}
        n = bisect.bisect_right(keys, key)
        hit = self.done.get((hid, n))
        if hit is None:
            hit = self.done[(hid, n)] = {f.field: f.after for f in self.facts[hid][:n]}
        return hit


def _entry(
    n: int,
    key: tuple[str, int],
    event: Any,
    row: dict[str, Any],
    hrow: dict[str, Any],
    items: tuple[str, ...],
    include_restricted: bool,
    towns: dict[int, Any],
) -> HistoryEntry:
    get = row.get
    person = {f: get(f) for f in items}
    for f in DATE_FIELDS.intersection(person):  # to_python: a logged date is ISO text
        if isinstance(person[f], str):
            person[f] = to_python(f, person[f])
    if not include_restricted:
        person["my_number"] = ""
    migration = ((event.request or {}).get("migration") or {}) if event is not None else {}
    effective = dt.date.fromisoformat(key[0])
    if "effective_on" in migration:
        effective = (
            dt.date.fromisoformat(migration["effective_on"]) if migration["effective_on"] else None
        )
    town = towns.get(hrow.get("address_id"))
    household = {
        "household_no": str(hrow.get("household_no") or ""),
        "town_code": town.town_code if town else "",
        "town_name": town.name if town else "",
        "banchi": str(hrow.get("banchi") or ""),
        "katagaki": str(hrow.get("katagaki") or ""),
        "postal_code": town.postal_code if town else "",
    }
    return HistoryEntry(
        seq=n,
        reason=str(migration.get("reason") or (event.kind if event is not None else "")),
        effective_on=effective,
        reported_on=event.reported_date if event is not None else None,
        person=frozen(full_person(person)),
        household=frozen(household),
    )
