"""転出の流れ in the read layer ([50]#1, [710]): who is 住民 on a date, and the 転入通知未着者一覧.

[50]#1: a 転出 is 消除 on the 転出予定年月日 (or the notice's earlier 転入日). The register applies
the planned date by computing it here, not by a job: a person whose 転出予定日 has come reads as
転出者 (消除日 = 転出予定日) from that day on, with nothing to run and nothing a missed job could
leave wrong. The 転入通知 later stores the 確定 items and the stored status ([680]).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..models import Person, PersonStatus
from . import access
from .addresses import HIDDEN, household_address

NOT_ARRIVED_SETTING = "registry.move_in_notice_days"  # 団体別設定 (tenancy.MunicipalSetting)
DEFAULT_NOT_ARRIVED_DAYS = 30
SCREEN = "転入通知未着者一覧"


def today() -> dt.date:
    return timezone.localdate()


def current(on: dt.date | None = None) -> Q:
    """住民 on ``on``: stored as resident and no 転出予定日 that has come."""
    on = on or today()
    return Q(status=PersonStatus.RESIDENT) & (Q(move_out_planned_on__isnull=True) | Q(move_out_planned_on__gt=on))


def gone(on: dt.date | None = None) -> Q:
    """転出者 by their 転出予定日 ([50]#1) whose 転入通知 has not been entered yet."""
    on = on or today()
    return Q(status=PersonStatus.RESIDENT, move_out_planned_on__lte=on)


def effective(row: dict[str, Any], on: dt.date | None = None) -> dict[str, Any]:
    """A person's values as they read on ``on``: the 転出予定日 come makes a 転出者."""
    planned = row.get("move_out_planned_on")
    if row.get("status") != PersonStatus.RESIDENT or not planned:
        return row
    if (planned.isoformat() if isinstance(planned, dt.date) else str(planned)) > (on or today()).isoformat():
        return row
    return {**row, "status": PersonStatus.MOVED_OUT.value, "removed_on": planned}


def not_arrived_days() -> int:
    """[710]: days after the 転出予定日 without a 転入通知 before a person is listed (団体別設定,
    else JICHITAI_MOVE_IN_NOTICE_DAYS, default 30)."""
    from jichitai.tenancy.models import MunicipalSetting

    row = MunicipalSetting.objects.filter(key=NOT_ARRIVED_SETTING).first()
    value = row.value if row is not None else getattr(settings, "JICHITAI_MOVE_IN_NOTICE_DAYS", DEFAULT_NOT_ARRIVED_DAYS)
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return DEFAULT_NOT_ARRIVED_DAYS


def not_arrived(*, staff: Any, on: dt.date | None = None, days: int | None = None, include_deleted: bool = False,
                screen: str = SCREEN) -> list[dict[str, Any]]:
    """[710]: 転出予定 persons with no 転入通知 ``days`` after their 転出予定日 (with
    ``include_deleted`` also 職権消除 persons ``days`` after their 消除日), oldest first; protected
    persons masked (no identifier, no date, no destination) for staff without need-to-know."""
    on = on or today()
    days = not_arrived_days() if days is None else days
    cutoff = on - dt.timedelta(days=days)
    cond = Q(status=PersonStatus.RESIDENT, move_out_planned_on__lte=cutoff)
    if include_deleted:
        cond |= Q(status=PersonStatus.DELETED, removed_on__lte=cutoff, move_out_confirmed_on__isnull=True)
    persons = list(
        Person.objects.for_read(screen=screen, function="move_out.not_arrived")
        .filter(cond, move_in_notice_on__isnull=True).select_related("household__address").order_by("pk")
    )
    # a co-resident of a protected person: listed, his address (theirs too) hidden
    masked, hidden = access.decide([p.pk for p in persons], {p.household_id for p in persons}, staff=staff,
                                   screen=screen, function="move_out.not_arrived")
    out = []
    for p in persons:
        deleted = p.status == PersonStatus.DELETED
        since = p.removed_on if deleted else p.move_out_planned_on
        if p.pk in masked:
            out.append({"masked": True, "id": None, "name": access.MASK, "kana": "", "birth_date": None,
                        "reason": "", "since": None, "destination": "", "overdue_days": None, "_sort": dt.date.min,
                        "destination_code": "", "address": "", "sex": "", "resident_type": ""})
            continue
        out.append({"masked": False, "id": p.pk, "name": p.full_name,
                    "kana": f"{p.family_name_kana}　{p.given_name_kana}".strip(), "birth_date": p.birth_date,
                    "reason": "職権消除" if deleted else "転出", "since": since,
                    "destination": "" if deleted else p.move_out_destination,
                    "overdue_days": (on - since).days, "_sort": since,
                    # for the 転入通知未着照会書 (documents/move_in_notice_inquiry.py)
                    "destination_code": "" if deleted else p.move_out_destination_code,
                    "address": (HIDDEN if p.household_id in hidden else household_address(p.household))
                    if p.household_id else "",
                    "sex": p.sex, "resident_type": p.resident_type})
    out.sort(key=lambda r: r.pop("_sort"))  # masked rows first: their date is not shown either
    return out
