"""The register's past, from the event log: a record as of a date, a household's members then,
full-row history snapshots per (宛名番号, 履歴番号), and the whole log replayed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ..conventions import HEAD, iso
from ..facts import facts_for
from ..models import EventFact, PersonStatus, RegistryEvent
from ..replay import Fact, fold, fold_entity


def as_of(person_id: int, date: dt.date, *, known_at: dt.datetime | None = None) -> dict[str, Any] | None:
    """What the person's record said on ``date`` (optionally: as the register knew it then)."""
    facts = facts_for("person", [person_id], until=date, known_at=known_at).get(person_id, [])
    row = fold_entity(facts)
    if row is None or row.get("status") in (None, PersonStatus.VOID.value):
        return None
    return row


def household_as_of(household_id: int, date: dt.date) -> dict[str, Any] | None:
    row = fold_entity(facts_for("household", [household_id], until=date).get(household_id, []))
    if not row or not row.get("active"):
        return None
    members = []
    person_ids = EventFact.objects.filter(
        entity="person", field="household_id", after=household_id, effective_date__lte=date
    ).values_list("entity_id", flat=True).distinct()
    for pid in person_ids:
        prow = as_of(pid, date)
        if prow and prow.get("household_id") == household_id and prow.get("status") == "resident":
            members.append({"person_id": pid, **prow})
    row["members"] = sorted(members, key=lambda m: (m.get("relationship") != HEAD, m["person_id"]))
    return row


def replay_all(until: dt.date | None = None) -> dict[tuple[str, int], dict[str, Any]]:
    """Replay the municipality's whole log (reference implementation for tests and migration)."""
    qs = EventFact.objects.all()
    if until is not None:
        qs = qs.filter(effective_date__lte=until)
    facts = [
        Fact(e, i, f, a, d.isoformat(), s, pk)
        for e, i, f, a, d, s, pk in qs.values_list(
            "entity", "entity_id", "field", "after", "effective_date", "approval_seq", "id"
        )
    ]
    return fold(facts)


def history(person_id: int) -> list[dict[str, Any]]:
    """Full-row snapshots per (宛名番号, 履歴番号) ([200] 1.2.1), oldest first. 処理日時 in the
    municipality's time (Asia/Tokyo), so an approval at 00:10 is that day's."""
    facts = facts_for("person", [person_id]).get(person_id, [])
    by_event: dict[tuple[str, int], list[Fact]] = {}
    for f in facts:
        by_event.setdefault((f.effective_date, f.approval_seq), []).append(f)
    events = {
        e.approval_seq: e
        for e in RegistryEvent.objects.filter(approval_seq__in=[k[1] for k in by_event])
    }
    snapshots, applied = [], []
    for n, key_ in enumerate(sorted(by_event), start=1):
        applied.extend(by_event[key_])
        ev = events.get(key_[1])
        snapshots.append({
            "history_no": n,
            "event_id": ev.pk if ev else None,
            "kind": ev.get_kind_display() if ev else "",
            "effective_date": key_[0],
            "approval_seq": key_[1],
            "effective_date_text": ev.effective_date_text if ev else "",  # [80]#1: 不詳 異動日 as written
            "reported_date": iso(ev.reported_date) if ev else None,
            "processed_at": timezone.localtime(ev.processed_at).isoformat() if ev else None,
            "changed": sorted({f.field for f in by_event[key_]}),
            "row": fold_entity(applied),
        })
    return snapshots
