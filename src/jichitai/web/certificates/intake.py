"""CSV形式のデータの取込 ([1430]#1) on the certificate side: a 交付申請書 or 券面事項 CSV checked and
listed as drafts; each opens the counter pre-filled (``/certificates/?intake=N``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from jichitai.accounts.decorators import requires_capability
from jichitai.certificates import intake
from jichitai.registry.csv_intake.drafts import Draft
from jichitai.registry.csv_intake.reading import Problem

from ..registry.views.common import render_page
from ..registry.views.csv_intake import store, upload

ISSUE = "certificates.issue"


@require_http_methods(["GET", "POST"])
@requires_capability(ISSUE)
def certificate_intake_view(request: HttpRequest) -> HttpResponse:
    drafts: list[Draft] = []
    problems: list[Problem] = []
    if request.method == "POST":
        source, data, name, problems = upload(request, intake.SOURCES)
        if not problems:
            drafts, problems = intake.certificate_drafts(source, data, name, staff=request.user)
        store(request, "certificate", drafts)
    sources = [
        (key, label, [c.label for c in cols]) for key, (label, cols) in intake.SOURCES.items()
    ]
    return render_page(
        request,
        "registry/csv_intake.html",
        {
            "sources": sources,
            "drafts": list(enumerate(drafts)),
            "problems": problems,
            "target": "certificate",
        },
        status=400 if problems else 200,
    )
