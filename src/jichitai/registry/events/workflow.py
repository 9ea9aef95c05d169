"""The workflow of a 異動: 仮登録 (submit) → 決裁 (approve) → 本登録, or 却下 (reject) ([530]).

Batches are the only write path: ``submit_event`` / ``approve_event`` are batches of one. Each
event of a batch gets its own outcome; a refused event (a rule, or a database error while writing
it) writes nothing and never stops the others. A provisional event changes no projection, so every
reader keeps seeing the state before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction

from jichitai.tenancy.context import current

from .. import audit_hooks, rules, workstation
from ..errors import (
    DUPLICATE_RULE,
    ConcurrentUpdate,
    RegistryError,
    RuleViolation,
    alerts_raised,
    violation,
)
from ..inputs import dates
from ..models import EventStatus, RegistryEvent
from . import locks, protection
from .checks import Checks, run_checks
from .dispatch import plan_event
from .plan import Plan, Snapshot, load_snapshot
from .requests import Request, parse_request, stored_request
from .writer import apply_round

REASON_MAX_LENGTH = 1000  # 却下理由 (the API's RejectIn says the same)


@dataclass(frozen=True)
class EventInput:
    """One 異動 as submitted: what the web form, the API or a batch file hands in."""

    kind: str
    request: Request | Mapping[str, Any]
    effective_date: dt.date
    reported_date: dt.date | None = None
    idempotency_key: str | None = None
    # [200]#1: 申出日・通知日・請求日 where the 異動 has one (kept on its EventEntry)
    offered_on: dt.date | None = None
    notified_on: dt.date | None = None
    requested_on: dt.date | None = None


@dataclass(frozen=True)
class Submitted:
    event: RegistryEvent
    warnings: list[RuleViolation]
    replayed: bool = False


@dataclass
class Approval:
    """What a 一括決裁 did: the events now 本登録 (in 本登録順), and why the others were refused."""

    approved: list[RegistryEvent] = field(default_factory=list)
    refused: dict[int, RegistryError] = field(default_factory=dict)


def _db_refusal(exc: DatabaseError) -> RegistryError:
    return violation("database", f"この異動をデータベースに書き込めませんでした（{type(exc).__name__}）。"
                     "内容を確認して入力し直してください。", "")


# ---------------------------------------------------------------------------------------------
# 仮登録


def submit_event(kind: str, request: Request | Mapping[str, Any], *, effective_date: dt.date,
                 reported_date: dt.date | None, entered_by: Any, confirm_duplicates: bool = False,
                 confirm_alerts: bool = False, idempotency_key: str | None = None,
                 **entry_dates: dt.date | None) -> Submitted:
    """仮登録: validate and store a provisional event. Projections are not touched.
    ``confirm_alerts`` confirms every alert ([1440]#2), ``confirm_duplicates`` only suspected
    duplicates (the older flag, kept). ``entry_dates``: offered_on (申出日), notified_on (通知日),
    requested_on (請求日)."""
    (outcome,) = submit_events(
        [EventInput(kind, request, effective_date, reported_date, idempotency_key, **entry_dates)],
        entered_by=entered_by, confirm_duplicates=confirm_duplicates, confirm_alerts=confirm_alerts,
    )
    if isinstance(outcome, RegistryError):
        raise outcome
    return outcome


def _parse(items: Sequence[EventInput]) -> tuple[dict[int, Request], dict[int, RegistryError]]:
    typed: dict[int, Request] = {}
    errors: dict[int, RegistryError] = {}
    for i, it in enumerate(items):
        found: list[RuleViolation] = []  # every error at once: dates first, then the request's items
        try:
            rules.require_dates(it.effective_date, it.reported_date, it.kind)
        except RegistryError as exc:
            found += exc.violations
        found += dates.order_violations(it.kind, it.effective_date, it.reported_date)
        try:
            typed[i] = parse_request(it.kind, it.request)
        except RegistryError as exc:
            found += exc.violations
        found += workstation.date_violations(it.kind, it.request, it.offered_on, it.notified_on, it.requested_on)
        if found:
            errors[i] = RegistryError(*found)
            typed.pop(i, None)
    return typed, errors


def submit_events(
    items: Sequence[EventInput], *, entered_by: Any, confirm_duplicates: bool = False,
    confirm_alerts: bool = False,
) -> list[Submitted | RegistryError]:
    """仮登録 of many events in one transaction (一括入力): each is validated by the same rules as
    alone and gets its own outcome; the rows they name are loaded once, and the rules that read
    other rows run once for the batch. Refused items write nothing; the others are stored."""
    ctx = current()
    typed, errors = _parse(items)
    outcomes: list[Submitted | RegistryError | None] = [errors.get(i) for i in range(len(items))]
    stored = {i: req.stored() for i, req in typed.items()}
    repeats = _idempotency(items, stored, outcomes, getattr(entered_by, "pk", None))
    todo = {i: req for i, req in typed.items() if outcomes[i] is None and i not in repeats}
    pids: set[int] = set()
    hids: set[int] = set()
    for req in todo.values():
        p_, h_ = req.named_ids()
        pids |= p_
        hids |= h_
    with transaction.atomic():
        snap = load_snapshot(pids, hids, lock=False) if pids or hids else Snapshot()
        plans: dict[int, Plan] = {}
        checks: dict[int, Checks] = {}
        for i, req in todo.items():
            it = items[i]
            checks[i] = Checks(duplicates=True)
            try:
                plans[i] = plan_event(it.kind, req, it.effective_date, snapshot=snap, checks=checks[i],
                                      reported=it.reported_date)
            except RegistryError as exc:
                outcomes[i] = exc
                del checks[i]
        refused, warnings = run_checks(checks, across=False)
        refused.update(protection.refuse_entry(plans, entered_by))
        protection.screen_holds({i: plan.touches() for i, plan in plans.items()}, refused, warnings)
        refused.update(locks.refuse_locked({i: p for i, p in plans.items() if i not in refused}, entered_by))
        new: list[tuple[int, RegistryEvent]] = []
        for i, plan in plans.items():
            if i in refused:
                outcomes[i] = refused[i]
                continue
            plan.warnings.extend(warnings.get(i, []))
            unconfirmed = [] if confirm_alerts else [
                w for w in plan.warnings if not (confirm_duplicates and w.rule == DUPLICATE_RULE)]
            if unconfirmed:  # every alert is shown again, so the clerk confirms them all at once
                outcomes[i] = alerts_raised(plan.warnings)
                continue
            new.append((i, _provisional(items[i], stored[i], plan, entered_by, checks[i].duplicate_keys)))
        for (i, _), outcome in zip(new, _store(new, ctx), strict=True):
            outcomes[i] = outcome if isinstance(outcome, RegistryError) else Submitted(outcome, plans[i].warnings)
    for i, first in repeats.items():
        outcomes[i] = outcomes[first]
    return [o if o is not None else violation("not_processed", "処理されませんでした。") for o in outcomes]


def _idempotency(items: Sequence[EventInput], stored: Mapping[int, dict[str, Any]],
                 outcomes: list[Any], staff_id: Any) -> dict[int, int]:
    """Replays and conflicts of idempotency keys (same kind, dates, request and staff member:
    the stored event; anything else: a conflict); returns repeats inside the batch (i → first i)."""
    keys = [it.idempotency_key for it in items if it.idempotency_key]
    claimed: dict[str, tuple[tuple[Any, ...], RegistryEvent | int]] = {
        e.idempotency_key: ((e.kind, e.request, e.effective_date, e.reported_date, e.entered_by_id), e)
        for e in (RegistryEvent.objects.filter(idempotency_key__in=keys) if keys else [])
    }
    repeats: dict[int, int] = {}
    for i, it in enumerate(items):
        key_ = it.idempotency_key
        if not key_ or i not in stored:
            continue
        content = (it.kind, stored[i], it.effective_date, it.reported_date, staff_id)
        if key_ not in claimed:
            claimed[key_] = (content, i)
            continue
        before, first = claimed[key_]
        if before != content:
            outcomes[i] = violation("idempotency_conflict", "同じ冪等キーで異なる内容が送信されました。", "idempotency_key")
        elif isinstance(first, RegistryEvent):
            outcomes[i] = Submitted(first, [], replayed=True)
        else:
            repeats[i] = first  # the same key twice in one batch: the first's outcome
    return repeats


def _provisional(it: EventInput, stored: dict[str, Any], plan: Plan, entered_by: Any,
                 duplicate_keys: Sequence[tuple[str, str]]) -> RegistryEvent:
    main = plan.main_household if isinstance(plan.main_household, int) else None
    touches: dict[str, Any] = plan.touches()
    if duplicate_keys:  # what the pending-duplicate check compares, without parsing the request
        touches["duplicate_keys"] = [list(k) for k in duplicate_keys]
    if plan.warnings:  # the alerts the clerk confirmed ([1440]#2): the approver and the log know
        touches["alerts_confirmed"] = sorted({w.rule for w in plan.warnings})
    event = RegistryEvent(
        kind=it.kind, status=EventStatus.PROVISIONAL, effective_date=it.effective_date,
        effective_date_text=str(stored.get("effective_date_text") or ""),
        reported_date=it.reported_date, entered_by=entered_by, request=stored,
        base_versions=plan.base_versions, touches=touches, idempotency_key=it.idempotency_key,
        household_id=main, target_id=stored.get("target_event_id") if it.kind in ("cancellation", "correction") else None,
    )
    event.entry_dates = {"offered_on": it.offered_on, "notified_on": it.notified_on,  # type: ignore[attr-defined]
                         "requested_on": it.requested_on}
    return event


def _store(new: list[tuple[int, RegistryEvent]], ctx: Any) -> list[RegistryEvent | RegistryError]:
    """Insert the provisional events in one statement; if the database refuses, each on its own."""
    if not new:
        return []
    events = [e for _, e in new]
    try:
        with transaction.atomic():
            created = RegistryEvent.objects.bulk_create(events)
            workstation.record_entries(created)
            audit_hooks.events_submitted(created, ctx)
        return list(created)
    except DatabaseError:
        pass
    out: list[RegistryEvent | RegistryError] = []
    for event in events:
        event.pk = None
        try:
            with transaction.atomic():
                (one,) = RegistryEvent.objects.bulk_create([event])
                workstation.record_entries([one])
                audit_hooks.events_submitted([one], ctx)
            out.append(one)
        except DatabaseError as exc:
            out.append(_db_refusal(exc))
    return out


# ---------------------------------------------------------------------------------------------
# 決裁 → 本登録


def approve_event(event_id: int, *, approver: Any) -> RegistryEvent:
    """決裁 → 本登録: a second person with the approver role applies the event."""
    result = approve_events([event_id], approver=approver)
    if event_id in result.refused:
        raise result.refused[event_id]
    return result.approved[0]


def approve_events(event_ids: Sequence[int], *, approver: Any) -> Approval:
    """一括決裁: approve many provisional events in one transaction, in the order given.

    Each event is checked exactly as alone (different staff, need-to-know for 支援措置, the rows it
    was entered against unchanged, every rule re-run on the current state); one refused event
    does not stop the others. Events of the batch that touch the same rows are applied one after
    the other (later rounds see the earlier ones' result, as separate approvals would); the rest
    share one lock of their rows, one number reservation, one facts insert and one audit append.
    """
    ctx = current()
    rules.require_approver(approver, ctx.acting_municipality_id)
    result = Approval()
    wanted = list(dict.fromkeys(int(i) for i in event_ids))
    with transaction.atomic():
        found = {e.pk: e for e in RegistryEvent.objects.select_for_update().filter(pk__in=wanted).order_by("pk")}
        pending = []
        for pk in wanted:
            refusal = _refusal(found.get(pk), approver)
            if refusal is None:
                pending.append(found[pk])
            else:
                result.refused[pk] = refusal
        pending = protection.refuse_decision(pending, approver, result.refused, decision="approve")
        pending = protection.refuse_held(pending, result.refused)
        while pending:
            round_, pending = _plan_round(pending, result)
            if round_:
                result.approved.extend(_apply(round_, approver, result))
        if result.approved:
            protection.after_approval(result.approved)
            from ..ex_officio import after_approval  # the 職権 module builds on this one

            after_approval(result.approved, approver)  # [800]#2: a 未届転入's 留意事項
            audit_hooks.events_approved(result.approved, ctx, approved_by=approver.pk)
    return result


def _refusal(event: RegistryEvent | None, approver: Any) -> RegistryError | None:
    if event is None:
        return violation("not_found", "異動が見つかりません。", "event_id")
    if event.status != EventStatus.PROVISIONAL:
        return violation("not_provisional", "この異動は仮登録ではありません（決裁済みまたは却下済み）。", "event_id")
    if event.entered_by_id == getattr(approver, "pk", None):
        return violation("same_person", "入力者本人は決裁できません。別の決裁者が決裁してください。", "approver")
    return None


def _apply(round_: list[tuple[RegistryEvent, Plan]], approver: Any, result: Approval) -> list[RegistryEvent]:
    """Write a round in one go; if the database refuses it, each event on its own, so only the
    event that fails is refused."""
    try:
        with transaction.atomic():
            return apply_round(round_, approver)
    except DatabaseError:
        if len(round_) == 1:
            event = round_[0][0]
            _reset(event)
            result.refused[event.pk] = _db_refusal(DatabaseError())
            return []
    applied = []
    for event, plan in round_:
        _reset(event)
        try:
            with transaction.atomic():
                applied += apply_round([(event, plan)], approver)
        except DatabaseError as exc:
            _reset(event)
            result.refused[event.pk] = _db_refusal(exc)
        except RegistryError as exc:
            _reset(event)
            result.refused[event.pk] = exc
    return applied


def _reset(event: RegistryEvent) -> None:
    """Undo what a rolled-back write set on the event object."""
    event.status = EventStatus.PROVISIONAL
    event.registered_at = None
    event.approval_seq = None


def _plan_round(
    events: list[RegistryEvent], result: Approval
) -> tuple[list[tuple[RegistryEvent, Plan]], list[RegistryEvent]]:
    """Lock and re-plan ``events``; returns the ones this round applies, and the rest.

    The outcome must be the one approving the events one by one in the given order would give.
    So an event that shares rows with an earlier one waits for a later round (and blocks its
    rows for the events after it), and an event refused here is refused only when nothing before
    it in this round could have changed the answer; otherwise it, and everything after it, is
    tried again in the next round against the result.
    """
    pids = {int(k) for e in events for k in (e.base_versions or {}).get("person", {})}
    hids = {int(k) for e in events for k in (e.base_versions or {}).get("household", {})}
    snap = load_snapshot(pids, hids, lock=True)
    used: set[tuple[str, int]] = set()
    planned: dict[int, tuple[RegistryEvent, Plan]] = {}
    checks: dict[int, Checks] = {}
    later: list[RegistryEvent] = []
    for i, event in enumerate(events):
        c = Checks(duplicates=False)
        try:
            _check_versions(event.base_versions, snap.versions)
            plan = plan_event(event.kind, stored_request(event), event.effective_date, snapshot=snap,
                              checks=c, reported=event.reported_date)
        except RegistryError as exc:
            if used:
                later.extend(events[i:])
                break
            result.refused[event.pk] = exc
            continue
        overlaps = bool(plan.footprint & used)
        used |= plan.footprint
        if overlaps:
            later.append(event)
            continue
        planned[event.pk] = (event, plan)
        checks[event.pk] = c
    errors, _ = run_checks(checks, across=True)
    first = next(iter(planned), None)
    for pk, exc in errors.items():
        if pk == first:
            result.refused[pk] = exc
        else:
            later.append(planned[pk][0])
        del planned[pk]
    order = {e.pk: i for i, e in enumerate(events)}
    later.sort(key=lambda e: order[e.pk])
    return list(planned.values()), later


def _check_versions(base: Mapping[str, Any], now: Mapping[str, Any]) -> None:
    for entity in ("person", "household"):
        for pk, version in (now.get(entity) or {}).items():
            expected = (base.get(entity) or {}).get(pk)
            if expected is not None and expected != version:
                raise ConcurrentUpdate("世帯" if entity == "household" else "住民")


# ---------------------------------------------------------------------------------------------
# 却下


def reject_event(event_id: int, *, approver: Any, reason: str) -> RegistryEvent:
    """却下 with a reason; the event stays in the log as rejected. A 支援措置 case needs the
    need-to-know role exactly as approving it does."""
    ctx = current()
    rules.require_approver(approver, ctx.acting_municipality_id)
    if not reason.strip():
        raise violation("reason_required", "却下理由を入力してください。", "reason")
    if len(reason.strip()) > REASON_MAX_LENGTH:
        raise violation("too_long", f"却下理由は{REASON_MAX_LENGTH}文字以内で入力してください。", "reason")
    with transaction.atomic():
        event = RegistryEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            raise violation("not_found", "異動が見つかりません。", "event_id")
        if event.status != EventStatus.PROVISIONAL:
            raise violation("not_provisional", "この異動は仮登録ではありません。", "event_id")
        refused: dict[int, RegistryError] = {}
        protection.refuse_decision([event], approver, refused, decision="reject")
        if not refused:
            event.status = EventStatus.REJECTED
            event.rejected_reason = reason
            # who rejected and when is in the operation log only ([530]#7)
            event.save(update_fields=["status", "rejected_reason"])
            audit_hooks.event_rejected(event, ctx, rejected_by=approver.pk)
    if refused:  # raised outside the block: the alerts it wrote stay
        raise refused[event.pk]
    return event
