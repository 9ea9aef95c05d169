"""氏名変更: the name items given, nothing else.

Standard: [750] 職権による住民票の記載等 (戸籍の届出に基づく氏名の変更), [70] 旧氏.
"""

from __future__ import annotations

from ... import rules
from ...errors import violation
from .. import checks as _checks
from ..plan import Planner
from ..requests import NameChange
from . import register


@register("name_change", functions=("750", "70"))
def plan_name_change(p: Planner, req: NameChange, kind: str, checks: _checks.Checks) -> None:
    p.person(req.person_id)
    changes = req.changes()
    if not changes:
        raise violation("required", "変更後の氏名を入力してください。", "family_name")
    for f, v in changes.items():
        p.set("person", req.person_id, f, v)
    rules.validate_name(p.persons[req.person_id])
