"""支援措置 (DV/stalking protection): the flag, its masking, its period, its alerts, and the one
question certificates ask: "may this requester receive this person's record?" ([440] 3.4,
[160] 1.1.16).

A measure protects from its start until a person ends it, with a reason ([410]#6, [440]#5, #6):
its end date only informs (the alerts below). Getting this wrong can cost a life: every change
and every access to a protected person raises an alert entry in the audit log, and the answer
defaults to "no" whenever anything is unclear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.wareki import format_date

from . import hold_feed
from .errors import violation
from .models import Person, PersonStatus, SupportMeasure
from .selectors.access import (
    MASK,
    active_measure,
    active_measures,
    active_measures_all,
    alert_access,
    may_manage,
)

__all__ = ["END_REASONS", "MASK", "active_measure", "alert_access", "carry_over", "confirm_measure",
           "end_measure", "extend_measure", "extension_opens", "inspection_admitted", "may_receive",
           "one_year_end", "period_alert", "release_inspection", "release_issuance", "set_end_date", "start_measure"]

# [440]#6: the three grounds on which a measure may end
END_REASONS = {
    "request": "支援対象者からの終了の申出",
    "expired": "支援措置の期間経過・延長なし",
    "no_need": "支援の必要性がなくなったと認めた",
}
ALERT_SOON = "支援措置の期間が1か月以内に終了します"
ALERT_OVER = "支援措置の期間が終了しています（延長または終了の処理をしてください）"


def _today() -> dt.date:
    return timezone.localdate()


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day, d.day))
        except ValueError:
            continue
    raise ValueError(d)  # pragma: no cover


def one_year_end(start: dt.date, months: int = 12) -> dt.date:
    """[440]#2: the period is one year: 令和2年4月1日 → 令和3年3月31日."""
    return _add_months(start, months) - dt.timedelta(days=1)


def extension_opens(measure: SupportMeasure) -> dt.date:
    """[440]#3/#4: the day one month before the end, from which it may be extended and alerted."""
    return _add_months(measure.end_date, -1)


def period_alert(measure: SupportMeasure | None, today: dt.date | None = None) -> str:
    """[440]#4/#5: the alert the person's screen shows to staff with need-to-know ("" for none)."""
    if measure is None or measure.ended_at is not None:
        return ""
    today = today or _today()
    if today > measure.end_date:
        return ALERT_OVER
    if today >= extension_opens(measure):
        return ALERT_SOON
    return ""


def _require(staff: Any, what: str) -> None:
    if not may_manage(staff):
        raise violation("not_support_staff", f"支援措置を{what}する権限がありません（支援対象者管理）。", "staff")


def _end_for(start: dt.date, end: dt.date | None, months: int) -> dt.date:
    end = end or one_year_end(start, months)
    if end < start:
        raise violation("end_before_start", "終了年月日は開始年月日以後の日付にしてください。", "end_date")
    return end


def start_measure(
    person_id: int, *, start: dt.date, reason: str, against: list[dict[str, Any]], staff: Any,
    months: int = 12, end: dt.date | None = None, provisional: bool = False,
    case: dict[str, Any] | None = None, joint_with: int | None = None,
) -> SupportMeasure:
    """支援措置の開始 (or 仮支援措置 from the application, [440]#7): one year by default, the end
    computed from the start and editable ([440]#2)."""
    _require(staff, "登録")
    if not Person.objects.filter(pk=person_id).exists():
        raise violation("not_found", "住民が見つかりません。", "person_id")
    if not reason.strip():
        raise violation("required", "措置区分（DV・ストーカー・児童虐待等）を入力してください。", "reason")
    end = _end_for(start, end, months)
    if joint_with is not None and not SupportMeasure.objects.filter(pk=joint_with).exists():
        raise violation("not_found", "申出者の支援措置が見つかりません。", "joint_with")
    with transaction.atomic():
        m = SupportMeasure.objects.create(
            person_id=person_id, start_date=start, end_date=end, reason=reason, against=against,
            created_by=staff, provisional=provisional, provisional_start=start if provisional else None,
            case=case or {}, joint_with_id=joint_with,
        )
        alert_access(person_id, screen="支援措置管理", function="support.start",
                     detail={"measure": m.pk, "end_date": end.isoformat(), "provisional": provisional})
        hold_feed.record_measure(m, "set")  # [420]#1, [410]#9: without reason, 加害者等 or case
    return m


