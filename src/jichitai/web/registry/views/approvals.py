"""決裁待ち一覧 ([530]): the queue (paged, filtered by 異動事由 and 入力者), 決裁, 一括決裁, 却下.

The queue comes from the read layer: 個人番号 hidden unless the approver may see it, 支援措置
cases masked (and refused) for approvers without need-to-know, every such access alerted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.certificates.move_out import flow as move_out_flow
from jichitai.registry import events, selectors
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import EventKind, RegistryEvent

from .. import display
from .common import APPROVE, not_found, parse_id, render_page

PAGE_SIZE = 20


@dataclass
class QueueItem:
    event: RegistryEvent
    view: display.RequestView | None  # None: masked (支援措置, approver without the role)
    masked_text: str
    errors: list[str]
    reason: str = ""
    alerts: list[str] = field(default_factory=list)  # what the clerk confirmed at entry ([1440]#2)


def _confirmed_alerts(event: RegistryEvent) -> list[str]:
    from jichitai.registry.inputs.catalogue import BY_RULE

    rules = (event.touches or {}).get("alerts_confirmed") or []
    return [BY_RULE[r].when if r in BY_RULE else r for r in rules]


def _filters(request: HttpRequest) -> dict[str, Any]:
    g = request.GET if request.method == "GET" else request.POST
    kind = g.get("kind", "")
    return {"kind": kind if kind in EventKind.values else "", "entered_by": g.get("entered_by", "").strip()[:150],
            "place": parse_id(g.get("place")), "person": parse_id(g.get("person")),  # [530]#5: a part
            "page": parse_id(g.get("page")) or 1}


def _queue(request: HttpRequest, errors: Mapping[int, list[str]] | None = None,
           reasons: Mapping[int, str] | None = None) -> tuple[list[QueueItem], selectors.EventPage, dict[str, Any]]:
    f = _filters(request)
    page = selectors.event_page(staff=request.user, screen="決裁待ち一覧", page=f["page"], size=PAGE_SIZE,
                                kind=f["kind"], entered_by=f["entered_by"], place_id=f["place"], person_id=f["person"])
    person_ids: set[int] = set()
    address_ids: set[int] = set()
    for q in page.items:
        if not q.masked:
            p, a = display.request_ids(q.request)
            person_ids |= p
            address_ids |= a
    names = display.load_names(person_ids, staff=request.user, screen="決裁待ち一覧")
    addresses = selectors.town_names(address_ids)
    items = [
        QueueItem(q.event, None if q.masked else display.describe_request(q.event.kind, q.request, names, addresses),
                  q.notice, list((errors or {}).get(q.event.pk, [])), (reasons or {}).get(q.event.pk, ""),
                  [] if q.masked else _confirmed_alerts(q.event))
        for q in page.items
    ]
    return items, page, f


def _context(request: HttpRequest, **kw: Any) -> dict[str, Any]:
    items, page, f = _queue(request, **kw)
    query = urlencode({k: v for k, v in f.items() if v and k != "page"})
    from jichitai.registry.workstation import places

    return {"items": items, "page": page, "filters": f, "base_query": query,
            "kinds": [(k.value, k.label) for k in EventKind], "places": places()}


@require_GET
@requires_capability(APPROVE)
def approvals_view(request: HttpRequest) -> HttpResponse:
    return render_page(request, "registry/approvals.html", _context(request))


def _event_or_404(event_id: int) -> RegistryEvent:
    event = RegistryEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise Http404("異動が見つかりません。")
    return event


@require_POST
@requires_capability(APPROVE)
def approve_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(event_id)
    try:
        events.approve_event(event.pk, approver=request.user)
    except RegistryError as exc:
        if not_found(exc) and any(v.field == "event_id" for v in exc.violations):
            raise Http404("異動が見つかりません。") from None
        for message in exc.messages:
            messages.error(request, f"受付番号 {event.pk}（{event.get_kind_display()}）: {message}")
    else:
        messages.success(request, f"受付番号 {event.pk}（{event.get_kind_display()}）を決裁しました。住民記録に反映されました。")
        event.refresh_from_db()
        if move_out_flow.certificate_kind(event):  # [660]#1: the 転出's certificate comes next
            messages.info(request, f"受付番号 {event.pk}: {move_out_flow.NEXT}")
    return HttpResponseRedirect(reverse("registry:approvals"))


@require_POST
@requires_capability(APPROVE)
def approve_bulk_view(request: HttpRequest) -> HttpResponse:
    """一括決裁: the ticked events in one transaction; each refusal is reported, the rest applied."""
    ids = [i for i in map(parse_id, request.POST.getlist("event")) if i is not None][:500]
    if not ids:
        messages.error(request, "一括決裁する異動を選んでください。")
        return HttpResponseRedirect(reverse("registry:approvals"))
    result = events.approve_events(ids, approver=request.user)
    kinds = dict(RegistryEvent.objects.filter(pk__in=ids).values_list("pk", "kind"))
    labels = dict(EventKind.choices)
    if result.approved:
        messages.success(request, f"{len(result.approved)}件の異動を決裁しました。住民記録に反映されました。")
    for pk, exc in result.refused.items():
        what = f"受付番号 {pk}（{labels.get(kinds[pk], '')}）" if pk in kinds else f"受付番号 {pk}"
        for message in exc.messages:
            messages.error(request, f"{what}: {message}")
    return HttpResponseRedirect(reverse("registry:approvals"))


@require_POST
@requires_capability(APPROVE)
def reject_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(event_id)
    reason = request.POST.get("reason", "")
    try:
        events.reject_event(event.pk, approver=request.user, reason=reason)
    except RegistryError as exc:
        if any(v.rule == "support_measure_approver" for v in exc.violations):
            for message in exc.messages:
                messages.error(request, f"受付番号 {event.pk}（{event.get_kind_display()}）: {message}")
            return HttpResponseRedirect(reverse("registry:approvals"))
        return render_page(request, "registry/approvals.html", {
            **_context(request, errors={event.pk: exc.messages}, reasons={event.pk: reason}),
            "focus_event": event.pk,
        }, status=400)
    messages.success(request, f"受付番号 {event.pk}（{event.get_kind_display()}）を却下しました。")
    return HttpResponseRedirect(reverse("registry:approvals"))
