"""交付履歴照会 by any item of the 交付履歴 ([360]#2): a search form and its results, shown only
as far as the staff member may see (issuance.history_search applies the 支援措置 rule)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from jichitai.accounts.decorators import requires_capability
from jichitai.accounts.models import Staff
from jichitai.certificates import kinds
from jichitai.certificates.issuance.history_search import LIMIT, HistoryQuery, search_history
from jichitai.certificates.issuance.request import REQUESTER_KINDS
from jichitai.wareki import DateInputError, parse_date

from ..registry.views.common import Errors, parse_id, render_page
from .views import ISSUE

TEXT_FIELDS = ("requester_name", "number", "staff", "terminal", "place", "item")
NUMBER_FIELDS = ("subject_id", "pages")
DATE_FIELDS = (("day_from", "交付日（から）"), ("day_to", "交付日（まで）"))
DATE_MESSAGE = "{label}を正しく入力してください（例: 2026-12-01、令和8年12月1日）。"
NUMBER_MESSAGE = "交付対象者（住民ID）と枚数は数字で入力してください。"
DISPOSED = (("", "すべて"), ("no", "未処分"), ("yes", "処分済"))


def _results(rows: list[Any]) -> list[dict[str, Any]]:
    titles = kinds.titles()
    staff_ids = sorted({r.staff_id for r in rows})
    names = {s.pk: s.display_name or s.username for s in Staff.objects.filter(pk__in=staff_ids)}
    return [
        {
            "r": r,
            "kind": titles.get(r.kind, r.kind),
            "requester": REQUESTER_KINDS.get(r.requester_kind, r.requester_kind),
            "numbers": "、".join(r.numbers),
            "staff": names.get(r.staff_id, ""),
            "fee": getattr(r, "fee", None),
            "subjects": [int(p) for p in r.subject_ids],
        }
        for r in rows
    ]


def parse_query(values: Any, errors: Errors) -> HistoryQuery:
    """The form → :class:`HistoryQuery`; a bad date is an error, an unknown choice is ignored."""
    found: dict[str, Any] = {}
    for name, label in DATE_FIELDS:
        try:
            found[name] = parse_date(str(values.get(name, ""))[:30])
        except DateInputError:
            errors.add(DATE_MESSAGE.format(label=label), name, (name,))
    for name in TEXT_FIELDS:
        found[name] = str(values.get(name, "")).strip()[:100]
    for name in NUMBER_FIELDS:
        text = str(values.get(name, "")).strip()
        found[name] = parse_id(text) if text else None
        if text and found[name] is None:
            errors.add(NUMBER_MESSAGE, name, (name,))
    kind = str(values.get("kind", ""))
    found["kind"] = kind if kind in kinds.titles() else ""
    requester = str(values.get("requester_kind", ""))
    found["requester_kind"] = requester if requester in REQUESTER_KINDS else ""
    disposed = str(values.get("disposed", ""))
    found["disposed"] = disposed if disposed in ("yes", "no") else ""
    return HistoryQuery(**found)


@require_GET
@requires_capability(ISSUE)
def history_search_view(request: HttpRequest) -> HttpResponse:
    """The search form; results once any item is given (newest first, at most LIMIT)."""
    errors = Errors()
    query = parse_query(request.GET, errors)
    found = None
    if not errors and not query.is_empty():
        found = search_history(query, staff=request.user)
    context = {
        "values": request.GET,
        "errors": errors,
        "kinds": list(kinds.titles().items()),
        "requester_kinds": list(REQUESTER_KINDS.items()),
        "disposed_choices": DISPOSED,
        "rows": _results(found.rows) if found else [],
        "searched": found is not None,
        "truncated": found.truncated if found else False,
        "limit": LIMIT,
    }
    return render_page(
        request, "certificates/history_search.html", context, status=400 if errors else 200
    )
