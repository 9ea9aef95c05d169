"""帰化・国籍取得・国籍喪失: the old 住民票 is removed (消除) and one of the other 住民種別 is written
(記載) in the same household, carrying the 宛名番号, 住民票コード and 個人番号.

Standard: [930] 帰化, [940] 国籍取得, [950] 国籍喪失 (事由 職権消除・職権記載（帰化等）/（国籍喪失）, [210]).

The new record is a new row (the register keeps one row per 住民票): the old one stays as the
消除 record with status ``deleted``, the new one takes its 宛名番号 (``Plan.carried_numbers``; the
宛名番号 is unique among records not 消除). Carried ([930]#2, [940]#2, [950]#2): 住所・方書 (the
household), 生年月日, 性別, 続柄, 住所を定めた年月日, 住民票コード, 宛名番号, 個人番号, 転入前住所, and
the name unless the request states the new one. 帰化・国籍取得: 外国人住民となった年月日 becomes
住民となった年月日. 国籍喪失: 住民となった年月日 is kept and 外国人住民となった年月日 is the later of
国籍を失った年月日 and it; 旧外登法による登録年月日 is never written ([950]#4).
"""

from __future__ import annotations

from typing import Any

from ...conventions import ITEM_FIELDS, NEW_PERSON_FIELDS, iso
from ...errors import violation
from ...models import PersonStatus
from ...more_items import FOREIGN_ONLY, MORE_ITEMS
from .. import checks as _checks
from ..plan import Planner
from ..requests import NationalityChange
from . import register

CARRIED = (
    "family_name", "given_name", "family_name_kana", "given_name_kana", "name_kana_confirmed", "birth_date",
    "birth_date_precision", "birth_date_text", "sex", "relationship", "my_number", "resident_code",
    "previous_address", "previous_address_postal_code", "address_set_on", "address_set_on_text",
    *(f for f in MORE_ITEMS if f not in FOREIGN_ONLY),
)
JAPANESE_ONLY = ("honseki", "hittousha", "former_surname", "former_surname_kana", "former_surname_kana_confirmed")
TO_JAPANESE = ("naturalization", "nationality_acquisition")


def _later(a: Any, b: Any) -> Any:
    """The later of two dates (a date or its ISO text; rows hold ISO text)."""
    found = [str(iso(x)) for x in (a, b) if x]
    return max(found) if found else None


@register("naturalization", "nationality_acquisition", "nationality_loss", functions=("930", "940", "950"))
def plan_nationality(p: Planner, req: NationalityChange, kind: str, checks: _checks.Checks) -> None:
    old = p.person(req.person_id)
    to = "japanese" if kind in TO_JAPANESE else "foreign"
    if old.get("resident_type") == to:
        label = "外国人住民" if to == "japanese" else "日本人住民"
        raise violation("resident_type", f"この異動は{label}についてのみ入力できます。", "person_id")
    stated = req.items()
    wrong = [f for f in stated if (f in JAPANESE_ONLY) != (to == "japanese") and f not in CARRIED]
    if wrong:
        raise violation("resident_type", "新しい住民種別にない項目です: " + ", ".join(wrong), wrong[0])
    spec: dict[str, Any] = {f: old.get(f) for f in CARRIED}
    spec.update(stated, resident_type=to, ref="nationality")
    if to == "foreign":  # [950]#2: the later of 国籍を失った年月日 and 住民となった年月日
        spec["became_foreign_resident_on"] = _later(req.lost_on or p.date, old.get("became_resident_on"))
    hid = old["household_id"]
    p.set("person", req.person_id, "status", PersonStatus.DELETED.value)  # the old 住民票's 消除
    p.set("person", req.person_id, "removed_on", p.date)
    ref = p.new_person({f: v for f, v in spec.items() if f in (*NEW_PERSON_FIELDS, *ITEM_FIELDS, "ref")},
                       hid, p.date)
    if to == "japanese":  # [930]#2: 外国人住民となった年月日 as 住民となった年月日
        since = old.get("became_foreign_resident_on") or old.get("became_resident_on")
        p.set("person", ref, "became_resident_on", since)
    else:
        p.set("person", ref, "became_resident_on", old.get("became_resident_on"))
    for f in ("address_set_on", "previous_address", "previous_address_postal_code"):
        if old.get(f):
            p.set("person", ref, f, old.get(f))
    household = p.household(hid)
    if household.get("head_id") == req.person_id:
        p.set("household", hid, "head_id", ref)
    p.plan.carried_numbers[ref] = str(old.get("atena_no") or "")
    p.plan.retire_first = True
    p.touched.append(hid)
    p.plan.main_household = hid
