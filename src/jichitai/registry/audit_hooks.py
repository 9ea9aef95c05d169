"""What the register writes to the audit log (operation log: who entered, who approved)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jichitai.audit.events import AuditEvent
from jichitai.audit.recording import record_events


def _entry(event: Any, action: str, **detail: Any) -> AuditEvent:
    return AuditEvent(
        category="operation", action=action, subject_type="registry_event", subject_id=str(event.pk),
        screen=detail.pop("screen", ""), function=f"registry.{event.kind}",
        detail={"kind": event.kind, "effective_date": event.effective_date.isoformat(), **detail},
    )


def events_submitted(events: Sequence[Any], ctx: Any) -> None:
    record_events([_entry(e, "registry.event.submitted", entered_by=e.entered_by_id) for e in events])


def events_approved(events: Sequence[Any], ctx: Any) -> None:
    record_events([
        _entry(e, "registry.event.approved", approved_by=e.approved_by_id, approval_seq=e.approval_seq)
        for e in events
    ])


def event_rejected(event: Any, ctx: Any) -> None:
    record_events([_entry(event, "registry.event.rejected", approved_by=event.approved_by_id,
                          reason=event.rejected_reason)])
