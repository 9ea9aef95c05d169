"""The API's endpoints: parse, call one register function, present. No register rule lives here.

Each endpoint is declared through :func:`endpoint` with an operation id from
``permissions.ENDPOINT_ROLES`` (the auth and the OpenAPI ``x-required-roles`` come from that
table). Reads go through ``registry.search`` / ``registry.services`` (or the audited manager with an
``API …`` screen), so each person shown is logged as a read and 支援措置 masking applies.
Writes require an ``Idempotency-Key`` header (semantics in docs/api.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Query, Router, Status

from jichitai.registry import search as register_search
from jichitai.registry import services, support
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import AddressEntry, EventStatus, Person, RegistryEvent

from .errors import ApiError, KeyConflict, NotFound
from .permissions import StaffSession, openapi_roles, require_capability
from .schemas import (
    BatchApproveIn,
    BatchApproveOut,
    DuplicateOut,
    ErrorItem,
    ErrorOut,
    EventIn,
    EventOut,
    EventPageOut,
    HistoryEntryOut,
    HouseholdOut,
    MemberOut,
    PersonOut,
    PersonRecord,
    PersonSummaryOut,
    RefusedOut,
    RejectIn,
    SearchPageOut,
)

router = Router()

SCREEN_DETAIL = "API 住民照会"
SCREEN_SEARCH = "API 住民検索"
SCREEN_HOUSEHOLD = "API 世帯照会"
EVENT_PAGE_SIZE = 50
KEY_RE = re.compile(r"^[\x21-\x7e]{1,80}$")
SUBMIT_KEY_PREFIX = "api:"  # RegistryEvent.idempotency_key: kept apart from the web UI's keys
DECISION_ACTIONS = {"approve": "api.event.approve", "reject": "api.event.reject"}
BATCH_APPROVE_ACTION = "api.event.approve_batch"

COMMON_ERRORS = {401: ErrorOut, 403: ErrorOut}
WRITE_ERRORS = {**COMMON_ERRORS, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def endpoint(method: str, path: str, operation_id: str, **kw: Any) -> Callable[[Any], Any]:
    """Declare an endpoint: its auth and documented roles come from the permission table."""
    return router.api_operation(
        [method.upper()], path, operation_id=operation_id, auth=StaffSession(operation_id),
        openapi_extra=openapi_roles(operation_id), **kw,
    )


@contextmanager
def _missing_is_404(field: str) -> Iterator[None]:
    """A path id the register cannot find (or that belongs to another municipality) → 404."""
    try:
        yield
    except RegistryError as exc:
        if any(v.rule == "not_found" for v in exc.violations):
            raise NotFound(field) from None
        raise


# -- presenting ------------------------------------------------------------------------------


def _record(values: Mapping[str, Any], *, my_number_shown: bool) -> PersonRecord:
    fields = set(PersonRecord.model_fields) - {"my_number"}
    data = {k: values.get(k) for k in fields if k in values}
    if my_number_shown:
        data["my_number"] = values.get("my_number") or ""
    return PersonRecord(**data)


def _summary(s: register_search.PersonSummary) -> PersonSummaryOut:
    return PersonSummaryOut(**{f: getattr(s, f) for f in PersonSummaryOut.model_fields})


def _label(field: str, value: Any) -> str:
    choices: Any = getattr(Person._meta.get_field(field), "flatchoices", ())
    return str(dict(choices).get(value, value or ""))


def _address(address_id: Any, banchi: str, katagaki: str) -> str:
    town = ""
    if address_id:
        town = AddressEntry.objects.filter(pk=address_id).values_list("name", flat=True).first() or ""
    return f"{town}{banchi or ''}{('　' + katagaki) if katagaki else ''}"


def _history(entries: list[dict[str, Any]], until: dt.date | None) -> list[HistoryEntryOut]:
    out = []
    for h in entries:  # the snapshot rows carry 個人番号: never passed on
        if until is not None and dt.date.fromisoformat(h["effective_date"]) > until:
            continue
        out.append(HistoryEntryOut(
            history_no=h["history_no"], event_id=h["event_id"], kind=h["kind"],
            effective_date=h["effective_date"], reported_date=h["reported_date"], changed=h["changed"],
        ))
    return out


def _event_out(
    event: RegistryEvent, *, warnings: Any = (), replayed: bool = False, request: Any = None
) -> EventOut:
    return EventOut(
        id=event.pk, kind=event.kind, kind_label=event.get_kind_display(), status=event.status,
        status_label=event.get_status_display(), effective_date=event.effective_date,
        reported_date=event.reported_date, processed_at=event.processed_at,
        entered_by=event.entered_by.get_username(),
        approved_by=event.approved_by.get_username() if event.approved_by_id else None,
        approved_at=event.approved_at, rejected_reason=event.rejected_reason,
        household_id=event.household_id,
        request=request if request is not None else services.mask_events(
            [event], staff=None, screen="API 異動"
        )[0].request,
        warnings=[ErrorItem(rule=w.rule, field=w.field, message=w.message) for w in warnings],
        replayed=replayed,
    )


def _key(raw: str) -> str:
    if not KEY_RE.match(raw or ""):
        raise ApiError(
            400, "idempotency_key_required",
            "書き込みには Idempotency-Key ヘッダー（1〜80文字の英数字・記号）が必要です。", "Idempotency-Key",
        )
    return raw


# -- reading ---------------------------------------------------------------------------------


@endpoint("get", "/persons/{person_id}", "get_person", response={200: PersonOut, 404: ErrorOut, **COMMON_ERRORS},
          summary="住民照会（現在、または指定日時点）", tags=["persons"])
def get_person(
    request: HttpRequest, person_id: int, as_of: dt.date | None = None, show_my_number: bool = False
) -> Any:
    """One person's record: current (projection), or as the register said on ``as_of``.

    ``show_my_number=1`` needs the my_number_access role; the read is logged as showing 個人番号.
    A person under an active 支援措置 comes back ``masked`` for staff without the need-to-know role.
    """
    if show_my_number:
        require_capability(request, "show_my_number")
    with _missing_is_404("person_id"):
        d = register_search.person_detail(
            person_id, staff=request.user, screen=SCREEN_DETAIL, show_my_number=show_my_number,
            as_of_date=as_of,
        )
    if d.masked or d.person is None:
        return PersonOut(
            id=person_id, as_of=as_of, masked=True, my_number_shown=False, summary=_summary(d.summary),
            record=None, household_members=[], history=[],
        )
    if as_of is None:
        values = {f: getattr(d.person, f) for f in services.PERSON_FIELDS}
        return PersonOut(
            id=person_id, as_of=None, masked=False, my_number_shown=d.my_number_shown,
            summary=_summary(d.summary), record=_record(values, my_number_shown=d.my_number_shown),
            household_members=[_summary(m) for m in d.household_members],
            history=_history(d.history, None),
        )
    row = services.as_of(person_id, as_of)
    if row is None:
        raise NotFound("as_of")
    hh = services.household_as_of(row["household_id"], as_of) if row.get("household_id") else None
    summary = PersonSummaryOut(
        id=person_id, atena_no=row.get("atena_no") or "",
        name=f"{row.get('family_name') or ''}\u3000{row.get('given_name') or ''}".strip(),
        kana=f"{row.get('family_name_kana') or ''}\u3000{row.get('given_name_kana') or ''}".strip(),
        birth_date=row.get("birth_date"), sex=_label("sex", row.get("sex")), status=row.get("status") or "",
        status_label=_label("status", row.get("status")),
        address=_address(hh.get("address_id"), hh.get("banchi") or "", hh.get("katagaki") or "") if hh else "",
        household_id=row.get("household_id"), relationship=row.get("relationship") or "",
    )
    return PersonOut(
        id=person_id, as_of=as_of, masked=False, my_number_shown=d.my_number_shown, summary=summary,
        record=_record(row, my_number_shown=d.my_number_shown), household_members=[],
        history=_history(d.history, as_of),
    )


@endpoint("get", "/persons", "search_persons", response={200: SearchPageOut, 422: ErrorOut, **COMMON_ERRORS},
          summary="住民検索（氏名は異体字を同一視、ふりがな、生年月日、住民票コード）", tags=["persons"])
def search_persons(
    request: HttpRequest,
    name: str = "",
    kana: str = "",
    birth_date: dt.date | None = None,
    resident_code: str = "",
    include_removed: bool = False,
    page: int = Query(1, ge=1),
) -> Any:
    """[340] 基本検索, 20 per page; each listed person is logged as a read. Provisional events
    never appear: only approved events reach the projections that search reads."""
    result = register_search.search(
        register_search.SearchQuery(
            name=name, kana=kana, birth_date=birth_date, resident_code=resident_code,
            include_removed=include_removed, page=page,
        ),
        staff=request.user, screen=SCREEN_SEARCH,
    )
    return SearchPageOut(
        results=[_summary(s) for s in result.results], total=result.total, page=result.page,
        pages=result.pages,
    )


@endpoint("get", "/households/{household_id}", "get_household",
          response={200: HouseholdOut, 404: ErrorOut, **COMMON_ERRORS},
          summary="世帯照会（現在、または指定日時点）", tags=["households"])
def get_household(request: HttpRequest, household_id: int, as_of: dt.date | None = None) -> Any:
    """A household and its resident members on ``as_of`` (default: today), from the event log.

    Each member shown is logged as a read; members under an active 支援措置 are masked for staff
    without the need-to-know role (and then the household's address is hidden too).
    """
    on = as_of or timezone.localdate()
    row = services.household_as_of(household_id, on)
    if row is None:
        raise NotFound("household_id")
    members = row["members"]
    ids = [m["person_id"] for m in members]
    # 閲覧記録: load through the audited manager so every member shown is logged
    list(Person.objects.for_read(screen=SCREEN_HOUSEHOLD, function="household").filter(pk__in=ids).only("pk"))
    hidden = support.screen_persons(ids, staff=request.user, screen=SCREEN_HOUSEHOLD, function="household")
    out = []
    for m in members:
        if m["person_id"] in hidden:
            out.append(MemberOut(person_id=m["person_id"], atena_no=m.get("atena_no") or "",
                                 name=support.MASK, kana="", birth_date=None, sex="", relationship="",
                                 masked=True))
            continue
        out.append(MemberOut(
            person_id=m["person_id"], atena_no=m.get("atena_no") or "",
            name=f"{m.get('family_name') or ''}\u3000{m.get('given_name') or ''}".strip(),
            kana=f"{m.get('family_name_kana') or ''}\u3000{m.get('given_name_kana') or ''}".strip(),
            birth_date=m.get("birth_date"), sex=_label("sex", m.get("sex")),
            relationship=m.get("relationship") or "",
        ))
    hide = any(m.masked for m in out)
    return HouseholdOut(
        id=household_id, as_of=on, household_no=row.get("household_no") or "",
        address_id=None if hide else row.get("address_id"),
        address="（非表示）" if hide else _address(row.get("address_id"), row.get("banchi") or "", row.get("katagaki") or ""),
        banchi="" if hide else row.get("banchi") or "", katagaki="" if hide else row.get("katagaki") or "",
        head_id=row.get("head_id"), members=out,
    )


# -- the event workflow ------------------------------------------------------------------------


@endpoint("get", "/events", "list_events", response={200: EventPageOut, **COMMON_ERRORS},
          summary="決裁待ち一覧（異動）", tags=["events"])
def list_events(
    request: HttpRequest, status: EventStatus = EventStatus.PROVISIONAL, page: int = Query(1, ge=1)
) -> Any:
    """The approval queue ([530] 4.0.8). Approvers only: a provisional event is shown to nobody
    else through the API. ``status`` may also ask for approved / rejected events."""
    qs = RegistryEvent.objects.filter(status=status).select_related("entered_by", "approved_by")
    total = qs.count()
    pages = max(1, -(-total // EVENT_PAGE_SIZE))
    page = min(page, pages)
    window = qs.order_by("processed_at", "pk")[(page - 1) * EVENT_PAGE_SIZE : page * EVENT_PAGE_SIZE]
    items = services.mask_events(window, staff=request.user, screen="API 異動一覧")
    return EventPageOut(
        results=[_event_out(i.event, request=i.request) for i in items], total=total, page=page, pages=pages
    )


@endpoint("post", "/events", "submit_event", response={200: EventOut, 201: EventOut, 409: DuplicateOut,
          **WRITE_ERRORS}, summary="異動の仮登録", tags=["events"])
def submit_event(
    request: HttpRequest, body: EventIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Any:
    """仮登録: 201 with the provisional event; a replay of the same key and body returns the same
    event with 200 and ``replayed: true``; the same key with another body (or another staff
    member) is 409. Suspected duplicates (転入・出生) are 409 until ``confirm_duplicates`` is true."""
    key = SUBMIT_KEY_PREFIX + _key(idempotency_key)
    sub = services.submit_event(
        body.kind.value, body.request, effective_date=body.effective_date,
        reported_date=body.reported_date, entered_by=request.user,
        confirm_duplicates=body.confirm_duplicates, idempotency_key=key,
    )
    if sub.replayed and sub.event.entered_by_id != request.user.pk:
        raise KeyConflict()
    return Status(200 if sub.replayed else 201, _event_out(sub.event, warnings=sub.warnings, replayed=sub.replayed))


def _decide(request: HttpRequest, event_id: int, raw_key: str, decision: str,
            act: Callable[[], RegistryEvent]) -> Any:
    """Approve / reject once per key. The key is kept in the audit log (operation entry with an
    idempotency key), not in a register table: a repeat with the same key, event and staff member
    returns the event's stored state with ``replayed: true``; the key on anything else is 409."""
    from jichitai.audit.models import AuditEntry
    from jichitai.audit.recording import record

    audit_key = f"{DECISION_ACTIONS[decision]}:{_key(raw_key)}"
    # another municipality's event is as absent as a missing one (tenant-scoped manager)
    if not RegistryEvent.objects.filter(pk=event_id).exists():
        raise NotFound("event_id")

    def replay() -> Any:
        prior = AuditEntry.objects.filter(idempotency_key=audit_key).first()
        if prior is None:
            return None
        if (prior.action, prior.subject_id, prior.staff_id) != (
            DECISION_ACTIONS[decision], str(event_id), request.user.pk
        ):
            raise KeyConflict()
        event = RegistryEvent.objects.select_related("entered_by", "approved_by").get(pk=event_id)
        return Status(200, _event_out(event, replayed=True))

    done = replay()
    if done is not None:
        return done
    try:
        with transaction.atomic():
            event = act()
            record(
                "operation", DECISION_ACTIONS[decision], subject_type="registry_event", subject_id=event.pk,
                screen="API", function=f"registry.{event.kind}", detail={"status": event.status},
                idempotency_key=audit_key,
            )
    except RegistryError:
        done = replay()  # a concurrent request with the same key won the row lock
        if done is not None:
            return done
        raise
    return Status(200, _event_out(event))


@endpoint("post", "/events/{event_id}/approve", "approve_event", response={200: EventOut, **WRITE_ERRORS},
          summary="決裁（本登録）", tags=["events"])
def approve_event(
    request: HttpRequest, event_id: int, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Any:
    """決裁 → 本登録 by an approver other than the one who entered it."""
    return _decide(request, event_id, idempotency_key, "approve",
                   lambda: services.approve_event(event_id, approver=request.user))


@endpoint("post", "/events/approve", "approve_events", response={200: BatchApproveOut, **WRITE_ERRORS},
          summary="一括決裁（本登録）", tags=["events"])
def approve_events(
    request: HttpRequest, body: BatchApproveIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Any:
    """一括決裁: the events in the order given, in one transaction. Each is checked as alone; the
    ones that cannot be approved are listed in ``refused`` with their reasons (another
    municipality's id is ``not_found``, like a missing one) and the others are approved. A repeat
    with the same key, ids and staff member returns the first outcome with ``replayed: true``."""
    from jichitai.audit.models import AuditEntry
    from jichitai.audit.recording import record

    audit_key = f"{BATCH_APPROVE_ACTION}:{_key(idempotency_key)}"
    ids = list(dict.fromkeys(body.event_ids))

    def replay() -> Any:
        prior = AuditEntry.objects.filter(idempotency_key=audit_key).first()
        if prior is None:
            return None
        import json

        detail = json.loads(prior.detail_json)
        if (prior.action, prior.staff_id, detail.get("event_ids")) != (BATCH_APPROVE_ACTION, request.user.pk, ids):
            raise KeyConflict()
        events = {e.pk: e for e in RegistryEvent.objects.select_related("entered_by", "approved_by")
                  .filter(pk__in=detail["approved"])}
        return BatchApproveOut(
            approved=[_event_out(events[pk]) for pk in detail["approved"] if pk in events],
            refused=[RefusedOut(**r) for r in detail["refused"]],
            replayed=True,
        )

    done = replay()
    if done is not None:
        return done
    with transaction.atomic():
        result = services.approve_events(ids, approver=request.user)
        refused = [  # a list: the audit detail is canonical JSON, whose object keys get sorted
            {"event_id": pk, "errors": [{"rule": v.rule, "field": v.field, "message": v.message}
                                        for v in exc.violations]}
            for pk, exc in result.refused.items()
        ]
        record(
            "operation", BATCH_APPROVE_ACTION, subject_type="registry_event_batch", subject_id=len(ids),
            screen="API", function="registry.approve_events",
            detail={"event_ids": ids, "approved": [e.pk for e in result.approved], "refused": refused},
            idempotency_key=audit_key,
        )
    approved = RegistryEvent.objects.select_related("entered_by", "approved_by").in_bulk(
        [e.pk for e in result.approved])
    return BatchApproveOut(
        approved=[_event_out(approved[e.pk]) for e in result.approved],
        refused=[RefusedOut(**r) for r in refused],
    )


@endpoint("post", "/events/{event_id}/reject", "reject_event", response={200: EventOut, **WRITE_ERRORS},
          summary="却下", tags=["events"])
def reject_event(
    request: HttpRequest, event_id: int, body: RejectIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Any:
    """却下 with a reason; the event stays in the log as rejected."""
    return _decide(request, event_id, idempotency_key, "reject",
                   lambda: services.reject_event(event_id, approver=request.user, reason=body.reason))
