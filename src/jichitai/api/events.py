"""The 異動 workflow through the API: the approval queue, 仮登録, 決裁, 一括決裁, 却下.

Writes require an ``Idempotency-Key`` header (semantics in docs/api.md). The body of ``POST
/events`` is the kind's typed request, the same one the staff forms build; what the queue echoes
of a request goes through the read layer's allow-list.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest
from ninja import Header, Status

from jichitai.registry import events, selectors
from jichitai.registry.models import EventKind, EventStatus, RegistryEvent

from .errors import ApiError
from .routing import COMMON_ERRORS, WRITE_ERRORS, endpoint, missing_is_404, page_query, path_id
from .schemas import (
    BatchApproveIn,
    BatchApproveOut,
    DuplicateOut,
    ErrorItem,
    EventIn,
    EventOut,
    EventPageOut,
    RefusedOut,
    RejectIn,
)

EVENT_PAGE_SIZE = 50
KEY_RE = re.compile(r"^[\x21-\x7e]{1,80}$")
SUBMIT_KEY_PREFIX = "api:"  # RegistryEvent.idempotency_key: kept apart from the web UI's keys


def _event_out(event: RegistryEvent, *, request: dict[str, Any], warnings: Any = (), replayed: bool = False) -> EventOut:
    return EventOut(
        id=event.pk, kind=event.kind, kind_label=event.get_kind_display(), status=event.status,
        status_label=event.get_status_display(), effective_date=event.effective_date,
        effective_date_text=event.effective_date_text, reported_date=event.reported_date, processed_at=event.processed_at,
        entered_by=event.entered_by.get_username(),
        rejected_reason=event.rejected_reason,
        household_id=event.household_id, request=request,
        warnings=[ErrorItem(rule=w.rule, field=w.field, message=w.message) for w in warnings],
        replayed=replayed,
    )


def _outs(http: HttpRequest, evs: list[RegistryEvent], screen: str, **kw: Any) -> list[EventOut]:
    """Events as this staff member may see them (masking, allow-list, alerts: the read layer)."""
    items = selectors.mask_events(evs, staff=http.user, screen=screen)
    return [_event_out(i.event, request=i.request, **kw) for i in items]


def _key(raw: str) -> str:
    if not KEY_RE.match(raw or ""):
        raise ApiError(
            400, "idempotency_key_required",
            "書き込みには Idempotency-Key ヘッダー（1〜80文字の英数字・記号）が必要です。", "Idempotency-Key",
        )
    return raw


@endpoint("get", "/events", "list_events", response={200: EventPageOut, **COMMON_ERRORS},
          summary="決裁待ち一覧（異動）", tags=["events"])
def list_events(
    request: HttpRequest, status: EventStatus = EventStatus.PROVISIONAL, kind: EventKind | None = None,
    page: int = page_query(),
) -> Any:
    """The approval queue ([530] 4.0.8). Approvers only: a provisional event is shown to nobody
    else through the API. ``status`` may also ask for approved / rejected events."""
    result = selectors.event_page(staff=request.user, screen="API 異動一覧", status=status, page=page,
                                  size=EVENT_PAGE_SIZE, kind=kind.value if kind else "")
    return EventPageOut(results=[_event_out(i.event, request=i.request) for i in result.items],
                        total=result.total, page=result.page, pages=result.pages)


@endpoint("post", "/events", "submit_event", response={200: EventOut, 201: EventOut, 409: DuplicateOut,
          **WRITE_ERRORS}, summary="異動の仮登録", tags=["events"])
def submit_event(
    request: HttpRequest, body: EventIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Any:
    """仮登録: 201 with the provisional event; a replay of the same key and body returns the same
    event with 200 and ``replayed: true``; the same key with another body (or another staff
    member) is 409. Alerts are 409 until confirmed: ``confirm_alerts`` confirms every alert,
    ``confirm_duplicates`` suspected duplicates (転入・出生) only."""
    key = SUBMIT_KEY_PREFIX + _key(idempotency_key)
    sub = events.submit_event(
        body.kind, body.request, effective_date=body.effective_date, reported_date=body.reported_date,
        entered_by=request.user, confirm_duplicates=body.confirm_duplicates,
        confirm_alerts=body.confirm_alerts, idempotency_key=key,
        offered_on=body.offered_on, notified_on=body.notified_on, requested_on=body.requested_on,
    )
    (out,) = _outs(request, [sub.event], "API 異動", warnings=sub.warnings, replayed=sub.replayed)
    return Status(200 if sub.replayed else 201, out)


def _decide(request: HttpRequest, event_id: int, raw_key: str, decision: str, reason: str = "") -> Any:
    """Approve / reject once per key (``registry.events.decide_once``; semantics in docs/api.md)."""
    key = _key(raw_key)
    with missing_is_404("event_id"):  # another municipality's event is as absent as a missing one
        done = events.decide_once(event_id, decision=decision, key=key, staff=request.user, reason=reason)
    return Status(200, _outs(request, [done.event], "API 異動", replayed=done.replayed)[0])


@endpoint("post", "/events/{event_id}/approve", "approve_event", response={200: EventOut, **WRITE_ERRORS},
          summary="決裁（本登録）", tags=["events"])
def approve_event(
    request: HttpRequest, event_id: int = path_id(), idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Any:
    """決裁 → 本登録 by an approver other than the one who entered it."""
    return _decide(request, event_id, idempotency_key, "approve")


@endpoint("post", "/events/approve", "approve_events", response={200: BatchApproveOut, **WRITE_ERRORS},
          summary="一括決裁（本登録）", tags=["events"])
def approve_events(
    request: HttpRequest, body: BatchApproveIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Any:
    """一括決裁: the events in the order given, in one transaction. Each is checked as alone; the
    ones that cannot be approved are listed in ``refused`` with their reasons (another
    municipality's id is ``not_found``, like a missing one) and the others are approved. A repeat
    with the same key, ids and staff member returns the first outcome with ``replayed: true``."""
    done = events.approve_batch_once(body.event_ids, key=_key(idempotency_key), approver=request.user)
    refused = [RefusedOut(event_id=pk, errors=[ErrorItem(rule=v.rule, field=v.field, message=v.message)
                                               for v in exc.violations])
               for pk, exc in done.approval.refused.items()]
    approved = RegistryEvent.objects.select_related("entered_by").in_bulk(
        [e.pk for e in done.approval.approved])
    return BatchApproveOut(approved=_outs(request, [approved[e.pk] for e in done.approval.approved], "API 一括決裁"),
                           refused=refused, replayed=done.replayed)


@endpoint("post", "/events/{event_id}/reject", "reject_event", response={200: EventOut, **WRITE_ERRORS},
          summary="却下", tags=["events"])
def reject_event(
    request: HttpRequest, body: RejectIn, event_id: int = path_id(),
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Any:
    """却下 with a reason; the event stays in the log as rejected."""
    return _decide(request, event_id, idempotency_key, "reject", reason=body.reason)
