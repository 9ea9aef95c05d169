"""排他制御 ([1380]#8): while a staff member's 異動 for a person awaits 決裁 (仮登録), nobody else
may enter a 異動 for that person; everyone may still view the person.

The lock is the provisional event itself, so nothing is stored for it: it is released when the
event is approved or rejected (it leaves 仮登録) or when it has waited ``JICHITAI_EDIT_LOCK_HOURS``
(default 8, a working day: a forgotten entry must not block the counter for good). A timed-out
event still waits for 決裁, whose re-check of the rows it was entered against stays the guard.
The holder may enter further 異動 for the person (e.g. a 転居 and a 氏名変更 at one visit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from jichitai.wareki import format_date

from ..errors import RegistryError, violation
from ..models import EventStatus, RegistryEvent

DEFAULT_HOURS = 8


@dataclass(frozen=True)
class EditLock:
    person_id: int
    event_id: int
    staff_id: int
    staff_name: str
    since: dt.datetime

    @property
    def since_text(self) -> str:
        local = timezone.localtime(self.since)
        return f"{format_date(local.date())} {local:%H時%M分}"


def lock_hours() -> float:
    return float(getattr(settings, "JICHITAI_EDIT_LOCK_HOURS", DEFAULT_HOURS))


def held_locks(person_ids: Iterable[int], *, excluding_staff: Any = None,
               now: dt.datetime | None = None) -> dict[int, EditLock]:
    """The oldest lock held on each of ``person_ids`` (by anyone but ``excluding_staff``)."""
    wanted = {int(p) for p in person_ids}
    if not wanted:
        return {}
    cutoff = (now or timezone.now()) - dt.timedelta(hours=lock_hours())
    pending = RegistryEvent.objects.filter(status=EventStatus.PROVISIONAL, processed_at__gt=cutoff)
    if excluding_staff is not None:
        pending = pending.exclude(entered_by_id=getattr(excluding_staff, "pk", excluding_staff))
    found: dict[int, EditLock] = {}
    rows = pending.order_by("processed_at", "pk").values_list(
        "pk", "touches", "entered_by_id", "entered_by__display_name", "entered_by__username", "processed_at")
    for pk, touches, staff_id, name, username, since in rows:
        for pid in (touches or {}).get("person", []):
            if pid in wanted and pid not in found:
                found[pid] = EditLock(pid, pk, staff_id, name or username, since)
    return found


def lock_on(person_id: int) -> EditLock | None:
    """Who holds the lock on a person, for the person screen (None: nobody)."""
    return held_locks([person_id]).get(int(person_id))


def refuse_locked(plans: Mapping[int, Any], entered_by: Any) -> dict[int, RegistryError]:
    """Batch items whose persons another staff member holds, with the holder and since when."""
    persons = {i: plan.touches().get("person", []) for i, plan in plans.items()}
    locks = held_locks({p for ps in persons.values() for p in ps}, excluding_staff=entered_by)
    refused = {}
    for i, pids in persons.items():
        lock = next((locks[p] for p in pids if p in locks), None)
        if lock is not None:
            refused[i] = violation(
                "edit_locked",
                f"この住民は {lock.staff_name} さんが {lock.since_text} から異動を入力中です（受付番号 {lock.event_id}、"
                "決裁待ち）。決裁または却下されるまで、照会以外の操作はできません。", "person_id")
    return refused
