"""The persons of one approved 異動 as a document shows them ([580] 受理通知): each person's name and
address on the day before the 異動日 and on it, from the event log (so a notice made months later
reads as the 異動 left them, [580]#4).

Every person is loaded through the audited manager (one read logged each, with its screen); a
protected person is a mask with neither address for staff without need-to-know, and an address
of a household with a protected current member is hidden from them ([440]).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..conventions import HEAD, full_name
from ..models import EventFact, Person, PersonStatus, RegistryEvent
from . import access
from .addresses import HIDDEN, household_address
from .history import as_of, household_as_of


@dataclass(frozen=True)
class EventPerson:
    id: int | None  # None when masked: nothing links the mask to a person
    name: str
    masked: bool
    head: bool  # 世帯主 after the 異動
    before: dict[str, Any] | None  # the record the day before (None: not in the register then)
    after: dict[str, Any] | None
    before_address: str  # "" when there was none here; HIDDEN when hidden
    after_address: str


def person_ids_of(event: RegistryEvent) -> list[int]:
    """The persons an approved 異動 changed (its facts), in id order."""
    return sorted(set(EventFact.objects.filter(event=event, entity="person").values_list("entity_id", flat=True)))


def _address(hid: Any, day: dt.date, hidden: frozenset[int]) -> str:
    if not hid:
        return ""
    if int(hid) in hidden:
        return HIDDEN
    hh = household_as_of(int(hid), day)
    return household_address(hh) if hh else ""


def event_persons(event: RegistryEvent, *, staff: Any, screen: str, function: str) -> list[EventPerson]:
    """The persons of ``event`` as ``staff`` may see them (see the module docstring)."""
    pids = person_ids_of(event)
    day, before_day = event.effective_date, event.effective_date - dt.timedelta(days=1)
    rows = {pid: (as_of(pid, before_day), as_of(pid, day)) for pid in pids}
    hids = {r.get("household_id") for pair in rows.values() for r in pair if r and r.get("household_id")}
    masked, hidden = access.decide(pids, hids, staff=staff, screen=screen, function=function)
    shown = [pid for pid in pids if pid not in masked]
    list(Person.objects.for_read(screen=screen, function=function).filter(pk__in=shown)
         .exclude(status=PersonStatus.VOID).only("pk"))  # the read of each person shown, logged
    out = []
    for pid in pids:
        before, after = rows[pid]
        if pid in masked:
            out.append(EventPerson(None, access.MASK, True, False, None, None, HIDDEN, HIDDEN))
            continue
        last = after or before or {}
        out.append(EventPerson(
            pid, full_name(last), False, (after or {}).get("relationship") == HEAD, before, after,
            _address(before and before.get("status") == "resident" and before.get("household_id"), before_day, hidden),
            _address(after and after.get("household_id"), day, hidden)))
    return sorted(out, key=lambda p: (p.masked, not p.head, p.id or 0))


def names_of(person_ids: Iterable[int], *, staff: Any, screen: str, function: str) -> dict[int, str]:
    """Names of persons a request names (masked for staff without need-to-know), reads logged."""
    ids = sorted({int(i) for i in person_ids})
    if not ids:
        return {}
    masked = access.screen_persons(ids, staff=staff, screen=screen, function=function)
    found = {p.pk: full_name({"family_name": p.family_name, "given_name": p.given_name})
             for p in Person.objects.for_read(screen=screen, function=function)
             .filter(pk__in=[i for i in ids if i not in masked]).exclude(status=PersonStatus.VOID)}
    return {**found, **{pid: access.MASK for pid in masked}}


def own_provisional(*, staff: Any, screen: str, limit: int = 200) -> list[Any]:
    """The 仮登録 ``staff`` entered, oldest first, as they may see them (masked: 支援措置)."""
    from ..models import EventStatus
    from .queue import mask_events

    events = (RegistryEvent.objects.filter(status=EventStatus.PROVISIONAL, entered_by_id=getattr(staff, "pk", None))
              .select_related("entered_by").order_by("processed_at", "pk")[:limit])
    return mask_events(events, staff=staff, screen=screen)
