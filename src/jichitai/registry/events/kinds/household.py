"""世帯分離・世帯合併・世帯変更・世帯主変更: who lives together and who heads the household.

Standard: [720] 世帯変更等, [730] 世帯主変更による続柄設定, [490] 世帯主不在となる場合の処理.
No 世帯変更等 changes an address or a 方書, nor carries a correction of one ([720]#2–#5): the request
has no such item, and a household elsewhere (方書 spelled otherwise included) is refused, so the
方書's 職権修正 is always its own, earlier 異動 in the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import violation
from .. import checks as _checks
from ..plan import Planner
from ..requests import HeadChange, HouseholdChange, HouseholdMerge, HouseholdSplit
from . import register

# where a household lives: a 世帯変更等 may change none of it ([720] 4.1.4.1 #2, and #4 for 方書)
ADDRESS_ITEMS = ("address_id", "banchi", "katagaki")


def refuse_address_change(person_household: Mapping[str, Any], target: Mapping[str, Any], field: str) -> None:
    """[720] #2: a 世帯変更等 may not change anyone's address in the same event. The clerk enters a
    転居 (or, when only the 方書 is spelled differently, a 職権修正) first, then the 世帯変更."""
    differs = [k for k in ADDRESS_ITEMS if str(person_household.get(k) or "") != str(target.get(k) or "")]
    if differs:
        raise violation(
            "address_change_in_household_change",
            "世帯変更等と同時に住所を変更することはできません（住所・番地・方書が異動先の世帯と異なります）。"
            "先に転居（方書のみの相違は職権修正）を入力し、その後で世帯変更等を入力してください。",
            field,
        )


@register("household_split", functions=("720", "490"))
def plan_split(p: Planner, req: HouseholdSplit, kind: str, checks: _checks.Checks) -> None:
    old = {p.person(pid)["household_id"] for pid in req.person_ids}
    if len(old) != 1:
        raise violation("one_household", "世帯分離は同じ世帯の世帯員について入力してください。", "person_ids")
    old_h = old.pop()
    hrow = p.household(old_h)
    # the request carries no address (unknown items are refused): the new household stays where
    # its members live, so a 世帯分離 never moves anyone ([720] #2)
    hid = p.new_household("h1", {k: hrow.get(k) for k in ADDRESS_ITEMS})
    for pid in req.person_ids:
        p.set("person", pid, "household_id", hid)
    p.set_head(hid, req.new_head_id or req.person_ids[0], req.relationships)
    p.touched += [old_h, hid]
    p.reassign_heads(p.touched, req.remaining_head_id, req.relationships)
    p.plan.main_household = hid


@register("household_merge", functions=("720", "730"))
def plan_merge(p: Planner, req: HouseholdMerge, kind: str, checks: _checks.Checks) -> None:
    src, dst = req.from_household_id, req.to_household_id
    if src == dst:
        raise violation("same_household", "合併元と合併先が同じ世帯です。", "to_household_id")
    refuse_address_change(p.household(src), p.household(dst), "to_household_id")
    for pid in p.members(src):
        if pid not in req.relationships:
            raise violation("relationship_required", "合併する世帯員の続柄をすべて入力してください。", "relationships")
        p.set("person", pid, "household_id", dst)
        p.set("person", pid, "relationship", req.relationships[pid])  # type: ignore[index]
    p.touched += [src, dst]
    p.plan.main_household = dst


@register("household_change", functions=("720", "490"))
def plan_change(p: Planner, req: HouseholdChange, kind: str, checks: _checks.Checks) -> None:
    """世帯変更: the persons leave their household for ``to_household_id`` (each with the 続柄 to its
    head); the household they leave keeps a head as [490] says."""
    old = {p.person(pid)["household_id"] for pid in req.person_ids}
    if len(old) != 1:
        raise violation("one_household", "世帯変更は同じ世帯の世帯員について入力してください。", "person_ids")
    src, dst = old.pop(), req.to_household_id
    if src == dst:
        raise violation("same_household", "異動先の世帯が今の世帯と同じです。", "to_household_id")
    refuse_address_change(p.household(src), p.household(dst), "to_household_id")
    if not [m for m in p.members(src) if m not in req.person_ids]:
        raise violation("whole_household", "世帯員の全員が移る場合は世帯合併で入力してください。", "person_ids")
    for pid in req.person_ids:
        if pid not in req.relationships:
            raise violation("relationship_required", "異動先の世帯主から見た続柄を異動者全員について入力してください。",
                            "relationships")
        p.set("person", pid, "household_id", dst)
        p.set("person", pid, "relationship", req.relationships[pid])
    p.touched += [src, dst]
    stay = {k: v for k, v in req.relationships.items() if k not in req.person_ids}
    members = p.members(src)
    for pid, rel in stay.items():  # the 続柄 of those who stay, where it changes
        if pid not in members:
            raise violation("not_member", "続柄を変更できるのは異動者と元の世帯の世帯員だけです。", "relationships")
        p.set("person", pid, "relationship", rel)
    p.reassign_heads(p.touched, req.remaining_head_id or req.new_head_id, stay)
    p.plan.main_household = dst


@register("head_change", functions=("720", "730"))
def plan_head_change(p: Planner, req: HeadChange, kind: str, checks: _checks.Checks) -> None:
    hid = req.household_id
    p.household(hid)
    if p.person(req.new_head_id)["household_id"] != hid:
        raise violation("not_member", "新しい世帯主はその世帯の世帯員から選んでください。", "new_head_id")
    old_head = p.households[hid]["head_id"]
    if old_head is not None and old_head not in req.relationships:
        raise violation("relationship_required", "前世帯主の新しい続柄を入力してください。", "relationships")
    members = p.members(hid)
    if any(pid not in members for pid in req.relationships):  # [730]#1: that household's members only
        raise violation("not_member", "続柄を変更できるのはその世帯の世帯員だけです。", "relationships")
    p.set_head(hid, req.new_head_id, req.relationships)
    p.touched.append(hid)
    p.plan.main_household = hid
