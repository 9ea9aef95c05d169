"""手数料の設定 (per kind, 減免事由) and the 交付日計表 with its CSV (docs/certificates.md
「手数料と日計」). The ledger holds counts and amounts per kind and per clerk: no person."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from jichitai.accounts.decorators import requires_capability
from jichitai.certificates import kinds
from jichitai.certificates.fees import ledger as ledger_mod
from jichitai.certificates.fees import settings as fee_settings
from jichitai.certificates.fees.charge import rates
from jichitai.certificates.fees.models import FeeExemption
from jichitai.wareki import DateInputError, parse_date

from ..registry.views.common import Errors, parse_id, render_page

LEDGER = "certificates.ledger"
FEES = "certificates.fees"
DATE_MESSAGE = "日付を正しく入力してください（例: 2026-12-01、令和8年12月1日）。"


def _fees_page(request: HttpRequest, errors: Errors, status: int = 200) -> HttpResponse:
    current = rates()
    posted = request.POST if request.method == "POST" else {}
    rows = [
        {
            "code": k.code,
            "title": k.title,
            "value": posted.get(f"fee-{k.code}", current.get(k.code, "")),
            "unset": k.code not in current,
        }
        for k in kinds.all_kinds()
    ]
    exemptions = list(FeeExemption.objects.order_by("pk"))
    return render_page(
        request,
        "certificates/fees.html",
        {"rows": rows, "exemptions": exemptions, "errors": errors, "values": posted},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires_capability(FEES)
def fees_view(request: HttpRequest) -> HttpResponse:
    """GET: the fee of each kind and the 減免事由; POST ``action`` = rates / exemption_add /
    exemption_active."""
    errors = Errors()
    if request.method == "GET":
        return _fees_page(request, errors)
    action = request.POST.get("action", "")
    if action == "rates":
        values = {k.code: request.POST.get(f"fee-{k.code}", "") for k in kinds.all_kinds()}
        problems = fee_settings.set_rates(values, staff=request.user)
    elif action == "exemption_add":
        problems = fee_settings.add_exemption(
            request.POST.get("label", "")[:100], request.POST.get("basis", "")[:400]
        )
    elif action == "exemption_active":
        found = parse_id(request.POST.get("exemption_id"))
        ok = found is not None and fee_settings.set_exemption_active(
            found, request.POST.get("active") == "1"
        )
        problems = [] if ok else ["減免事由が見つかりません。"]
    else:
        problems = ["操作を選んでください。"]
    for p in problems:
        errors.add(p)
    if errors:
        return _fees_page(request, errors, status=400)
    messages.success(request, "手数料の設定を保存しました。")
    return HttpResponseRedirect(reverse("certificates:fees"))


def _day(request: HttpRequest) -> dt.date | None:
    text = request.GET.get("date", "").strip()[:30]
    if not text:
        return timezone.localdate()
    try:
        return parse_date(text)
    except DateInputError:
        return None


@require_GET
@requires_capability(LEDGER)
def ledger_view(request: HttpRequest) -> HttpResponse:
    """交付日計表 of one day (default today): per kind, 減免 by reason, per clerk, refunds."""
    day = _day(request)
    errors = Errors()
    if day is None:
        errors.add(DATE_MESSAGE, "date", ("date",))
        return render_page(
            request,
            "certificates/ledger.html",
            {"errors": errors, "date": request.GET.get("date", "")[:30]},
            status=400,
        )
    book = ledger_mod.daily(day)
    return render_page(
        request,
        "certificates/ledger.html",
        {
            "errors": errors,
            "ledger": book,
            "date": day.isoformat(),
            "prev": (day - dt.timedelta(days=1)).isoformat() if day > dt.date.min else "",
            "next": (day + dt.timedelta(days=1)).isoformat() if day < dt.date.max else "",
        },
    )


def ledger_csv(book: ledger_mod.Ledger) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("交付日計表", book.municipality, book.day_text))
    writer.writerow(ledger_mod.HEADER)
    writer.writerows(ledger_mod.rows(book))
    if book.exemptions:
        writer.writerow(())
        writer.writerow(("減免事由", "根拠", "通数", "減免額"))
        writer.writerows(book.exemptions)
    return out.getvalue()


@require_GET
@requires_capability(LEDGER)
def ledger_csv_view(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    if day is None:
        return HttpResponse(DATE_MESSAGE, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        "\ufeff" + ledger_csv(ledger_mod.daily(day)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-{day:%Y%m%d}.csv"'
    return response