def _locked(measure_id: int) -> SupportMeasure:
    m = SupportMeasure.objects.select_for_update().filter(pk=measure_id).first()
    if m is None:
        raise violation("not_found", "支援措置が見つかりません。", "measure")
    if m.ended_at is not None:
        raise violation("ended", "終了した支援措置は変更できません。新たに登録してください。", "measure")
    return m


def confirm_measure(measure_id: int, *, start: dt.date, staff: Any, end: dt.date | None = None) -> SupportMeasure:
    """仮支援措置 → 支援措置: the need is confirmed; the one-year period starts on ``start``. The
    仮 start stays on record and keeps protecting from then ([160] 仮支援措置の開始年月日)."""
    _require(staff, "開始")
    with transaction.atomic():
        m = _locked(measure_id)
        m.start_date, m.end_date, m.provisional = start, _end_for(start, end, 12), False
        m.save(update_fields=["start_date", "end_date", "provisional"])
        alert_access(m.person_id, screen="支援措置管理", function="support.confirm",
                     detail={"measure": m.pk, "start_date": start.isoformat(), "end_date": m.end_date.isoformat()})
    return m


def set_end_date(measure_id: int, *, end: dt.date, staff: Any) -> SupportMeasure:
    """[440]#2: the computed end date, corrected by hand."""
    _require(staff, "変更")
    with transaction.atomic():
        m = _locked(measure_id)
        m.end_date = _end_for(m.start_date, end, 12)
        m.save(update_fields=["end_date"])
        alert_access(m.person_id, screen="支援措置管理", function="support.set_end",
                     detail={"measure": m.pk, "end_date": m.end_date.isoformat()})
    return m


def extend_measure(measure_id: int, *, staff: Any, months: int = 12, on: dt.date | None = None) -> SupportMeasure:
    """[440]#3 延長: from one month before the end (refused earlier); the new period runs one year
    from the day after the old end."""
    _require(staff, "延長")
    on = on or _today()
    with transaction.atomic():
        m = _locked(measure_id)
        opens = extension_opens(m)
        if on < opens:
            raise violation("too_early", f"支援措置の延長は、期間終了日（{format_date(m.end_date)}）の1か月前"
                            f"（{format_date(opens)}）から行えます。", "measure")
        m.end_date = one_year_end(m.end_date + dt.timedelta(days=1), months)
        m.save(update_fields=["end_date"])
        alert_access(m.person_id, screen="支援措置管理", function="support.extend",
                     detail={"measure": m.pk, "end_date": m.end_date.isoformat()})
    return m


def end_measure(measure_id: int, *, staff: Any, reason: str) -> SupportMeasure:
    """[440]#6 終了: only by a person, on one of the three grounds; who, when and why recorded."""
    _require(staff, "終了")
    if reason not in END_REASONS:
        raise violation("end_reason", "終了理由（" + "・".join(END_REASONS.values()) + "）を選んでください。",
                        "end_reason")
    with transaction.atomic():
        m = _locked(measure_id)
        m.ended_at, m.ended_by, m.end_reason = timezone.now(), staff, reason
        m.save(update_fields=["ended_at", "ended_by", "end_reason"])
        alert_access(m.person_id, screen="支援措置管理", function="support.end",
                     detail={"measure": m.pk, "reason": reason})
        hold_feed.record_measure(m, "release")
    return m


