"""再転入 ([600] 4.1.1.2): a person who comes back is matched against the 除票 of this municipality.

[600]#1: a 除票 with the same 個人番号, 住民票コード or 在留カード番号 refuses a new record (新規入力を
抑止): the clerk selects the 除票 as the 再転入者 (``returning_person_id``) instead. A 除票 with the
same 3情報 (氏名・性別・生年月日) and none of those numbers only alerts (confirmed like a duplicate).
Both answers name no person: a protected person's (支援措置) 除票 is found by the clerk through the
除票 search, which applies need-to-know; these messages only say that one exists.

Planning collects the keys (``events.checks.Checks``); ``run_checks`` asks for a whole batch with
two queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Count, Q

from .errors import RuleViolation, violation
from .models import Person, PersonStatus

REMOVED = (PersonStatus.MOVED_OUT.value, PersonStatus.DELETED.value)  # 除票 a person may return from
NUMBERS = {"my_number": "個人番号", "resident_code": "住民票コード", "residence_card_no": "在留カード番号"}
_READ = "再転入者の照合（表示なし）"

NumberKey = tuple[str, str]  # (item, value)
InfoKey = tuple[str, str, str]  # (name key, sex, birth date ISO)


def number_keys(spec: Mapping[str, Any]) -> list[NumberKey]:
    return [(f, str(spec.get(f))) for f in NUMBERS if spec.get(f)]


def info_key(spec: Mapping[str, Any]) -> InfoKey | None:
    from jichitai.moji import key

    if not spec.get("birth_date"):
        return None
    name = key(f"{spec.get('family_name') or ''}{spec.get('given_name') or ''}")
    return name, str(spec.get("sex") or ""), str(spec["birth_date"])


def removed_numbers(wanted: Iterable[NumberKey]) -> set[NumberKey]:
    """Which of the numbers a 除票 of this municipality holds (one query, nothing shown)."""
    wanted = set(wanted)
    cond = Q()
    for field in NUMBERS:
        values = {v for f, v in wanted if f == field}
        if values:
            cond |= Q(**{f"{field}__in": values})
    if not cond:
        return set()
    rows = (Person.objects.without_read_log(_READ).filter(cond, status__in=REMOVED)
            .values_list(*NUMBERS))
    return {(f, v) for row in rows for f, v in zip(NUMBERS, row, strict=True) if (f, v) in wanted}


def removed_infos(wanted: Iterable[InfoKey]) -> dict[InfoKey, int]:
    """How many 除票 hold each 3情報 (one query, a count only)."""
    wanted = set(wanted)
    if not wanted:
        return {}
    rows = (Person.objects.without_read_log(_READ)
            .filter(status__in=REMOVED, name_key__in={k for k, _, _ in wanted},
                    birth_date__in={d for _, _, d in wanted})
            .values("name_key", "sex", "birth_date").annotate(n=Count("pk")).values_list("name_key", "sex",
                                                                                       "birth_date", "n"))
    found = {(k, s, d.isoformat()): n for k, s, d, n in rows}
    return {w: found[w] for w in wanted if w in found}


def refuse_new_record(keys: Sequence[NumberKey], found: set[NumberKey]) -> None:
    """[600]#1: refuse a new person whose number a 除票 holds."""
    for field, value in keys:
        if (field, value) in found:
            raise violation(
                "returning_resident",
                f"{NUMBERS[field]}が一致する除票があります。新規に記載せず、除票を検索して再転入者として選択してください。",
                field,
            )


def three_info_alerts(keys: Sequence[InfoKey], found: Mapping[InfoKey, int]) -> list[RuleViolation]:
    """[600]#1: an alert when a 除票 has the same 氏名・性別・生年月日 (a count only, no one named)."""
    return [RuleViolation(  # confirmed like a suspected duplicate (the same rule, its own text)
        "duplicate_suspected",
        f"氏名・性別・生年月日が一致する除票が {found[k]} 件あります。再転入者であれば除票を検索して再転入者として選択して"
        "ください。別人であればこのまま登録を確認してください。",
        "family_name",
    ) for k in keys if found.get(k)]
