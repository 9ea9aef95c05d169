"""文字超過リスト ([1070]#2): values that overflowed their box and characters IPAmj明朝 cannot draw,
for staff to check (on screen, or as CSV to print). Every rule is certificates.overflow's: a line
about a person the staff member may not see (支援措置) is never on it; another municipality's lines
are not there at all."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.certificates import kinds, overflow

from ..registry.views.common import Errors, parse_id, render_page

ISSUE = "certificates.issue"
TEMPLATE = "certificates/overflow.html"


@require_GET
@requires_capability(ISSUE)
def overflow_view(request: HttpRequest) -> HttpResponse:
    unchecked = request.GET.get("unchecked") == "1"
    issuance = parse_id(request.GET.get("issuance"))  # [1420]#6: the list of one issuance
    rows = overflow.lines(staff=request.user, unchecked_only=unchecked, issuance_id=issuance)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            overflow.csv_text(rows, kinds.titles()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="moji-chouka.csv"'
        response["Cache-Control"] = "no-store"
        return response
    context = {"rows": rows, "titles": kinds.titles(), "unchecked": unchecked, "issuance": issuance,
               "errors": Errors()}
    return render_page(request, TEMPLATE, context)


@require_POST
@requires_capability(ISSUE)
def overflow_check_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    """確認済み: a line the list does not show this staff member is not found (404)."""
    if not overflow.mark_checked(entry_id, staff=request.user):
        context = {"rows": [], "missing": True, "errors": Errors()}
        return render_page(request, TEMPLATE, context, status=404)
    messages.success(request, "確認済みにしました。")
    return HttpResponseRedirect(reverse("certificates:overflow"))
