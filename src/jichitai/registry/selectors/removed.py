"""除票 ([50] 1.1.5): a removed record's own items ([50]#10), computed from its history, and the
municipality's 除票 in 処理年月日順 ([50]#8).

A 除票 is a person whose record was removed (転出・死亡・職権消除: status moved_out / dead /
deleted, ``removed_on``) or the rows before a 改製 (改製原住民票). It stays in the register's
database (the 除票用データベース and its 5-year move come with issue 11's batch, [50]#5/#7).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import EventFact, Person, PersonStatus, RegistryEvent
from ..records_models import EventEntry
from . import access
from .snapshots import Snapshot, build

REMOVED = (PersonStatus.MOVED_OUT, PersonStatus.DEAD, PersonStatus.DELETED)
MOVE_OUT_KINDS = ("move_out_confirmed", "move_out_abroad")


@dataclass(frozen=True)
class RemovalItems:
    """【住民票の除票固有の記載事項】 and 【住民票の除票のその他の項目】 of [50]#10."""

    reason: str  # 消除事由（転出、改製、死亡等）
    planned_destination: str  # 転出先住所（予定）
    occurred_on: str | None  # 事由の生じた年月日（転出: 転出予定年月日）
    confirmed_destination: str  # 転出先住所（確定）
    reported_on: str | None  # 届出の年月日
    notified_on: str | None  # 転入通知年月日
    moved_out_on: str | None  # 転出年月日（転出の場合）

    def lines(self) -> list[str]:
        """As the 統合記載欄 of a 除票 writes them ([50]#9, [140]#3)."""
        out = [f"消除事由 {self.reason}"]
        if self.occurred_on:
            out.append(f"事由の生じた年月日 {self.occurred_on}")
        if self.planned_destination:
            out.append(f"転出先住所（予定） {self.planned_destination}")
        if self.confirmed_destination:
            out.append(f"転出先住所（確定） {self.confirmed_destination}")
        if self.notified_on:
            out.append(f"転入通知年月日 {self.notified_on}")
        return out


def _kinds(rows: list[Snapshot]) -> dict[int, str]:
    ids = [r.event_id for r in rows if r.event_id]
    return dict(RegistryEvent.objects.filter(pk__in=ids).values_list("pk", "kind"))


def removal_items(person_id: int, rows: list[Snapshot] | None = None) -> RemovalItems | None:
    """The 除票 items of a removed person (None while the record is current)."""
    rows = build(person_id) if rows is None else rows
    if not rows or rows[-1].row.get("status") not in REMOVED:
        return None
    kinds = _kinds(rows)
    removal = next((r for r in reversed(rows) if r.division == "消除"), rows[-1])
    planned = next((r for r in reversed(rows) if kinds.get(r.event_id or 0) == "move_out_planned"), None)
    kind = kinds.get(removal.event_id or 0, "")
    moving = kind in MOVE_OUT_KINDS
    entry = EventEntry.objects.filter(event_id=removal.event_id).first() if removal.event_id else None
    last = rows[-1].row  # [680]: the 転入通知's items, also on a 職権消除's 除票 (#2)
    confirmed = str(last.get("move_out_confirmed_destination") or "")
    notified = last.get("move_in_notice_on") or (entry.notified_on.isoformat() if entry and entry.notified_on else None)
    return RemovalItems(
        reason=removal.reason,
        planned_destination=str(planned.row.get("move_out_destination") or "") if planned else (
            str(removal.row.get("move_out_destination") or "") if kind == "move_out_abroad" else ""),
        occurred_on=(planned.row.get("move_out_planned_on") if planned and moving else removal.effective_date),
        confirmed_destination=confirmed,
        reported_on=(planned.reported_date if planned and moving else removal.reported_date),
        notified_on=notified,
        moved_out_on=(last.get("removed_on") or removal.effective_date) if moving else None,
    )


def removed_in_processing_order(*, staff: Any, screen: str = "除票一覧", limit: int = 100) -> list[dict[str, Any]]:
    """The 除票 of the municipality, newest 処理年月日 first ([50]#8: kept in 処理年月日順); protected
    persons masked (no identifier) for staff without need-to-know."""
    facts = (EventFact.objects.filter(entity="person", field="status", after__in=[s.value for s in REMOVED])
             .order_by("-approval_seq").values_list("entity_id", "event__registered_at")[:limit])
    order: dict[int, Any] = {}
    for pid, registered in facts:  # the latest removal of each person, in 本登録 order
        order.setdefault(pid, registered)
    persons = {p.pk: p for p in Person.objects.for_read(screen=screen, function="removed.list")
               .filter(pk__in=list(order), status__in=REMOVED)}
    masked = access.screen_persons(persons, staff=staff, screen=screen, function="removed.list")
    out = []
    for pid, registered in order.items():
        p = persons.get(pid)
        if p is None:
            continue
        hide = pid in masked
        out.append({"processed_at": registered, "masked": hide, "id": None if hide else pid,
                    "name": access.MASK if hide else p.full_name, "status": "" if hide else p.get_status_display(),
                    "removed_on": None if hide else p.removed_on})
    return out
