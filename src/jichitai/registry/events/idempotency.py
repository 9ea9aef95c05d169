"""Decisions made once per idempotency key: 決裁, 却下 and 一括決裁 sent again (a retry after a lost
answer) return the first outcome instead of acting twice.

The key is kept in the audit log, not in a register table: the operation entry written in the same
transaction as the decision carries it (unique per municipality chain). The same key for the same
event (or the same ids), action and staff member replays; the key on anything else is refused
(``idempotency_conflict``). A refused decision stores no key, so it may be retried with it.
(仮登録 keeps its key on the event itself: ``workflow.submit_events``.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jichitai.audit.models import AuditEntry
from jichitai.audit.recording import record

from ..errors import RegistryError, RuleViolation, violation
from ..models import RegistryEvent
from .workflow import Approval, approve_event, approve_events, reject_event

ACTIONS = {"approve": "api.event.approve", "reject": "api.event.reject"}
BATCH_ACTION = "api.event.approve_batch"
CONFLICT = "同じ冪等キー（Idempotency-Key）が別の内容・別の職員の要求に使われています。"


@dataclass(frozen=True)
class Decided:
    event: RegistryEvent
    replayed: bool = False


def _conflict() -> RegistryError:
    return violation("idempotency_conflict", CONFLICT, "Idempotency-Key")


def decide_once(event_id: int, *, decision: str, key: str, staff: Any, reason: str = "",
                screen: str = "API") -> Decided:
    """決裁 (``decision="approve"``) or 却下 (``"reject"``, with ``reason``) once per ``key``."""
    action = ACTIONS[decision]
    audit_key = f"{action}:{key}"
    if not RegistryEvent.objects.filter(pk=event_id).exists():
        raise violation("not_found", "異動が見つかりません。", "event_id")
    done = _replay(audit_key, action, event_id, staff)
    if done is not None:
        return done
    act: Callable[[], RegistryEvent] = (
        (lambda: approve_event(event_id, approver=staff)) if decision == "approve"
        else (lambda: reject_event(event_id, approver=staff, reason=reason)))
    refused: RegistryError | None = None
    with transaction.atomic():
        try:
            event = act()
        except RegistryError as exc:
            refused = exc  # raised below: what the refusal wrote (支援措置 alerts) must stay
        else:
            record("operation", action, subject_type="registry_event", subject_id=event.pk, screen=screen,
                   function=f"registry.{event.kind}", detail={"status": event.status}, idempotency_key=audit_key)
    if refused is not None:
        done = _replay(audit_key, action, event_id, staff)  # a concurrent request with the key won
        if done is not None:
            return done
        raise refused
    return Decided(event)


def _replay(audit_key: str, action: str, event_id: int, staff: Any) -> Decided | None:
    prior = AuditEntry.objects.filter(idempotency_key=audit_key).first()
    if prior is None:
        return None
    if (prior.action, prior.subject_id, prior.staff_id) != (action, str(event_id), getattr(staff, "pk", None)):
        raise _conflict()
    return Decided(RegistryEvent.objects.select_related("entered_by").get(pk=event_id), True)


@dataclass(frozen=True)
class BatchDecided:
    approval: Approval
    replayed: bool = False


def approve_batch_once(event_ids: Sequence[int], *, key: str, approver: Any, screen: str = "API") -> BatchDecided:
    """一括決裁 once per ``key``: a repeat with the same ids and staff member returns the first
    outcome (the approved events as they are now, the refusals as they were)."""
    audit_key = f"{BATCH_ACTION}:{key}"
    ids = list(dict.fromkeys(int(i) for i in event_ids))
    prior = AuditEntry.objects.filter(idempotency_key=audit_key).first()
    if prior is not None:
        detail = json.loads(prior.detail_json)
        if (prior.action, prior.staff_id, detail.get("event_ids")) != (BATCH_ACTION, approver.pk, ids):
            raise _conflict()
        found = RegistryEvent.objects.select_related("entered_by").in_bulk(detail["approved"])
        refused = {r["event_id"]: RegistryError(*(RuleViolation(e["rule"], e["message"], e["field"])
                                                  for e in r["errors"])) for r in detail["refused"]}
        return BatchDecided(Approval([found[pk] for pk in detail["approved"] if pk in found], refused), True)
    with transaction.atomic():
        result = approve_events(ids, approver=approver)
        refused_list = [  # a list: the audit detail is canonical JSON, whose object keys get sorted
            {"event_id": pk, "errors": [{"rule": v.rule, "field": v.field, "message": v.message}
                                        for v in exc.violations]}
            for pk, exc in result.refused.items()
        ]
        record("operation", BATCH_ACTION, subject_type="registry_event_batch", subject_id=len(ids), screen=screen,
               function="registry.approve_events",
               detail={"event_ids": ids, "approved": [e.pk for e in result.approved], "refused": refused_list},
               idempotency_key=audit_key)
    return BatchDecided(result)
