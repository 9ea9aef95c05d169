"""支援措置 (DV/stalking protection): the flag, its masking, its alerts, and the one question
certificates ask: "may this requester receive this person's record?" ([440] 3.4, [160] 1.1.16).

Getting this wrong can cost a life: every check and every access to a protected person raises an
alert entry in the audit log, and the answer defaults to "no" whenever anything is unclear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from .errors import violation
from .models import Person, SupportMeasure
from .selectors.access import MASK, active_measure, alert_access, need_to_know

__all__ = ["MASK", "active_measure", "alert_access", "end_measure", "extend_measure", "may_receive",
           "start_measure"]


def _today() -> dt.date:
    return timezone.localdate()


def start_measure(
    person_id: int, *, start: dt.date, reason: str, against: list[dict[str, Any]], staff: Any,
    months: int = 12,
) -> SupportMeasure:
    """支援措置の開始: one year by default (the period the 要綱 sets); extension is separate."""
    if not need_to_know(staff):
        raise violation("not_support_staff", "支援措置を登録する権限がありません。", "staff")
    if not Person.objects.filter(pk=person_id).exists():
        raise violation("not_found", "住民が見つかりません。", "person_id")
    if not reason.strip():
        raise violation("required", "措置区分（DV・ストーカー・児童虐待等）を入力してください。", "reason")
    end = _add_months(start, months) - dt.timedelta(days=1)
    with transaction.atomic():
        m = SupportMeasure.objects.create(
            person_id=person_id, start_date=start, end_date=end, reason=reason, against=against,
            created_by=staff,
        )
        alert_access(person_id, screen="支援措置管理", function="support.start",
                     detail={"measure": m.pk, "end_date": end.isoformat()})
    return m


def extend_measure(measure_id: int, *, staff: Any, months: int = 12) -> SupportMeasure:
    """延長: another period from the day after the current end."""
    if not need_to_know(staff):
        raise violation("not_support_staff", "支援措置を延長する権限がありません。", "staff")
    with transaction.atomic():
        m = SupportMeasure.objects.select_for_update().get(pk=measure_id)
        if m.ended_at is not None:
            raise violation("ended", "終了した支援措置は延長できません。新たに登録してください。", "measure")
        m.end_date = _add_months(m.end_date + dt.timedelta(days=1), months) - dt.timedelta(days=1)
        m.save(update_fields=["end_date"])
        alert_access(m.person_id, screen="支援措置管理", function="support.extend",
                     detail={"measure": m.pk, "end_date": m.end_date.isoformat()})
    return m


def end_measure(measure_id: int, *, staff: Any) -> SupportMeasure:
    if not need_to_know(staff):
        raise violation("not_support_staff", "支援措置を終了する権限がありません。", "staff")
    with transaction.atomic():
        m = SupportMeasure.objects.select_for_update().get(pk=measure_id)
        m.ended_at = timezone.now()
        m.save(update_fields=["ended_at"])
        alert_access(m.person_id, screen="支援措置管理", function="support.end", detail={"measure": m.pk})
    return m


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day, d.day))
        except ValueError:
            continue
    raise ValueError(d)  # pragma: no cover


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


REQUESTER_KINDS = ("self", "household", "agent", "third_party", "kiosk_self")


def may_receive(
    person_id: int,
    *,
    requester_kind: str,
    requester_person_id: int | None = None,
    on: dt.date | None = None,
    channel: str = "counter",
) -> Decision:
    """May this requester receive the person's record (certificate, copy, kiosk)? One answer.

    Without an active measure: yes (other issuance rules are the certificate module's). With one:
    only the protected person, in person at the counter, and never anyone named in ``against``;
    the kiosk is refused (self-service issuance is restricted while the measure is active).
    """
    if requester_kind not in REQUESTER_KINDS:
        return Decision(False, "請求者の区分が不明です。")
    measure = active_measure(person_id, on)
    if measure is None:
        return Decision(True, "支援措置の対象ではありません。")
    against_ids = {a.get("person_id") for a in measure.against if a.get("person_id")}
    if requester_person_id is not None and requester_person_id in against_ids:
        decision = Decision(False, "支援措置の加害者等からの請求のため交付できません。")
    elif requester_kind == "self" and requester_person_id == person_id and channel == "counter":
        decision = Decision(True, "支援措置対象者本人の窓口請求です（本人確認のうえ交付）。")
    elif channel != "counter" or requester_kind == "kiosk_self":
        decision = Decision(False, "支援措置対象者の証明書はコンビニ交付・郵送等では交付できません。窓口で本人確認を行ってください。")
    else:
        decision = Decision(False, "支援措置対象者の住民票等は本人以外に交付できません。")
    alert_access(person_id, screen="証明書交付", function="support.may_receive", detail={
        "requester_kind": requester_kind, "requester_person_id": requester_person_id,
        "channel": channel, "allowed": decision.allowed,
    })
    return decision
