"""窓口の仮登録 ([530]#3–#5, [540], [580]): the clerk's own 仮登録一覧, a 異動's 確認票 (確認用帳票)
with 取下げ and 修正, 全部本登録 from the 決裁待ち一覧, and the 住民異動届受理通知 of an approved 届出.

Thin: each view calls one domain function (events.provisional, registry.documents) and shows the
result; masking (支援措置) and read logging are the read layer's.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.certificates.move_out import flow as move_out_flow
from jichitai.registry.documents import build, receipt_notice, resident_code_notice
from jichitai.registry.documents import entry_sheet as _entry_sheet  # noqa: F401 - registers the 確認票
from jichitai.registry.errors import RegistryError
from jichitai.registry.events import provisional
from jichitai.registry.models import EventKind, EventStatus, RegistryEvent
from jichitai.registry.selectors.event_persons import own_provisional

from .common import APPROVE, ENTER, not_found, parse_id, render_page


@require_GET
@requires_capability(ENTER)
def provisional_list_view(request: HttpRequest) -> HttpResponse:
    """仮登録一覧（自分の入力）: what the clerk entered and still waits for 決裁."""
    items = own_provisional(staff=request.user, screen="仮登録一覧")
    return render_page(request, "registry/provisional_list.html", {"items": items})


def _doc_or_404(kind: str, request: HttpRequest, **kw: Any) -> Any:
    try:
        return build(kind, staff=request.user, **kw)
    except RegistryError as exc:
        if not_found(exc):
            raise Http404("異動が見つかりません。") from None
        raise


@require_GET
@requires_capability(ENTER)
def entry_sheet_view(request: HttpRequest, event_id: int) -> HttpResponse:
    """異動入力確認票: what was entered, before 決裁; 取下げ and 修正 while 仮登録."""
    doc = _doc_or_404("entry_confirmation", request, event_id=event_id)
    event = RegistryEvent.objects.filter(pk=event_id).first()
    assert event is not None  # the document was built from it
    pending = event.status == EventStatus.PROVISIONAL and "注意" not in doc.fields
    coded = event.status == EventStatus.APPROVED and bool(resident_code_notice.coded_persons(event.pk))
    move_out = move_out_flow.issue_query(event, staff=request.user)  # [660]#1
    return render_page(request, "registry/entry_sheet.html", {
        "doc": doc, "event": event, "pending": pending, "coded": coded,
        "move_out_certificate": f"{reverse('certificates:counter')}?{move_out}" if move_out else "",
        "amend_url": f"{reverse('registry:event_form', args=[event.kind])}?amend={event.pk}"
                     + (f"&household={_household_of(event)}" if _household_of(event) else ""),
    })


def _household_of(event: RegistryEvent) -> int | None:
    """The household a form about existing persons is opened on (the event's main household)."""
    req = event.request or {}
    for name in ("household_id", "from_household_id"):
        if isinstance(req.get(name), int):
            return int(req[name])
    return event.household_id


@require_POST
@requires_capability(ENTER)
def withdraw_view(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        provisional.withdraw_event(event_id, staff=request.user, reason=request.POST.get("reason", ""))
    except RegistryError as exc:
        if not_found(exc):
            raise Http404("異動が見つかりません。") from None
        for message in exc.messages:
            messages.error(request, f"受付番号 {event_id}: {message}")
        return HttpResponseRedirect(reverse("registry:entry_sheet", args=[event_id]))
    messages.success(request, f"受付番号 {event_id} の仮登録を取り下げました。住民記録は変わりません。")
    return HttpResponseRedirect(reverse("registry:provisional_list"))


@require_POST
@requires_capability(APPROVE)
def approve_all_view(request: HttpRequest) -> HttpResponse:
    """全部本登録: the 決裁待ち一覧 as filtered, oldest first, up to the municipality's limit."""
    p = request.POST
    kind = p.get("kind", "")
    selection = provisional.Selection(kind if kind in EventKind.values else "", p.get("entered_by", "").strip()[:150],
                                      parse_id(p.get("place")), parse_id(p.get("person")))
    done = provisional.approve_all(approver=request.user, selection=selection)
    if done.result.approved:
        messages.success(request, f"{len(done.result.approved)}件の異動を本登録しました（全部本登録）。")
    for pk, exc in done.result.refused.items():
        for message in exc.messages:
            messages.error(request, f"受付番号 {pk}: {message}")
    if done.left:
        messages.info(request, f"全部本登録は1回{done.limit}件までです。残り{done.left}件は、もう一度全部本登録してください。")
    if not done.result.approved and not done.result.refused:
        messages.info(request, "本登録する異動がありません。")
    return HttpResponseRedirect(reverse("registry:approvals"))


@require_GET
@requires_capability(ENTER)
def receipt_notice_view(request: HttpRequest, event_id: int) -> HttpResponse:
    """住民異動届受理通知 ([580]): the clerk names the 届出人 and, where fitting, sends it to the
    異動者 instead; the notice is shown as data and printed with 「PDFで印刷」 (views.notices)."""
    data = request.GET
    notifier = data.get("notifier_name", "").strip()
    to_mover = data.get("to_mover") == "1"
    doc, errors = None, []
    try:
        doc = build("receipt_notice", staff=request.user, event_id=event_id, notifier_name=notifier,
                    to_mover=to_mover)
    except RegistryError as exc:
        if not_found(exc) and any(v.field == "event_id" for v in exc.violations):
            raise Http404("異動が見つかりません。") from None
        errors = exc.messages
    return render_page(request, "registry/receipt_notice.html", {
        "doc": doc, "errors": errors, "event_id": event_id, "notifier_name": notifier, "to_mover": to_mover,
        "max_notifier": receipt_notice.MAX_NOTIFIER,
    })
