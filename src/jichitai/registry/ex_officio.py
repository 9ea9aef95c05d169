"""職権による住民票の記載等 ([750]–[790]): the one way in for a 職権 異動 with its 職権記録書.

A 職権 異動 goes through the ordinary workflow (仮登録 → 決裁 → 本登録); this module adds what the
standard asks of it besides: why it was made (``basis``), the 戸籍届出日 and 通知日 of one made on a
戸籍届出 or a 戸籍通知 ([780]), the 申出日 of one made on a 申出 ([790]), each defaulting to the day
of processing ([780]#2, [790]#3), and the 事項 the 職権記録書 states ([750]#2). A 届出's 異動 made
without its 届出 ([760] 届出の準用) has no 届出日 (4.1.0.2 is the one rule not applied).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from .errors import violation
from .ex_officio_models import ExOfficioBasis, ExOfficioRecord

# the 異動 of 4.1 (届出) that [760] lets be made ex officio when the 届出 is missing
REPORT_KINDS = frozenset(
    {
        "move_in",
        "move_in_abroad",
        "move_within",
        "move_out_planned",
        "move_out_abroad",
        "household_split",
        "household_merge",
        "head_change",
        "birth",
        "death",
        "alias_change",
    }
)
# kinds that are 職権 by nature (a record is made for them whatever the way in)
EX_OFFICIO_KINDS = frozenset(
    {
        "ex_officio_entry",
        "ex_officio_deletion",
        "ex_officio_correction",
        "disappearance",
        "minor_correction",
        "name_change",
        "naturalization",
        "nationality_acquisition",
        "nationality_loss",
    }
)
KOSEKI_BASES = frozenset({ExOfficioBasis.KOSEKI_REPORT, ExOfficioBasis.KOSEKI_NOTICE})


def default_dates(basis: str, *, today: dt.date | None = None) -> dict[str, dt.date]:
    """[780]#2, [790]#3: the dates a form shows first for a basis (the day of processing)."""
    day = today or timezone.localdate()
    if basis == ExOfficioBasis.KOSEKI_REPORT:
        return {"koseki_reported_on": day}
    if basis == ExOfficioBasis.KOSEKI_NOTICE:
        return {"notified_on": day}
    if basis == ExOfficioBasis.OFFER:
        return {"offered_on": day}
    return {}


def submit(
    kind: str,
    request: Any,
    *,
    effective_date: dt.date,
    entered_by: Any,
    basis: str,
    koseki_reported_on: dt.date | None = None,
    notified_on: dt.date | None = None,
    offered_on: dt.date | None = None,
    matter: str = "",
    notice_ref: str = "",
    idempotency_key: str | None = None,
    confirm_alerts: bool = False,
) -> Any:
    """仮登録 of a 職権 異動 and its 職権記録書 (one transaction). Dates left out are the day of
    processing for the basis that has them; a basis that has none refuses them."""
    from .events import submit_event

    if basis not in ExOfficioBasis.values:
        raise violation("basis", "職権の契機を選んでください。", "basis")
    if kind not in EX_OFFICIO_KINDS and kind not in REPORT_KINDS:
        raise violation("basis", "この異動は職権では入力できません。", "kind")
    if basis == ExOfficioBasis.REPORT_APPLIED and kind not in REPORT_KINDS:
        raise violation(
            "basis",
            "届出の準用は届出による異動（転入・転居・転出・世帯変更・出生・死亡など）についてだけ選べます。",
            "basis",
        )
    dates = {
        "koseki_reported_on": koseki_reported_on,
        "notified_on": notified_on,
        "offered_on": offered_on,
    }
    for name, value in default_dates(basis).items():
        dates[name] = dates[name] or value
    if basis not in KOSEKI_BASES and (dates["koseki_reported_on"] or dates["notified_on"]):
        raise violation(
            "basis",
            "戸籍届出日・通知日は戸籍届出・戸籍通知による職権記載等の場合だけ入力します。",
            "koseki_reported_on",
        )
    if basis != ExOfficioBasis.OFFER and dates["offered_on"]:
        raise violation(
            "offered_on", "申出日は申出による職権記載等の場合だけ入力します。", "offered_on"
        )
    if dates["koseki_reported_on"] and dates["koseki_reported_on"] > timezone.localdate():
        raise violation("future", "戸籍届出日に未来の日付は指定できません。", "koseki_reported_on")
    if len(matter) > 2000:
        raise violation(
            "matter", "職権により記載等を行う事項は2000文字以内で入力してください。", "matter"
        )
    with transaction.atomic():
        sub = submit_event(
            kind,
            request,
            effective_date=effective_date,
            reported_date=None,
            entered_by=entered_by,
            confirm_alerts=confirm_alerts,
            idempotency_key=idempotency_key,
            notified_on=dates["notified_on"],
            offered_on=dates["offered_on"],
        )
        ExOfficioRecord.objects.get_or_create(
            event=sub.event,
            defaults={
                "basis": basis,
                "koseki_reported_on": dates["koseki_reported_on"],
                "matter": matter.strip(),
                "notice_ref": notice_ref[:60],
            },
        )
    return sub


def record_of(event_id: int) -> ExOfficioRecord | None:
    return ExOfficioRecord.objects.filter(event_id=event_id).first()


def is_ex_officio(event: Any) -> bool:
    """A 職権 異動: of a 職権 kind, or one with a 職権記録書 (a 届出's 異動 made without its 届出)."""
    return (
        event.kind in EX_OFFICIO_KINDS or ExOfficioRecord.objects.filter(event_id=event.pk).exists()
    )


def basis_label(value: str) -> str:
    labels: Mapping[str, str] = dict(ExOfficioBasis.choices)
    return labels.get(value, "")


from .documents import ex_officio_notice as _documents  # noqa: E402,F401 - registers 職権記載等通知書・職権記録書
