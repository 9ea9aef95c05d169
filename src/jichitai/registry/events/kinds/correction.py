"""職権修正: items of one person's current record set to their right values.

Standard: [840] 修正.
"""

from __future__ import annotations

from ... import rules
from .. import checks as _checks
from ..plan import Planner
from ..requests import PersonCorrection
from . import register


@register("ex_officio_correction", functions=("840",))
def plan_person_correction(p: Planner, req: PersonCorrection, kind: str, checks: _checks.Checks) -> None:
    p.person(req.person_id, must_be_resident=False)
    for f, v in req.normalized().items():
        p.set("person", req.person_id, f, v)
    rules.validate_person_row(p.persons[req.person_id])
    if "relationship" in req.changes:  # only a 続柄 bears on the head rule: the others read no member,
        p.touched.append(p.persons[req.person_id]["household_id"])  # so [510]#3's batch can be approved
