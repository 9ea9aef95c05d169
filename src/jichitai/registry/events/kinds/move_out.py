"""転出（予定）・転出確定（転入通知の受理）・国外転出・職権消除: persons leave the register.

Standard: [650] 転出先入力, [680] 転入通知の受理, [50]#1 転出による消除の日, [470] 異動による消除,
[490] 世帯主不在となる場合の処理, [750] 職権による消除.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...errors import violation
from ...models import PersonStatus
from .. import checks as _checks
from ..plan import Planner
from ..requests import MoveOut, MoveOutConfirmed, MoveOutPlanned
from . import register
from .destination import dictionary_destination, refuse_late_report


def removal_date(planned_on: Any, moved_in_on: Any) -> str | None:
    """[50]#1: a 転出 is 消除 on the earlier of the 転出予定年月日 and the 転入日 in the 転入通知
    (ISO dates or ``date``s; either may be missing)."""
    days = sorted(d.isoformat() if isinstance(d, dt.date) else str(d) for d in (planned_on, moved_in_on) if d)
    return days[0] if days else None


@register("move_out_planned", functions=("650", "640"))
def plan_move_out_planned(p: Planner, req: MoveOutPlanned, kind: str, checks: _checks.Checks) -> None:
    refuse_late_report(p, req.planned_date)  # [640]#2
    if not req.destination and req.special_cause != "special_adoption":  # [50]#2: only then blank
        raise violation("required", "転出先を入力してください。", "destination")
    for pid in req.person_ids:
        p.person(pid)
        p.set("person", pid, "move_out_destination", req.destination)
        p.set("person", pid, "move_out_planned_on", req.planned_date or p.date)
        if req.destination_postal_code:  # [170]
            p.set("person", pid, "move_out_destination_postal_code", req.destination_postal_code)
        dictionary_destination(p, pid, req.destination, req.destination_code)  # [650]#2


@register("move_out_confirmed", functions=("680", "50", "470", "490"))
def plan_move_out_confirmed(p: Planner, req: MoveOutConfirmed, kind: str, checks: _checks.Checks) -> None:
    """[680]#1: the 転入通知 records 転入通知日, 転出先（確定） and 転出年月日（確定） beside the plan (the
    planned destination and date are never overwritten); [680]#2: a 職権消除 person's 除票 takes it
    too; [50]#1: the 消除日 is the earlier of the 転出予定日 and the notice's 転入日."""
    for pid in req.person_ids:
        row = p.person(pid, must_be_resident=False)
        status = row.get("status")
        if status == PersonStatus.RESIDENT and not row.get("move_out_planned_on"):
            raise violation("no_plan", "転出予定の届出がない住民は転出確定できません。", "person_ids")
        if status not in (PersonStatus.RESIDENT, PersonStatus.MOVED_OUT, PersonStatus.DELETED):
            raise violation("not_moving", "転入通知を受理できるのは転出予定者・転出者・職権消除者だけです。", "person_ids")
        p.set("person", pid, "move_out_confirmed_destination", req.destination or row.get("move_out_destination"))
        if req.destination_postal_code:  # [170]
            p.set("person", pid, "move_out_confirmed_postal_code", req.destination_postal_code)
        if req.notice_date:  # else the 受付's 通知日 (EventEntry.notified_on) stands for it
            p.set("person", pid, "move_in_notice_on", req.notice_date)
        moved_in = req.moved_in_on or p.date  # the 異動日 entered is the notice's 転入日 unless given apart
        p.set("person", pid, "move_out_confirmed_on", moved_in)
        if status == PersonStatus.RESIDENT:
            p.set("person", pid, "status", PersonStatus.MOVED_OUT.value)
            p.set("person", pid, "removed_on", removal_date(row.get("move_out_planned_on"), moved_in))
            p.touched.append(row["household_id"])
    p.reassign_heads(p.touched, req.remaining_head_id or req.new_head_id, req.relationships)


@register("move_out_abroad", "ex_officio_deletion", functions=("470", "490", "750"))
def plan_move_out(p: Planner, req: MoveOut, kind: str, checks: _checks.Checks) -> None:
    status = PersonStatus.DELETED if kind == "ex_officio_deletion" else PersonStatus.MOVED_OUT
    if kind == "move_out_abroad":
        refuse_late_report(p, None)  # [640]#2
    for pid in req.person_ids:
        row = p.person(pid)
        if req.destination:
            p.set("person", pid, "move_out_destination", req.destination)
        p.set("person", pid, "status", status.value)
        p.set("person", pid, "removed_on", p.date)
        p.touched.append(row["household_id"])
    p.reassign_heads(p.touched, req.remaining_head_id or req.new_head_id, req.relationships)
