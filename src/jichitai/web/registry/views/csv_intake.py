"""CSV形式のデータの取込 ([1430]#1) on the 異動 side: a 転出証明書, 住民異動届 or 券面事項 CSV checked
and listed as drafts; each opens its 異動 form pre-filled (``?intake=N``). The drafts are kept in the
staff member's session for their municipality only; nothing is stored in the register by the intake."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from jichitai.accounts.decorators import requires_capability
from jichitai.registry.csv_intake import events
from jichitai.registry.csv_intake.drafts import Draft
from jichitai.registry.csv_intake.reading import MAX_BYTES, Problem

from .common import ENTER, render_page

SESSION = "jichitai_csv_intake"


def store(request: HttpRequest, target: str, drafts: list[Draft]) -> None:
    """The drafts of the last file taken in, for the acting municipality only."""
    municipality = request.tenant_context.acting_municipality_id  # type: ignore[attr-defined]
    kept = dict(request.session.get(SESSION) or {})
    kept[target] = {"municipality": municipality, "drafts": [d.as_dict() for d in drafts]}
    request.session[SESSION] = kept


def load(request: HttpRequest, target: str, raw: Any) -> Draft | None:
    """Draft number ``raw`` of the last file, None when there is none for this municipality."""
    kept = (request.session.get(SESSION) or {}).get(target) or {}
    municipality = request.tenant_context.acting_municipality_id  # type: ignore[attr-defined]
    try:
        n = int(str(raw))
    except ValueError:
        return None
    drafts = kept.get("drafts") or []
    if kept.get("municipality") != municipality or not 0 <= n < len(drafts):
        return None
    return Draft.from_dict(drafts[n])


def upload(request: HttpRequest, sources: dict[str, Any]) -> tuple[str, bytes, str, list[Problem]]:
    """(source, bytes, file name, problems of the upload itself)."""
    source = request.POST.get("source", "")
    f = request.FILES.get("file")
    if source not in sources:
        return (
            "",
            b"",
            "",
            [Problem("", 0, "取込むデータ", "source", "取り込むデータの種類を選んでください。")],
        )
    if f is None:
        return (
            source,
            b"",
            "",
            [Problem("", 0, "ファイル", "file", "CSVファイルを選んでください。")],
        )
    if f.size > MAX_BYTES:
        return (
            source,
            b"",
            f.name,
            [Problem(f.name, 0, "", "too_large", "ファイルが大きすぎます（2MBまで）。")],
        )
    return source, f.read(), f.name or "upload.csv", []


def intake_page(
    request: HttpRequest, target: str, sources: dict[str, Any], make: Any
) -> HttpResponse:
    """The intake screen of one side: the upload, its problems or its drafts (kept in the session)."""
    drafts: list[Draft] = []
    problems: list[Problem] = []
    if request.method == "POST":
        source, data, name, problems = upload(request, sources)
        if not problems:
            drafts, problems = make(source, data, name, staff=request.user)
        store(request, target, drafts)
    listed = [(key, label, [c.label for c in cols]) for key, (label, cols) in sources.items()]
    return render_page(
        request,
        "registry/csv_intake.html",
        {
            "sources": listed,
            "drafts": list(enumerate(drafts)),
            "problems": problems,
            "target": target,
        },
        status=400 if problems else 200,
    )


@require_http_methods(["GET", "POST"])
@requires_capability(ENTER)
def csv_intake_view(request: HttpRequest) -> HttpResponse:
    return intake_page(request, "event", events.SOURCES, events.event_drafts)
