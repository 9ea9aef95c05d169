"""What the 転出証明書 ([660]) asks before it shows anything: each person's 転出 (the 転出届 or the
職権消除 of a late 転出) and where it stands. Ids and states only: nothing here is shown, so no read
is logged (the certificate's data is read, logged and masked through
:func:`documents.document_persons`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from ..models import EventFact, EventStatus, Person, PersonStatus

PLANNED, LATE = "move_out_planned", "ex_officio_deletion"  # 転出届 / 14日経過後の職権消除


@dataclass(frozen=True)
class MoveOutState:
    id: int
    status: str
    household_id: int | None
    planned_on: dt.date | None  # 転出予定年月日 (転出届 only)
    destination: str  # 転出先（予定）
    confirmed_on: dt.date | None  # 転入通知の転入日 ([680]): the move is done at the other end
    event_id: int | None  # the 転出 this person's certificate is about
    event_kind: str  # PLANNED, LATE or ""


def _events(ids: list[int]) -> dict[int, tuple[int, str]]:
    """person id → (event id, kind) of the latest approved 転出届 (it set the 転出予定日) or
    職権消除 (it set the status 消除者); a later 職権修正 of an item does not start a new 転出."""
    facts = (
        EventFact.objects.filter(
            entity="person", entity_id__in=ids, event__status=EventStatus.APPROVED
        )
        .filter(
            Q(event__kind=PLANNED, field="move_out_planned_on")
            | Q(event__kind=LATE, field="status", after=PersonStatus.DELETED.value)
        )
        .order_by("approval_seq", "pk")
        .values_list("entity_id", "event_id", "event__kind")
    )
    out: dict[int, tuple[int, str]] = {}
    for pid, event_id, kind in facts:
        out[int(pid)] = (int(event_id), kind)
    return out


def move_out_states(person_ids: Iterable[int]) -> dict[int, MoveOutState]:
    """``person_ids`` of this municipality → their 転出; ids not found are left out."""
    ids = sorted({int(p) for p in person_ids})
    if not ids:
        return {}
    rows = (
        Person.objects.without_read_log("転出証明書請求の確認（表示なし）")
        .filter(pk__in=ids)
        .values_list(
            "pk",
            "status",
            "household_id",
            "move_out_planned_on",
            "move_out_destination",
            "move_out_confirmed_on",
        )
    )
    events = _events(ids)
    out = {}
    for pk, status, hid, planned, destination, confirmed in rows:
        event_id, kind = events.get(pk, (None, ""))
        out[pk] = MoveOutState(
            pk, status, hid, planned, destination or "", confirmed, event_id, kind
        )
    return out


def event_person_ids(event_id: int) -> list[int]:
    """The persons a 転出 event moved out (its facts), in id order."""
    return sorted(
        {
            int(p)
            for p in EventFact.objects.filter(event_id=event_id, entity="person").values_list(
                "entity_id", flat=True
            )
        }
    )


def household_heads(household_ids: Iterable[int]) -> dict[int, int]:
    """household id → its 世帯主's person id (ids only; the name is read through the read layer)."""
    from ..models import Household

    ids = sorted({int(h) for h in household_ids if h})
    rows = Household.objects.filter(pk__in=ids, head_id__isnull=False).values_list("pk", "head_id")
    return {int(h): int(p) for h, p in rows}
