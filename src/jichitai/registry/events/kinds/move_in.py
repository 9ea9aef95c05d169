"""転入・国外転入・職権記載・出生: persons written for the first time.

Standard: [590] 転入者情報入力, [460] 異動者, [470] 異動先世帯, [800] 職権記載（住所設定）,
[810] 出生.
"""

from __future__ import annotations

from ...written_dates import checked_event_date
from .. import checks as _checks
from ..plan import Planner
from ..requests import Birth, MoveIn
from . import register


@register("move_in", "move_in_abroad", "ex_officio_entry", functions=("590", "460", "470", "800"))
def plan_move_in(p: Planner, req: MoveIn, kind: str, checks: _checks.Checks) -> None:
    if req.household.existing_id is not None:
        hid: int | str = req.household.existing_id
        p.household(hid)
    else:
        assert req.household.new is not None
        hid = p.new_household("h1", req.household.new.model_dump())
    for person in req.persons:
        pk = p.new_person(person.spec(), hid, p.date)
        p.set("person", pk, "previous_address", req.previous_address)
        p.set("person", pk, "reported_on", p.reported)
    if isinstance(hid, str):
        head_ref = f"new:{req.head_ref or req.persons[0].ref or 'p1'}"
        if head_ref not in p.persons:
            from ...errors import violation

            raise violation("one_head", "世帯主となる異動者を指定してください。", "head_ref")
        p.set("household", hid, "head_id", head_ref)
    p.touched.append(hid)
    p.plan.main_household = hid
    checks.duplicates([p.persons[r] for r in p.plan.new_persons])


@register("birth", functions=("810",))
def plan_birth(p: Planner, req: Birth, kind: str, checks: _checks.Checks) -> None:
    p.household(req.household_id)
    spec = {**req.person.spec(), "birth_date": p.date}
    written = checked_event_date(req.effective_date_text, p.date, kind)
    if written is not None and written.text:  # [80]#1: a 不詳 出生日 is the child's 生年月日 as written
        # and so are 住民となった年月日・住所を定めた年月日, which a birth dates by it: no みなし date ([80]#4)
        spec.update(birth_date_text=written.text, birth_date_precision=written.precision,
                    became_resident_on_text=written.text, address_set_on_text=written.text)
    pk = p.new_person(spec, req.household_id, p.date)
    p.touched.append(req.household_id)
    p.plan.main_household = req.household_id
    checks.duplicates([p.persons[pk]])
