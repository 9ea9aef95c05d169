"""支援措置期間終了通知 ([440]#4, 帳票 20.5.1): the notice to a protected person (the 申出者) that
her 支援措置's period ends, made before it ends so she can ask for an extension ([440]#3); and the
支援措置開始通知 ([440]#9) once the need is confirmed.

It goes to the protected person only: it names her, at her own address, and the period; never the
加害者等 (``against``), the [160] case items, nor any other person. Only staff of 支援対象者管理
(need-to-know and the right to manage measures) can make it: everyone else gets "not found", so
the notice never tells them the measure exists. Every making is alerted (``alert_access``).
Which measures are due: :func:`ending_within` (the list screen).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from jichitai.wareki import format_date

from ..errors import violation
from ..models import SupportMeasure
from ..selectors import access
from ..selectors.documents import document_persons
from . import RegisterDocument, document
from ._common import date_text, municipality_code

KIND = "support_end_notice"
TITLE = "支援措置期間終了通知"
START_KIND = "support_start_notice"
START_TITLE = "支援措置開始通知"
SCREEN = "支援措置期間終了通知"
DAYS_SETTING = "registry.support_notice_days"  # 団体別設定: how many days ahead the list looks
DEFAULT_DAYS = 31
NOT_FOUND = "支援措置が見つかりません。"
BODY = (
    "あなたから申出のあった住民基本台帳事務における支援措置の期間は、{end}をもって終了します。"
    "引き続き支援措置を必要とされる場合は、{opens}から{end}までの間に、延長の申出をしてください。"
    "延長の申出がないときは、期間の終了により支援措置を終了することがあります。"
)
START_BODY = (
    "あなたから申出のあった住民基本台帳事務における支援措置について、支援の必要性を確認しましたので、"
    "下記の期間、支援措置を実施します。"
)


def notice_days() -> int:
    """Days ahead of the end the list shows (団体別設定, else JICHITAI_SUPPORT_NOTICE_DAYS, 31)."""
    from jichitai.tenancy.models import MunicipalSetting

    row = MunicipalSetting.objects.filter(key=DAYS_SETTING).first()
    value = (
        row.value
        if row is not None
        else getattr(settings, "JICHITAI_SUPPORT_NOTICE_DAYS", DEFAULT_DAYS)
    )
    try:
        return min(max(int(value), 1), 366)
    except (TypeError, ValueError):
        return DEFAULT_DAYS


def _require(staff: Any) -> None:
    # refused exactly like an unknown measure: a clerk learns nothing of whether it exists
    if not (access.need_to_know(staff) and access.may_manage(staff)):
        raise violation("not_found", NOT_FOUND, "measure_id")


def ending_within(
    *, staff: Any, days: int | None = None, on: dt.date | None = None
) -> list[SupportMeasure]:
    """Active measures of 申出者 (not 併せて支援を求める者) whose period ends from ``on`` to
    ``on + days`` (end date order): those a 期間終了通知 is due for. Staff of 支援対象者管理 only."""
    _require(staff)
    on = on or timezone.localdate()
    days = notice_days() if days is None else days
    return list(
        SupportMeasure.objects.filter(
            ended_at__isnull=True,
            joint_with__isnull=True,
            end_date__gte=on,
            end_date__lte=on + dt.timedelta(days=days),
        ).order_by("end_date", "pk")
    )


def _opens(measure: SupportMeasure) -> dt.date:
    from ..support import extension_opens

    return extension_opens(measure)


def _addressee(
    staff: Any, measure_id: int, *, confirmed: bool = False
) -> tuple[SupportMeasure, Any]:
    """The active measure and its person as the read layer gives her (to support staff only)."""
    _require(staff)
    measure = SupportMeasure.objects.filter(pk=measure_id, ended_at__isnull=True).first()
    if measure is None or (confirmed and measure.provisional):
        raise violation("not_found", NOT_FOUND, "measure_id")
    person = document_persons([measure.person_id], staff=staff, screen=SCREEN, function=KIND).get(
        measure.person_id
    )
    if person is None:  # not readable (another municipality's row, or masked): nothing is said
        raise violation("not_found", NOT_FOUND, "measure_id")
    access.alert_access(
        measure.person_id, screen=SCREEN, function=KIND, detail={"measure": measure.pk}
    )
    return measure, person


def _notice(
    kind: str,
    title: str,
    measure: SupportMeasure,
    person: Any,
    made_on: dt.date | None,
    body: str,
    **more: str,
) -> RegisterDocument:
    v = person.values
    made_on = made_on or timezone.localdate()
    name = f"{v.get('family_name') or ''}\u3000{v.get('given_name') or ''}".strip()
    return RegisterDocument(
        kind=kind,
        title=title,
        functions=("440",),
        municipality_code=municipality_code(),
        made_on=made_on,
        person_ids=(measure.person_id,),
        fields={
            "作成日": date_text(made_on),
            "宛先住所": person.address,
            "宛先氏名": f"{name}\u3000様",
            "本文": body,
            "支援措置の期間": f"{format_date(measure.start_date)}から{format_date(measure.end_date)}まで",
            **more,
        },
    )


@document(KIND, title=TITLE, functions=("440",))
def support_end_notice(
    *, staff: Any, measure_id: int, made_on: dt.date | None = None
) -> RegisterDocument:
    """[440]#4: the notice of one measure, addressed to its person at the address the register holds."""
    measure, person = _addressee(staff, measure_id)
    end, opens = format_date(measure.end_date), format_date(_opens(measure))
    return _notice(
        KIND,
        TITLE,
        measure,
        person,
        made_on,
        BODY.format(end=end, opens=opens),
        延長の申出ができる期間=f"{opens}から{end}まで",
    )


@document(START_KIND, title=START_TITLE, functions=("440",))
def support_start_notice(
    *, staff: Any, measure_id: int, made_on: dt.date | None = None
) -> RegisterDocument:
    """[440]#9: after the need is confirmed (not a 仮支援措置), the notice that support starts."""
    measure, person = _addressee(staff, measure_id, confirmed=True)
    return _notice(START_KIND, START_TITLE, measure, person, made_on, START_BODY)
