"""CSV形式のデータの取込 ([1430]#1) on the certificate side: a 交付申請書 or 券面事項 CSV checked and
listed as drafts; each opens the counter pre-filled (``/certificates/?intake=N``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from jichitai.accounts.decorators import requires_capability
from jichitai.certificates import intake

from ..registry.views.csv_intake import intake_page

ISSUE = "certificates.issue"


@require_http_methods(["GET", "POST"])
@requires_capability(ISSUE)
def certificate_intake_view(request: HttpRequest) -> HttpResponse:
    return intake_page(request, "certificate", intake.SOURCES, intake.certificate_drafts)
