"""通知書の印刷 (docs/certificates.md): 「PDFで印刷」 on the screens that show a register document
(受理通知, 異動入力確認票, 転入通知未着照会書), the 支援措置期間終了通知 of one measure, and the list of measures ending
within N days with their notices printed together.

Thin: each view calls ``certificates.notices.print_notice`` (builder through the read layer, the
re-check, the render, the print log). A print is a POST (it is logged); a refusal goes back to the
screen with its Japanese message, an unknown or another municipality's id is 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.certificates.counter import content_disposition
from jichitai.certificates.notices import (
    NoticeRefused,
    PrintedNotice,
    print_documents,
    print_notice,
)
from jichitai.certificates.render import RenderError
from jichitai.registry import support
from jichitai.registry.documents import build
from jichitai.registry.documents import support_end_notice as end_notice
from jichitai.registry.errors import RegistryError

from .. import display
from .common import ENTER, SUPPORT_MANAGE, not_found, render_page

MAX_DAYS = 366
MAX_OVERDUE = 3650  # as the 転入通知未着者一覧


def _pdf(printed: PrintedNotice, name: str) -> HttpResponse:
    response = HttpResponse(printed.pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "no-store"
    return response


def _printed(request: HttpRequest, back: str, make: Any) -> HttpResponse:
    """``make()`` printed, or back to ``back`` with the reason (404 for an id not found)."""
    try:
        printed: PrintedNotice = make()
    except RegistryError as exc:
        if not_found(exc):
            raise Http404("見つかりません。") from None
        for message in exc.messages:
            messages.error(request, message)
    except NoticeRefused as exc:
        messages.error(request, exc.message)
    except RenderError as exc:  # e.g. a character IPAmj明朝 cannot draw: nothing printed
        messages.error(request, str(exc))
    else:
        return _pdf(printed, printed.documents[0].title)
    return HttpResponseRedirect(back)


@require_POST
@requires_capability(ENTER)
def receipt_notice_pdf_view(request: HttpRequest, event_id: int) -> HttpResponse:
    """住民異動届受理通知 ([580]) as the screen shows it, printed."""
    notifier = request.POST.get("notifier_name", "").strip()
    to_mover = request.POST.get("to_mover") == "1"
    back = (
        reverse("registry:receipt_notice", args=[event_id])
        + "?"
        + urlencode({"notifier_name": notifier, "to_mover": "1" if to_mover else ""})
    )
    return _printed(
        request,
        back,
        lambda: print_notice(
            "receipt_notice",
            staff=request.user,
            event_id=event_id,
            notifier_name=notifier,
            to_mover=to_mover,
        ),
    )


@require_POST
@requires_capability(ENTER)
def entry_sheet_pdf_view(request: HttpRequest, event_id: int) -> HttpResponse:
    """異動入力確認票 ([540], 確認用帳票) printed."""
    back = reverse("registry:entry_sheet", args=[event_id])
    return _printed(
        request,
        back,
        lambda: print_notice("entry_confirmation", staff=request.user, event_id=event_id),
    )


@require_POST
@requires_capability(ENTER)
def resident_code_notices_pdf_view(request: HttpRequest, event_id: int) -> HttpResponse:
    """[890]#1/#2: every 住民票コード通知票 the approved 異動 calls for (printed again the same)."""
    from jichitai.registry.documents import resident_code_notice

    back = reverse("registry:entry_sheet", args=[event_id])
    return _printed(
        request,
        back,
        lambda: print_documents(
            resident_code_notice.notices_for_event(event_id, staff=request.user), staff=request.user
        ),
    )


@require_POST
@requires_capability(SUPPORT_MANAGE)
def support_notice_pdf_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    """支援措置期間終了通知 ([440]#4) of one measure, to its protected person."""
    back = reverse("registry:support_detail", args=[measure_id])
    return _printed(
        request,
        back,
        lambda: print_notice(end_notice.KIND, staff=request.user, measure_id=measure_id),
    )


@require_POST
@requires_capability(SUPPORT_MANAGE)
def support_start_notice_pdf_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    """支援措置開始通知 ([440]#9) of a confirmed measure, to the 申出者."""
    back = reverse("registry:support_detail", args=[measure_id])
    return _printed(
        request,
        back,
        lambda: print_notice(end_notice.START_KIND, staff=request.user, measure_id=measure_id),
    )


def _days(value: str | None) -> int | None:
    """The number of days asked for (1–366), None when blank or wrong (the setting applies)."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_DAYS:
        return int(text)
    return None


@require_GET
@requires_capability(SUPPORT_MANAGE)
def support_ending_view(request: HttpRequest) -> HttpResponse:
    """支援措置期間終了予定一覧: measures ending within N days, each with its notice to print."""
    asked = request.GET.get("days")
    days = _days(asked) or end_notice.notice_days()
    error = "日数は1〜366の数字で入力してください。" if asked and _days(asked) is None else ""
    measures = end_notice.ending_within(staff=request.user, days=days)
    names = display.load_names(
        {m.person_id for m in measures}, staff=request.user, screen="支援措置期間終了予定一覧"
    )
    rows = [
        {
            "m": m,
            "name": names.get(m.person_id, "（記録なし）"),
            "opens": support.extension_opens(m),
        }
        for m in measures
    ]
    return render_page(
        request,
        "registry/support_ending.html",
        {
            "rows": rows,
            "days": days,
            "error": error,
            "today": timezone.localdate(),
        },
        status=400 if error else 200,
    )


@require_POST
@requires_capability(SUPPORT_MANAGE)
def support_ending_pdf_view(request: HttpRequest) -> HttpResponse:
    """Every notice of the list (one PDF, one notice per page), logged as one print."""
    days = _days(request.POST.get("days")) or end_notice.notice_days()
    back = reverse("registry:support_ending") + "?" + urlencode({"days": days})

    def make() -> PrintedNotice:
        measures = end_notice.ending_within(staff=request.user, days=days)
        docs = [build(end_notice.KIND, staff=request.user, measure_id=m.pk) for m in measures]
        return print_documents(docs, staff=request.user)

    return _printed(request, back, make)


def _overdue(request: HttpRequest) -> tuple[int | None, str]:
    """The list's 経過日数 (blank: the municipality's) and where to go back to."""
    text = request.POST.get("days", "").strip()
    days = int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_OVERDUE else None
    back = reverse("registry:not_arrived") + (
        "?" + urlencode({"days": days}) if days is not None else ""
    )
    return days, back


@require_POST
@requires_capability(ENTER)
def inquiry_pdf_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """転入通知未着照会書 ([710]) of one person of the 未着者一覧."""
    days, back = _overdue(request)
    return _printed(
        request,
        back,
        lambda: print_notice(
            "move_in_notice_inquiry", staff=request.user, person_id=person_id, days=days
        ),
    )


@require_POST
@requires_capability(ENTER)
def inquiries_pdf_view(request: HttpRequest) -> HttpResponse:
    """Every 照会書 of the 未着者一覧 (one PDF, one inquiry from a new page)."""
    from jichitai.registry.documents import move_in_notice_inquiry

    days, back = _overdue(request)
    return _printed(
        request,
        back,
        lambda: print_documents(
            move_in_notice_inquiry.inquiries(staff=request.user, days=days), staff=request.user
        ),
    )
