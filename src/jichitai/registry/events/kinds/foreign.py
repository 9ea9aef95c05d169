"""法第30条の46転入・法第30条の47届出 and the 住民票コードの変更請求.

Standard: [910] 法第30条の46転入 (a 中長期在留者, 特別永住者, 一時庇護許可者 or 仮滞在許可者 who came
from abroad sets up an address here), [920] 法第30条の47届出 (a person with an address here becomes
one of them): both written like a 国外転入, 転入前住所 may be blank ([910]#2, [920]#2).
[870] 住民票コードの付番, [880] 住民票コードの変更・修正 (the 変更請求; a 修正 is a 職権修正).
"""

from __future__ import annotations

from ... import resident_codes
from ...errors import violation
from ...items import CATEGORY_LABELS
from .. import checks as _checks
from ..plan import Planner
from ..requests import ForeignEntry, ResidentCodeChange
from . import register
from .move_in import plan_move_in

# 法第30条の45 区分 of the persons 30条46/47 names (経過滞在者 are written by 出生・国籍喪失 instead)
ENTRY_CATEGORIES = ("mid_long", "special_permanent", "temporary_refuge", "provisional_stay")


@register("move_in_30_46", "entry_30_47", functions=("910", "920"))
def plan_foreign_entry(p: Planner, req: ForeignEntry, kind: str, checks: _checks.Checks) -> None:
    allowed = "・".join(CATEGORY_LABELS[c] for c in ENTRY_CATEGORIES)
    for person in req.persons:
        if person.resident_type != "foreign" or person.foreign_category not in ENTRY_CATEGORIES:
            raise violation(
                "foreign_category",
                f"この届出で記載できるのは外国人住民（{allowed}）だけです。",
                "foreign_category",
            )
    if req.address_set_on and (kind != "entry_30_47" or req.address_set_on > p.date):
        raise violation(
            "address_set_on",
            "住所を定めた年月日は法第30条の47届出で、異動日以前の日だけ入力できます。",
            "address_set_on",
        )
    # 外国人住民となった年月日: the 異動日 unless stated (the day the 区分 and the address met here)
    persons = [
        pp
        if pp.became_foreign_resident_on
        else pp.model_copy(update={"became_foreign_resident_on": p.date})
        for pp in req.persons
    ]
    plan_move_in(p, req.model_copy(update={"persons": persons}), kind, checks)
    if req.address_set_on:
        for ref, row in p.persons.items():
            if row.get("status") == "resident" and (isinstance(ref, str) or ref in _returning(req)):
                p.set("person", ref, "address_set_on", req.address_set_on)


def _returning(req: ForeignEntry) -> set[int]:
    return {pp.returning_person_id for pp in req.persons if pp.returning_person_id is not None}


@register("resident_code_change", functions=("880", "870"))
def plan_resident_code_change(
    p: Planner, req: ResidentCodeChange, kind: str, checks: _checks.Checks
) -> None:
    """[880]#1 変更請求: the person's code is replaced by one from the stock ([870]#2, at random) or
    by the one stated; the old code stays in the log as the fact's before."""
    row = p.person(req.person_id)
    old = str(row.get("resident_code") or "")
    code = req.resident_code
    if not code:
        drawn, alert = resident_codes.draw({old})
        if drawn is None:
            raise violation(
                "resident_code_stock",
                "新規付番用の住民票コードがありません。CSから取得してください。",
                "resident_code",
            )
        if alert is not None:
            p.plan.warnings.append(alert)
        code = drawn
    if code == old:
        raise violation(
            "resident_code", "変更後の住民票コードが現在のコードと同じです。", "resident_code"
        )
    p.set("person", req.person_id, "resident_code", code)
    p.touched.append(row["household_id"])
