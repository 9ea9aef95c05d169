"""[980]#2: the 取消 of an 異動 whose persons were moved to the 除票用データベース ([1300]).

Their field changes left the register's database with them, so the 取消 cannot write the state
before back by itself. The standard does not ask to take it from the 除票用データベース; it asks
that the clerk can enter the 異動前の住民データ and so restore the state. Here: the 取消 names the
persons' data (``Cancellation.restored``) and the household they return to
(``restore_household``: the 従前の世帯 or a new one at the 従前の住所, [980]#5); each comes back as
a new register row with the 除票's 宛名番号 (and its 住民票コード and dates where left blank). Without
that data the 取消 is refused with a message saying what to enter.
"""

from __future__ import annotations

from typing import Any

from ..errors import violation
from ..models import RegistryEvent
from ..selectors.removed import archived_persons
from .plan import Planner
from .requests import Cancellation

RESTORE_FIELDS = ("became_resident_on", "address_set_on", "previous_address")


def archived_of(target: RegistryEvent, req: Cancellation) -> dict[int, dict[str, Any]]:
    """The persons of ``target`` (those chosen, [980]#1) now in the 除票用データベース."""
    touched = {int(i) for i in (target.touches or {}).get("person") or ()}
    chosen = set(req.person_ids) & touched if req.person_ids else touched
    found = archived_persons(chosen)
    for record in found.values():  # the 異動明細 went with them: a later 異動 is seen there
        if any(row[5] is not None and row[5] > (target.approval_seq or 0) for row in record["history"]):
            raise violation(
                "later_event",
                "この異動の後に同じ住民の異動があるため、取消しできません。後の異動から処理してください。",
                "target_event_id",
            )
    return found


def restore(p: Planner, req: Cancellation, archived: dict[int, dict[str, Any]]) -> dict[int, str]:
    """The entered persons written back; returns old register id → new row reference."""
    given = {r.archived_person_id: r for r in req.restored}
    missing = sorted(set(archived) - set(given))
    if missing:
        raise violation(
            "archived",
            f"この異動の住民{len(missing)}人は除票用データベースへ移行済みのため、取消しで自動的には元に"
            "戻せません。異動前の住民データ（氏名・生年月日・住所等）と復帰する世帯を入力して取消してください。",
            "restored",
        )
    if set(given) - set(archived):
        raise violation(
            "not_archived", "入力できるのは除票用データベースへ移行したこの異動の住民だけです。", "restored"
        )
    if req.restore_household is None:
        raise violation("required", "復帰する世帯（従前の世帯又は従前の住所）を指定してください。",
                        "restore_household")
    hid = _household(p, req)
    keys: dict[int, str] = {}
    for n, (old, entered) in enumerate(sorted(given.items()), start=1):
        record = archived[old]["record"]
        spec = entered.spec()
        spec["ref"] = spec.get("ref") or f"r{n}"
        if not spec.get("resident_code"):
            spec["resident_code"] = archived[old]["resident_code"]
        key = p.new_person(spec, hid, p.date)
        for f in RESTORE_FIELDS:
            p.set("person", key, f, spec.get(f) or record.get(f) or (p.date if f != "previous_address" else ""))
        p.plan.carried_numbers[key] = archived[old]["atena_no"]  # the 除票's 宛名番号 comes back
        keys[old] = key
    if isinstance(hid, str):
        head = f"new:{req.head_ref}" if req.head_ref else next(iter(keys.values()))
        if head not in keys.values():
            raise violation("one_head", "世帯主となる住民を指定してください。", "head_ref")
        p.set("household", hid, "head_id", head)
    p.touched.append(hid)
    return keys


def _household(p: Planner, req: Cancellation) -> int | str:
    choice = req.restore_household
    assert choice is not None
    if choice.existing_id is None:
        assert choice.new is not None
        return p.new_household("h1", choice.new.model_dump())
    from .kinds.compensation import _load

    _load(p, "household", choice.existing_id)  # the 従前の世帯, reopened if the 異動 emptied it
    return choice.existing_id
