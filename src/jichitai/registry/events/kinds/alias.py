"""通称の記載・削除 on 申出: a foreign resident's 通称 with the date and municipality of each.

Standard: [70] 旧氏・通称 (#2), [20] 外国人住民データの管理 (通称を記載/削除した年月日・市区町村・コード).
"""

from __future__ import annotations

from typing import Any

from ... import items
from ...errors import violation
from .. import checks as _checks
from ..plan import Planner
from ..requests import AliasChange
from . import register


def _municipality(req: AliasChange) -> tuple[str, str]:
    """The municipality named in the request, or the one entering it."""
    if req.municipality or req.municipality_code:
        return req.municipality, req.municipality_code
    from jichitai.tenancy.context import current
    from jichitai.tenancy.models import Municipality

    m: Any = Municipality.objects.filter(pk=current().municipality_id).first()
    return (f"{m.prefecture}{m.name}", m.code) if m is not None else ("", "")


@register("alias_change", functions=("70",))
def plan_alias_change(p: Planner, req: AliasChange, kind: str, checks: _checks.Checks) -> None:
    row = p.person(req.person_id)
    if row.get("resident_type") != "foreign":
        raise violation("japanese_only", "通称は外国人住民について記載します。", "person_id")
    name, code = _municipality(req)
    pid = req.person_id
    if req.action == "record":
        for field, value in (("alias", req.alias), ("alias_kana", req.alias_kana),
                             ("alias_kana_confirmed", req.alias_kana_confirmed), ("alias_recorded_on", p.date),
                             ("alias_recorded_municipality", name), ("alias_recorded_municipality_code", code),
                             ("alias_deleted_on", None), ("alias_deleted_municipality", ""),
                             ("alias_deleted_municipality_code", "")):
            p.set("person", pid, field, value)
    else:
        if not row.get("alias"):
            raise violation("no_alias", "削除する通称が記載されていません。", "person_id")
        # the 通称 itself goes; when and where it was recorded stays, with when and where it was deleted
        for field, value in (("alias", ""), ("alias_kana", ""), ("alias_kana_confirmed", False),
                             ("alias_deleted_on", p.date), ("alias_deleted_municipality", name),
                             ("alias_deleted_municipality_code", code)):
            p.set("person", pid, field, value)
        if row.get("name_priority") == "alias":
            p.set("person", pid, "name_priority", "")
    items.check_alias(p.persons[pid])
    p.touched.append(row["household_id"])
