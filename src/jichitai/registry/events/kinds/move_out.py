"""転出（予定）・転出確定・国外転出・職権消除: persons leave the register.

Standard: [650] 転出先入力, [680] 転入通知の受理, [470] 異動による消除, [490] 世帯主不在となる
場合の処理, [750] 職権による消除.
"""

from __future__ import annotations

from ...errors import violation
from ...models import PersonStatus
from .. import checks as _checks
from ..plan import Planner
from ..requests import MoveOut, MoveOutPlanned
from . import register


@register("move_out_planned", functions=("650", "640"))
def plan_move_out_planned(p: Planner, req: MoveOutPlanned, kind: str, checks: _checks.Checks) -> None:
    for pid in req.person_ids:
        p.person(pid)
        p.set("person", pid, "move_out_destination", req.destination)
        p.set("person", pid, "move_out_planned_on", req.planned_date or p.date)
        if req.destination_postal_code:  # [170]
            p.set("person", pid, "move_out_destination_postal_code", req.destination_postal_code)


@register("move_out_confirmed", "move_out_abroad", "ex_officio_deletion", functions=("680", "470", "490", "750"))
def plan_move_out(p: Planner, req: MoveOut, kind: str, checks: _checks.Checks) -> None:
    status = PersonStatus.DELETED if kind == "ex_officio_deletion" else PersonStatus.MOVED_OUT
    for pid in req.person_ids:
        row = p.person(pid)
        if kind == "move_out_confirmed" and not row.get("move_out_planned_on"):
            raise violation("no_plan", "転出予定の届出がない住民は転出確定できません。", "person_ids")
        if req.destination:
            p.set("person", pid, "move_out_destination", req.destination)
        if kind == "move_out_confirmed":  # [10]: 転出先住所（確定） beside the planned one ([170])
            p.set("person", pid, "move_out_confirmed_destination", req.destination or row.get("move_out_destination"))
            if req.destination_postal_code:
                p.set("person", pid, "move_out_confirmed_postal_code", req.destination_postal_code)
        p.set("person", pid, "status", status.value)
        p.set("person", pid, "removed_on", p.date)
        p.touched.append(row["household_id"])
    p.reassign_heads(p.touched, req.remaining_head_id or req.new_head_id, req.relationships)
