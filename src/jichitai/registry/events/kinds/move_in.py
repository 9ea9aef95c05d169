"""転入・国外転入・職権記載・出生: persons written for the first time.

Standard: [590] 転入者情報入力, [460] 異動者, [470] 異動先世帯, [800] 職権記載（住所設定）,
[810] 出生, [600] 再転入者 (and [70]#3: the 旧氏・通称 of a 国外転出 carried over on return),
[620] 未届転入 (``unreported``: the 転入前住所 ends in 「（未届）」 and the 異動 states it in its 留意事項,
registry/move_notes.py; 職権記載 takes the flag too, [800]#2) and 最終登録住所地 per person ([620]#2).

A 再転入者 is written back onto the row of his 除票: the same 宛名番号, 住民票コード and 個人番号
([600]#2 「従前使用していた宛名番号をそのまま引き継ぐ」), the 除票's items taken in where the request
leaves them blank and corrected where it states them. The 除票 itself stays readable as the row's
state before the 異動日 (history, as_of).
"""

from __future__ import annotations

from ... import move_notes, returning, rules
from ...conventions import ITEM_DEFAULTS, ITEM_FIELDS, NEW_PERSON_FIELDS, person_creation
from ...errors import violation
from ...models import Person
from ...written_dates import checked_event_date
from .. import checks as _checks
from ..plan import Planner
from ..requests import Birth, MoveIn, NewPerson
from . import register


@register("move_in", "move_in_abroad", "ex_officio_entry", functions=("590", "460", "470", "800"))
def plan_move_in(p: Planner, req: MoveIn, kind: str, checks: _checks.Checks) -> None:
    if req.household.existing_id is not None:
        hid: int | str = req.household.existing_id
        p.household(hid)
    else:
        assert req.household.new is not None
        hid = p.new_household("h1", req.household.new.model_dump())
    new: list[str] = []
    previous = _previous_address(req, kind)
    for person in req.persons:
        if person.returning_person_id is not None:
            pk: int | str = _returning(p, person, hid)
        else:
            checks.returning(person.spec())
            pk = p.new_person(person.spec(), hid, p.date)
            new.append(pk)
        p.set("person", pk, "previous_address", previous)
        p.set("person", pk, "reported_on", p.reported)
    if isinstance(hid, str):
        head_ref: int | str = f"new:{req.head_ref or req.persons[0].ref or 'p1'}"
        if req.persons[0].returning_person_id is not None and not req.head_ref:
            head_ref = req.persons[0].returning_person_id
        for person in req.persons:  # a 再転入者 named as head by his ref
            if person.returning_person_id is not None and req.head_ref and person.ref == req.head_ref:
                head_ref = person.returning_person_id
        if head_ref not in p.persons:
            raise violation("one_head", "世帯主となる異動者を指定してください。", "head_ref")
        p.set("household", hid, "head_id", head_ref)
    p.touched.append(hid)
    p.plan.main_household = hid
    checks.duplicates([p.persons[r] for r in new])


def _previous_address(req: MoveIn, kind: str) -> str:
    """[620]#1: a 未届転入's 転入前住所 is the latest 未届 address, marked 「（未届）」 at its end."""
    if not req.unreported:
        return req.previous_address
    if kind not in move_notes.UNREPORTED_KINDS:
        raise violation("unreported_kind", "未届転入は転入または職権記載で入力してください。", "unreported")
    if not req.previous_address.strip():
        raise violation("required", "未届転入では未届の住所のうち直近のものを従前の住所に入力してください。",
                        "previous_address")
    text = move_notes.unreported_address(req.previous_address)
    if len(text) > Person._meta.get_field("previous_address").max_length:
        raise violation("too_long", "従前の住所が長すぎて「（未届）」を付けられません。", "previous_address")
    return text


_REMOVAL_ITEMS = ("removed_on_text", "move_out_destination_postal_code", "move_out_confirmed_destination",
                  "move_out_confirmed_postal_code", "move_out_destination_code", "move_out_confirmed_code",
                  "move_in_notice_on")
_STATUS_FIELDS = ("household_id", "status", "became_resident_on", "address_set_on", "previous_address",
                  "move_out_destination", "reported_on", "move_out_planned_on", "removed_on")


def _returning(p: Planner, person: NewPerson, hid: int | str) -> int:
    """[600]#2: the 除票's row comes back as a resident; blank items keep the 除票's values."""
    pid = person.returning_person_id
    assert pid is not None
    if pid in p.persons:
        raise violation("duplicate_ref", "同じ再転入者が重複しています。", "returning_person_id")
    row = p.person(pid, must_be_resident=False)
    if row.get("status") not in returning.REMOVED:
        raise violation("not_removed", "再転入者として選択できるのは転出・職権消除により消除された住民（除票）です。",
                        "returning_person_id")
    spec = person.model_dump(exclude_unset=True)  # a default (住民種別 japanese) is not a correction
    taken = {**{f: row.get(f) for f in (*NEW_PERSON_FIELDS, *ITEM_FIELDS)},
             **{f: v for f, v in spec.items() if v not in (None, "", False)}}
    rules.validate_new_person(taken)
    for f, v in person_creation(taken, hid, p.date):
        if f in _STATUS_FIELDS or v not in (None, "", False):
            p.set("person", pid, f, v)
    for f in _REMOVAL_ITEMS:  # the 除票's own items: kept in its history, not on the new record
        if f in ITEM_DEFAULTS and row.get(f) not in (None, "", False):
            p.set("person", pid, f, ITEM_DEFAULTS[f])
    return pid


def _quoted_koseki(p: Planner, member_id: int, household_id: int, spec: dict[str, object]) -> dict[str, object]:
    """本籍・筆頭者 of a member of the household, where the request leaves them blank."""
    if member_id not in p.members(household_id):
        raise violation("not_member", "戸籍の表示を引用する人は同じ世帯の世帯員から選んでください。", "koseki_from_id")
    row = p.persons[member_id]
    return {f: row.get(f) or "" for f in ("honseki", "hittousha") if not spec.get(f)}


@register("birth", functions=("810", "770"))
def plan_birth(p: Planner, req: Birth, kind: str, checks: _checks.Checks) -> None:
    if req.person.returning_person_id is not None:
        raise violation("not_removed", "出生では再転入者を選択できません。", "returning_person_id")
    p.household(req.household_id)
    spec = {**req.person.spec(), "birth_date": p.date}
    if req.koseki_from_id is not None:  # [770]#2: the 戸籍の表示 quoted from a member of the household
        spec.update(_quoted_koseki(p, req.koseki_from_id, req.household_id, spec))
    written = checked_event_date(req.effective_date_text, p.date, kind)
    if written is not None and written.text:  # [80]#1: a 不詳 出生日 is the child's 生年月日 as written
        # and so are 住民となった年月日・住所を定めた年月日, which a birth dates by it: no みなし date ([80]#4)
        spec.update(birth_date_text=written.text, birth_date_precision=written.precision,
                    became_resident_on_text=written.text, address_set_on_text=written.text)
    pk = p.new_person(spec, req.household_id, p.date)
    p.touched.append(req.household_id)
    p.plan.main_household = req.household_id
    checks.duplicates([p.persons[pk]])
