"""支援対象者管理のデータベース ([160] 1.1.16): the items of one 支援措置 beyond its period.

The 申出者's own items (氏名, 宛名番号, 生年月日, 性別, 住所, 本籍 …) are the person's record and are
not copied; what the register does not hold is kept in ``SupportMeasure.case`` (a JSON object of
the keys below): the 連絡先, the 加害者's other items, the 事務 for which support is asked and the
抑止対象の住所等, the 転送情報 and the 当初受付市区町村. 併せて支援を求める者 are persons of the register
with a measure of their own, linked to the 申出者's (``joint_with``), so they are protected too.
Reachable only by staff with need-to-know (the 支援措置 screens), every change alerted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from .errors import RegistryError, RuleViolation, violation
from .models import Person, SupportMeasure
from .selectors.access import alert_access, may_manage

AFFAIRS = {
    "inspection": "住民基本台帳の一部の写しの閲覧（現住所）",
    "certificate": "住民票の写し等の交付（現住所、前住所）",
    "koseki_fuhyo": "戸籍の附票の写し等の交付（本籍、前本籍、前々本籍等）",
}
# key: (label, kind) — kind "text" (at most 200 characters) or "date" (ISO in the JSON)
CASE_FIELDS: dict[str, tuple[str, str]] = {
    "contact": ("申出者の連絡先（電話番号・携帯電話番号・メールアドレス等）", "text"),
    "previous_address": ("前住所等（前住所地市区町村等における最終住所を含む）", "text"),
    "forwarding_address": ("転出先住所（統合記載欄・転出届・転入通知に基づくもの）", "text"),
    "offender_birth_date": ("加害者の生年月日", "date"),
    "offender_sex": ("加害者の性別", "text"),
    "offender_address": ("加害者の住所", "text"),
    "offender_note": ("加害者に関するその他", "text"),
    "held_addresses": ("抑止対象の住所等（現住所・前住所・本籍・前本籍等）", "text"),
    "transfer_to": ("転送先市区町村", "text"),
    "transferred_on": ("転送年月日", "date"),
    "transfer_received_on": ("転送された支援措置申出書の受付年月日", "date"),
    "no_need_notified_on": ("支援の必要性がないことを確認したときの申出者への連絡年月日", "date"),
    "original_office": ("当初受付市区町村（転送受付市区町村の場合）", "text"),
}
TEXT_MAX = 200


def clean_case(values: Mapping[str, Any], affairs: list[str]) -> dict[str, Any]:
    """The [160] items as stored, or RegistryError naming each bad field."""
    errors: list[RuleViolation] = []
    out: dict[str, Any] = {}
    for key, (label, kind) in CASE_FIELDS.items():
        value = values.get(key)
        if value in (None, ""):
            continue
        if kind == "date":
            if not isinstance(value, dt.date):
                errors.append(RuleViolation("date", f"{label}は日付で入力してください。", key))
                continue
            out[key] = value.isoformat()
        elif len(str(value).strip()) > TEXT_MAX:
            errors.append(RuleViolation("too_long", f"{label}は{TEXT_MAX}文字以内で入力してください。", key))
        elif str(value).strip():
            out[key] = str(value).strip()
    unknown = [a for a in affairs if a not in AFFAIRS]
    if unknown:
        errors.append(RuleViolation("affairs", "支援を求める事務は一覧から選んでください。", "affairs"))
    out["affairs"] = [a for a in AFFAIRS if a in affairs]
    if errors:
        raise RegistryError(*errors)
    return out


def update_case(measure_id: int, *, values: Mapping[str, Any], affairs: list[str], staff: Any) -> SupportMeasure:
    if not may_manage(staff):
        raise violation("not_support_staff", "支援措置を変更する権限がありません（支援対象者管理）。", "staff")
    case = clean_case(values, affairs)
    with transaction.atomic():
        m = SupportMeasure.objects.select_for_update().filter(pk=measure_id).first()
        if m is None:
            raise violation("not_found", "支援措置が見つかりません。", "measure")
        m.case = case
        m.save(update_fields=["case"])
        alert_access(m.person_id, screen="支援措置管理", function="support.case", detail={"measure": m.pk})
    return m


def add_joint(measure_id: int, *, person_id: int, relation: str, staff: Any) -> SupportMeasure:
    """併せて支援措置を求める者: a measure of their own over the 申出者's period, linked to it."""
    from . import support

    if not relation.strip() or len(relation.strip()) > 50:
        raise violation("relation", "申出者との関係を50文字以内で入力してください。", "relation")
    main = SupportMeasure.objects.filter(pk=measure_id, ended_at__isnull=True).first()
    if main is None:
        raise violation("not_found", "支援措置が見つかりません（終了済みを含む）。", "measure")
    if person_id == main.person_id or not Person.objects.filter(pk=person_id).exists():
        raise violation("not_found", "併せて支援を求める者が見つかりません。", "joint_person_id")
    return support.start_measure(
        person_id, start=main.start_date, end=main.end_date, reason=main.reason, against=main.against, staff=staff,
        provisional=main.provisional, case={"relation": relation.strip()}, joint_with=main.pk,
    )


def case_items(measure: SupportMeasure) -> list[tuple[str, str]]:
    """(label, text) of the stored [160] items, for the screen (dates in 和暦, [90])."""
    from jichitai.wareki import format_date

    case = measure.case or {}
    items = [(label, format_date(dt.date.fromisoformat(case[key])) if kind == "date" else case[key])
             for key, (label, kind) in CASE_FIELDS.items() if case.get(key)]
    if case.get("affairs"):
        items.append(("支援を求める事務", "、".join(AFFAIRS[a] for a in case["affairs"] if a in AFFAIRS)))
    if case.get("relation"):
        items.append(("申出者との関係", case["relation"]))
    return items
