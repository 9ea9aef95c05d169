"""住居表示の実施等: a household's address rewritten where it stands (住居表示, 区画整理, 地番変更),
and 本籍の表示の変更: a 本籍 renamed by the same kind of change (the 戸籍 does not move).

Standard: [1340] 住所一括変更 (the batch in ``registry/batch/renumbering.py`` enters one per
household). Nobody moves: 住所を定めた年月日 and every person item stay; the 事由 is 「軽微な修正」
([1340]#2, the CS's 更新事由). The household must still be at ``from_address`` and have no
転出予定者 ([1340]#2: those whose data changed since the extraction, 転出予定者 included, are left
out of the bulk change); its members are loaded so that a change to any of them between 仮登録 and
決裁 refuses the approval (the versions entered against).
"""

from __future__ import annotations

from ... import rules
from ...errors import violation
from .. import checks as _checks
from ..plan import Planner
from ..requests import AddressRenumbering, HonsekiRenumbering
from . import register
from .household import ADDRESS_ITEMS


def _same(row: dict, address: dict) -> bool:
    return all(str(row.get(k) or "") == str(address.get(k) or "") for k in ADDRESS_ITEMS)


@register("address_renumbering", functions=("1340",))
def plan_address_renumbering(
    p: Planner, req: AddressRenumbering, kind: str, checks: _checks.Checks
) -> None:
    hid = req.household_id
    row = p.household(hid)
    before, after = req.from_address.model_dump(), req.address.model_dump()
    if not _same(row, before):
        raise violation(
            "address_changed",
            "世帯の住所が変更前の住所と一致しません（抽出後に異動があった世帯は除外します）。",
            "from_address",
        )
    rules.require_address(after)
    if _same(row, after):
        raise violation("no_change", "変更後の住所が現在の住所と同じです。", "address")
    for pid in p.members(hid):
        if p.person(pid).get("move_out_planned_on"):
            raise violation(
                "moving_out",
                "転出予定者がいる世帯は一括変更から除外します（個別に処理してください）。",
                "household_id",
            )
    for f in ADDRESS_ITEMS:
        p.set("household", hid, f, after[f])
    p.touched.append(hid)
    p.plan.main_household = hid


@register("honseki_renumbering", functions=("1340",))
def plan_honseki_renumbering(
    p: Planner, req: HonsekiRenumbering, kind: str, checks: _checks.Checks
) -> None:
    row = p.person(req.person_id)
    if row.get("resident_type") != "japanese":
        raise violation("resident_type", "本籍は日本人住民の項目です。", "person_id")
    if str(row.get("honseki") or "") != req.from_honseki:
        raise violation(
            "honseki_changed",
            "本籍が変更前の本籍と一致しません（抽出後に異動があった住民は除外します）。",
            "from_honseki",
        )
    if req.honseki == req.from_honseki:
        raise violation("no_change", "変更後の本籍が現在の本籍と同じです。", "honseki")
    if row.get("move_out_planned_on"):
        raise violation(
            "moving_out",
            "転出予定者は一括変更から除外します（個別に処理してください）。",
            "person_id",
        )
    p.set("person", req.person_id, "honseki", req.honseki)
    rules.validate_person_row(p.persons[req.person_id])
    # no head rule to check and no co-resident read: the members of one household are changed by
    # one 異動 each, approved together (a shared household row would make the later ones stale)
    p.plan.main_household = row["household_id"]
