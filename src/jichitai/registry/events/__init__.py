"""The register's write path: typed 異動 requests, one planner per kind, the cross-row checks, the
workflow (仮登録 → 決裁 → 本登録, 却下) and one writer holding the SQL.

Views, the API, batch intake and the importer call the functions exported here; nothing else
writes a projection. Every function runs under the active TenantContext and records what it did in
the audit log.
"""

from __future__ import annotations

from .dispatch import plan_event
from .idempotency import BatchDecided, Decided, approve_batch_once, decide_once
from .kinds import KINDS, KindSpec
from .plan import Plan, Snapshot
from .requests import REQUEST_TYPES, Request, parse_request
from .workflow import (
    Approval,
    EventInput,
    Submitted,
    approve_event,
    approve_events,
    reject_event,
    submit_event,
    submit_events,
)

__all__ = [
    "KINDS", "REQUEST_TYPES", "Approval", "BatchDecided", "Decided", "EventInput", "KindSpec", "Plan",
    "Request", "Snapshot", "Submitted", "approve_batch_once", "approve_event", "approve_events",
    "decide_once", "parse_request", "plan_event", "reject_event", "submit_event", "submit_events",
]
