"""死亡: the person is removed; a head who dies needs a successor among those who remain.

Standard: [820] 死亡, [490] 世帯主不在となる場合の処理.
"""

from __future__ import annotations

from ...models import PersonStatus
from ...written_dates import checked_event_date
from .. import checks as _checks
from ..plan import Planner
from ..requests import Death
from . import register


@register("death", functions=("820", "490"))
def plan_death(p: Planner, req: Death, kind: str, checks: _checks.Checks) -> None:
    row = p.person(req.person_id)
    p.set("person", req.person_id, "status", PersonStatus.DEAD.value)
    p.set("person", req.person_id, "removed_on", p.date)
    written = checked_event_date(req.effective_date_text, p.date, kind)
    if written is not None and written.text:  # [80]#1: a 不詳 死亡日, kept as written beside its date
        p.set("person", req.person_id, "removed_on_text", written.text)
    p.touched.append(row["household_id"])
    p.reassign_heads(p.touched, req.remaining_head_id or req.new_head_id, req.relationships)