def carry_over(events: Iterable[Any]) -> list[SupportMeasure]:
    """[440]#8: a protected person approved as moved out (転出・国外転出) keeps the protection: the
    measure becomes a 仮支援措置 of the 前住所地, from the 異動日, and never lapses by this. The
    除票 stays masked because masking asks for the measure, not for the person's status."""
    days = {}
    for e in events:
        for pid in (e.touches or {}).get("person") or ():
            days.setdefault(int(pid), e.effective_date)
    if not days:
        return []
    changed = []
    measures = active_measures(days).filter(person__status=PersonStatus.MOVED_OUT, office_role="current")
    for m in measures.select_for_update():
        m.office_role, m.provisional = "former", True
        m.provisional_start = m.provisional_start or days[m.person_id]
        m.save(update_fields=["office_role", "provisional", "provisional_start"])
        alert_access(m.person_id, screen="異動決裁", function="support.carry_over",
                     detail={"measure": m.pk, "provisional_start": m.provisional_start.isoformat()})
        changed.append(m)
    return changed


def _release(measure_id: int, *, staff: Any, reason: str, minutes: int | None, what: str) -> SupportMeasure:
    """[440]#1: after 審査, the 支援措置責任者 lifts the error of ``what`` ("issuance" or
    "inspection") for the 抑止's 一時解除 minutes; it locks again by itself (computed at read time)."""
    from .holds import relock_minutes

    _require(staff, "解除")
    limit = relock_minutes()
    minutes = limit if minutes is None else minutes
    if not reason.strip() or len(reason.strip()) > 200:
        label = "交付" if what == "issuance" else "閲覧"
        raise violation("release_reason", f"審査の内容（{label}を認める理由）を200文字以内で入力してください。", "release_reason")
    if not 1 <= minutes <= limit:
        raise violation("relock_minutes", f"一時解除の時間は1〜{limit}分で指定してください。", "minutes")
    with transaction.atomic():
        m = _locked(measure_id)
        until = timezone.now() + dt.timedelta(minutes=minutes)
        setattr(m, f"{what}_released_until", until)
        setattr(m, f"{what}_release_reason", reason.strip())
        m.save(update_fields=[f"{what}_released_until", f"{what}_release_reason"])
        alert_access(m.person_id, screen="支援措置管理", function=f"support.release_{what}",
                     detail={"measure": m.pk, "until": until.isoformat(), "reason": reason.strip()})
    return m


def release_issuance(measure_id: int, *, staff: Any, reason: str, minutes: int | None = None) -> SupportMeasure:
    """[440]#1: counter requests other than the 加害者等's may be answered for a while; the kiosk never."""
    return _release(measure_id, staff=staff, reason=reason, minutes=minutes, what="issuance")


def release_inspection(measure_id: int, *, staff: Any, reason: str, minutes: int | None = None) -> SupportMeasure:
    """[440]#1: the 住民基本台帳の一部の写し（閲覧用） made while this stands holds the person (and her
    household, unless another member is protected); each such copy names her (``InspectionCopy.admitted``)."""
    return _release(measure_id, staff=staff, reason=reason, minutes=minutes, what="inspection")


def inspection_admitted(on: dt.date | None = None) -> set[int]:
    """Protected persons every active measure of whom lets the 閲覧 go on now (released after 審査)."""
    now, out, refused = timezone.now(), set(), set()
    for m in active_measures_all(on):
        if m.inspection_released_until is not None and m.inspection_released_until > now:
            out.add(m.person_id)
        else:
            refused.add(m.person_id)
    return out - refused


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
    elif measure.issuance_released_until is not None and measure.issuance_released_until > timezone.now():
        decision = Decision(True, "審査の結果、支援措置責任者が交付を認めています（一時解除中）。")
    else:
        decision = Decision(False, "支援措置対象者の住民票等は本人以外に交付できません。")
    alert_access(person_id, screen="証明書交付", function="support.may_receive", detail={
        "requester_kind": requester_kind, "requester_person_id": requester_person_id,
        "channel": channel, "allowed": decision.allowed,
    })
    return decision
