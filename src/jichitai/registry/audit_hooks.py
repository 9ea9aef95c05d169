"""What the register writes to the audit log (operation log: who entered, who approved)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jichitai.audit.events import AuditEvent
from jichitai.audit.recording import record_events

from .workstation import log_detail


def _entry(event: Any, action: str, **detail: Any) -> AuditEvent:
    return AuditEvent(
        category="operation", action=action, subject_type="registry_event", subject_id=str(event.pk),
        screen=detail.pop("screen", ""), function=f"registry.{event.kind}",
        detail={"kind": event.kind, "effective_date": event.effective_date.isoformat(), **log_detail(), **detail},
    )


def events_submitted(events: Sequence[Any], ctx: Any) -> None:
    """Who entered each event, and which alerts they confirmed ([1440]#2)."""
    record_events([
        _entry(e, "registry.event.submitted", entered_by=e.entered_by_id,
               **({"alerts_confirmed": a} if (a := (e.touches or {}).get("alerts_confirmed")) else {}))
        for e in events
    ])


def events_approved(events: Sequence[Any], ctx: Any, approved_by: int | None = None) -> None:
    """The approval evidence lives here, not on the 異動 ([530]#7): who approved (also the entry's
    staff) and the 本登録 order; the time is the entry's own."""
    who = approved_by if approved_by is not None else getattr(ctx, "staff_id", None)
    record_events([
        _entry(e, "registry.event.approved", approved_by=who, approval_seq=e.approval_seq)
        for e in events
    ])


def event_rejected(event: Any, ctx: Any, rejected_by: int | None = None) -> None:
    who = rejected_by if rejected_by is not None else getattr(ctx, "staff_id", None)
    record_events([_entry(event, "registry.event.rejected", approved_by=who,
                          reason=event.rejected_reason)])
