"""What the register writes to the audit log (operation log: who entered, who approved)."""

from __future__ import annotations

from typing import Any

from jichitai.audit.recording import record


def _event(event: Any, action: str, ctx: Any, **detail: Any) -> None:
    record(
        "operation", action, subject_type="registry_event", subject_id=event.pk,
        screen=detail.pop("screen", ""), function=f"registry.{event.kind}",
        detail={"kind": event.kind, "effective_date": event.effective_date.isoformat(), **detail},
    )


def event_submitted(event: Any, ctx: Any) -> None:
    _event(event, "registry.event.submitted", ctx, entered_by=event.entered_by_id)


def event_approved(event: Any, ctx: Any) -> None:
    _event(event, "registry.event.approved", ctx, approved_by=event.approved_by_id,
           approval_seq=event.approval_seq)


def event_rejected(event: Any, ctx: Any) -> None:
    _event(event, "registry.event.rejected", ctx, approved_by=event.approved_by_id,
           reason=event.rejected_reason)
