"""転居: the whole household changes address, or the persons who move form a new household there.

Standard: [630] 同一住所への転居, [460] 異動者, [470] 異動先世帯, [490] 世帯主不在となる場合の処理.
"""

from __future__ import annotations

from ... import rules
from ...errors import violation
from .. import checks as _checks
from ..plan import Planner
from ..requests import MoveWithin
from . import register


@register("move_within", functions=("630", "460", "470", "490"))
def plan_move_within(p: Planner, req: MoveWithin, kind: str, checks: _checks.Checks) -> None:
    address = req.address.model_dump()
    rules.require_address(address)
    old = {p.person(pid)["household_id"] for pid in req.person_ids}
    if len(old) != 1:
        raise violation("one_household", "転居は同じ世帯の世帯員について入力してください。", "person_ids")
    old_h = old.pop()
    remaining = [m for m in p.members(old_h) if m not in req.person_ids]
    if not remaining:
        hid = old_h
        for f in ("address_id", "banchi", "katagaki"):
            p.set("household", hid, f, address[f])
    else:
        hid = p.new_household("h1", address)
        for pid in req.person_ids:
            p.set("person", pid, "household_id", hid)
        p.set_head(hid, req.new_head_id or req.person_ids[0], req.relationships)
        p.touched.append(old_h)
    for pid in req.person_ids:
        p.set("person", pid, "address_set_on", p.date)
        p.set("person", pid, "reported_on", p.reported)
    p.touched.append(hid)
    p.reassign_heads(p.touched, req.remaining_head_id, req.relationships)
    p.plan.main_household = hid
