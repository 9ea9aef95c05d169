"""再転入 ([600] 4.1.1.2): a person who comes back is matched against the 除票 of this municipality.

[600]#1: a 除票 with the same 個人番号, 住民票コード or 在留カード番号 refuses a new record (新規入力を
抑止): the clerk selects the 除票 as the 再転入者 (``returning_person_id``) instead. A 除票 with the
same 3情報 (氏名・性別・生年月日) and none of those numbers only alerts (confirmed like a duplicate).
Both answers name no person: a protected person's (支援措置) 除票 is found by the clerk through the
除票 search, which applies need-to-know; these messages only say that one exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q

from .errors import RuleViolation, violation
from .models import Person, PersonStatus

REMOVED = (PersonStatus.MOVED_OUT.value, PersonStatus.DELETED.value)  # 除票 a person may return from
NUMBERS = {"my_number": "個人番号", "resident_code": "住民票コード", "residence_card_no": "在留カード番号"}
_READ = "再転入者の照合（表示なし）"


def refuse_new_record(spec: Mapping[str, Any]) -> None:
    """[600]#1: refuse a new person whose number a 除票 of this municipality holds."""
    cond = Q()
    for field in NUMBERS:
        value = str(spec.get(field) or "")
        if value:
            cond |= Q(**{field: value})
    if not cond:
        return
    found = (Person.objects.without_read_log(_READ).filter(cond, status__in=REMOVED)
             .values_list("my_number", "resident_code", "residence_card_no").first())
    if found is None:
        return
    field = next(f for f, v in zip(NUMBERS, found, strict=True) if v and v == str(spec.get(f) or ""))
    raise violation(
        "returning_resident",
        f"{NUMBERS[field]}が一致する除票があります。新規に記載せず、除票を検索して再転入者として選択してください。",
        field,
    )


def three_info_alerts(spec: Mapping[str, Any]) -> list[RuleViolation]:
    """[600]#1: an alert when a 除票 has the same 氏名・性別・生年月日 (a count only, no one named)."""
    from jichitai.moji import key

    if not spec.get("birth_date"):
        return []
    n = (Person.objects.without_read_log(_READ)
         .filter(status__in=REMOVED, name_key=key(f"{spec.get('family_name') or ''}{spec.get('given_name') or ''}"),
                 sex=spec.get("sex") or "", birth_date=spec["birth_date"]).count())
    if not n:
        return []
    return [RuleViolation(  # confirmed like a suspected duplicate (the same rule, its own text)
        "duplicate_suspected",
        f"氏名・性別・生年月日が一致する除票が {n} 件あります。再転入者であれば除票を検索して再転入者として選択してください。"
        "別人であればこのまま登録を確認してください。",
        "family_name",
    )]
