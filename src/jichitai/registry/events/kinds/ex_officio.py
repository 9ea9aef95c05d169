"""失踪 and 軽微な修正: two 職権 異動 of chapter 4.2.

Standard: [830] 失踪 (職権消除 on the 本籍地's notice of a 失踪宣告, 法第9条第2項; 事由 職権消除),
[850] 軽微な修正 (規則第11条第3項第2号: a 氏名 or 住所 rewritten for a listed ground, 事由 軽微な修正),
[840]#3 (a 修正 is entered as 職権修正 or as 軽微な修正, the clerk's choice of kind).
A 失踪者 is never a 死亡者: the record is 消除 (status ``deleted``) and its 除票 says 職権消除.
"""

from __future__ import annotations

from ... import rules
from ...models import PersonStatus
from ...written_dates import checked_event_date
from .. import checks as _checks
from ..plan import Planner
from ..requests import Disappearance, MinorCorrection
from . import register


@register("disappearance", functions=("830",))
def plan_disappearance(p: Planner, req: Disappearance, kind: str, checks: _checks.Checks) -> None:
    row = p.person(req.person_id)
    p.set("person", req.person_id, "status", PersonStatus.DELETED.value)
    p.set("person", req.person_id, "removed_on", p.date)
    written = checked_event_date(req.effective_date_text, p.date, kind)
    if written is not None and written.text:  # [80]#1: a 不詳 異動日, kept as written beside its date
        p.set("person", req.person_id, "removed_on_text", written.text)
    p.touched.append(row["household_id"])
    p.reassign_heads(p.touched, req.remaining_head_id or req.new_head_id, req.relationships)


@register("minor_correction", functions=("850", "840"))
def plan_minor_correction(
    p: Planner, req: MinorCorrection, kind: str, checks: _checks.Checks
) -> None:
    changes = req.normalized()
    if req.person_id is not None:
        p.person(req.person_id)
        for f, v in changes.items():
            p.set("person", req.person_id, f, v)
        rules.validate_name(p.persons[req.person_id])
        p.touched.append(p.persons[req.person_id]["household_id"])
        return
    assert req.household_id is not None
    p.household(req.household_id)
    for f, v in changes.items():
        p.set("household", req.household_id, f, v)
    rules.require_address(p.households[req.household_id])
    p.members(
        req.household_id
    )  # the members' 住所 changes with it: they are what the event is about
    p.touched.append(req.household_id)
    p.plan.main_household = req.household_id
