"""証明書交付 at the counter, its 見本, and 交付履歴照会 ([360]) with 処分 of a wrong copy.

Every rule is issuance's (``jichitai.certificates.issuance``); a refusal is shown on the form in
Japanese with 400. A protected person's refusal reads as for a person not on the register.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.certificates import counter, kinds, overflow, printing
from jichitai.certificates.issuance import IssuanceMismatch, IssuanceRefused
from jichitai.certificates.issuance.history import (
    dispose,
    person_cards,
    person_history,
    person_inspection_copies,
    person_notices,
)
from jichitai.certificates.issuance.request import REQUESTER_KINDS
from jichitai.certificates.models import Issuance
from jichitai.certificates.render import UndrawableCharactersError
from jichitai.registry import selectors
from jichitai.registry.errors import RegistryError
from jichitai.registry.selectors.search import SearchQuery

from ..registry.views.common import Errors, parse_id, render_page
from ..registry.views.csv_intake import load
from . import form

ISSUE = "certificates.issue"
TEMPLATE = "certificates/counter.html"
HISTORY_TEMPLATE = "certificates/history.html"
INSPECTION_ORDERS = {"address": "住所順", "kana": "五十音順", "random": "ランダム順"}
DISPOSE_REASON = "処分の理由を入力してください。"
DISPOSE_CONFIRM = "取り消してよいか確認し、確認欄にチェックしてください（取り消した証明書は照合で失効と表示されます）。"


def _candidates(request: HttpRequest, errors: Errors) -> list[Any]:
    name = request.GET.get("q", "").strip()[:100]
    if not name:
        return []
    try:
        return selectors.search(SearchQuery(name=name), staff=request.user).results
    except RegistryError as exc:
        for v in exc.violations:
            errors.add(v.message)
        return []


def _page(
    request: HttpRequest, values: Any, errors: Errors, status: int = 200, candidates: Any = ()
) -> HttpResponse:
    ids, _ = form.subject_ids(values)
    return render_page(
        request,
        TEMPLATE,
        {
            "values": values,
            "subjects": ids,
            "subject_text": "、".join(str(i) for i in ids),
            "candidates": candidates,
            "q": request.GET.get("q", ""),
            "errors": errors,
            **form.choices(),
        },
        status=status,
    )


@require_GET
@requires_capability(ISSUE)
def counter_view(request: HttpRequest) -> HttpResponse:
    errors = Errors()
    values = request.GET.copy()
    draft = load(request, "certificate", values.pop("intake")[0]) if "intake" in values else None
    if draft is not None:  # [1430]#1: the counter pre-filled from a 交付申請書 / 券面事項 CSV
        for key, value in draft.values.items():
            if key == "item":
                values.setlist("item", value.split(","))
            else:
                values[key] = value
    if "person" in request.GET and "subject_ids" not in values:
        values["subject_ids"] = request.GET["person"]
    candidates = _candidates(request, errors)
    return _page(request, values, errors, 400 if errors else 200, candidates)


def _refused(request: HttpRequest, texts: list[str]) -> HttpResponse:
    errors = Errors()
    for text in texts:
        errors.add(text)
    return _page(request, request.POST, errors, status=400)


def _pdf(
    content: bytes,
    filename: str,
    content_type: str = "application/pdf",
    extension: str = ".pdf",
    download: bool = False,
) -> HttpResponse:
    """Inline (紙) or a download (PDF), never cached; the 発行番号 names the file (RFC 6266)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = counter.content_disposition(filename, extension, download)
    response["Cache-Control"] = "no-store"
    return response


def _run(request: HttpRequest, preview: bool) -> HttpResponse:
    req, problems = form.to_request(request.POST)
    if problems:
        return _refused(request, problems)
    try:
        if preview:
            return _pdf(counter.preview_pdf(req, staff=request.user), "mihon")
        handout = counter.issue_pdf(req, staff=request.user)
    except IssuanceRefused as exc:
        return _refused(request, exc.messages)
    except IssuanceMismatch as exc:
        return _refused(request, [exc.message])
    except UndrawableCharactersError as exc:
        return _refused(request, [counter.UNDRAWABLE.format(codes="、".join(map(str, exc.codes)))])
    download = printing.chosen_output(request.POST.get("output")) == printing.PDF
    response = _pdf(handout.pdf, handout.filename, handout.content_type, handout.extension, download)
    return overflow.name_list(response, handout.issued.history_id)


@require_POST
@requires_capability(ISSUE)
def issue_view(request: HttpRequest) -> HttpResponse:
    """Issue: every press takes new numbers (a reprint is a new issuance, never a copy of one)."""
    return _run(request, preview=False)


@require_POST
@requires_capability(ISSUE)
def preview_view(request: HttpRequest) -> HttpResponse:
    return _run(request, preview=True)


def _row(r: Issuance) -> dict[str, Any]:
    return {
        "r": r,
        "kind": kinds.titles().get(r.kind, r.kind),
        "requester": REQUESTER_KINDS.get(r.requester_kind, r.requester_kind),
        "numbers": "、".join(r.numbers),
    }


@require_GET
@requires_capability(ISSUE)
def history_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """[360]#1: the person's issuances; a protected person's (or an unknown one's) list is empty."""
    rows = [_row(r) for r in person_history(person_id, staff=request.user)]
    notices = person_notices(person_id, staff=request.user)
    cards_now, card_changes = person_cards(person_id, staff=request.user)
    context = {
        "person_id": person_id,
        "rows": rows,
        "notices": notices,
        "cards": cards_now,
        "card_changes": card_changes,
        "copies": person_inspection_copies(person_id, staff=request.user),
        "orders": INSPECTION_ORDERS,
        "errors": Errors(),
    }
    return render_page(request, HISTORY_TEMPLATE, context)


@require_POST
@requires_capability(ISSUE)
def dispose_view(request: HttpRequest, history_id: int) -> HttpResponse:
    """処分: a wrongly issued copy taken back and destroyed; the history row stays with the reason.
    Reached from the person's 交付履歴 only: a row that history does not show (protected person,
    another person or municipality) is not found."""
    person_id = parse_id(request.POST.get("person_id"))
    reason = request.POST.get("reason", "").strip()
    rows = person_history(person_id, staff=request.user) if person_id else []
    if history_id not in {r.pk for r in rows}:
        return render_page(
            request, HISTORY_TEMPLATE, {"missing": True, "rows": [], "errors": Errors()}, status=404
        )
    if not reason or request.POST.get("confirm") != "1":
        errors = Errors()
        errors.add(DISPOSE_REASON if not reason else DISPOSE_CONFIRM)
        context = {"person_id": person_id, "rows": [_row(r) for r in rows], "errors": errors}
        return render_page(request, HISTORY_TEMPLATE, context, status=400)
    dispose(history_id, reason=reason)  # its 検証コード now read 失効 on the public page
    messages.success(request, "取消（処分）を記録しました。")
    return HttpResponseRedirect(reverse("certificates:history", args=[person_id]))
