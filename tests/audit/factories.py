"""Isolation-suite factories for the audit tenant models (for tests/isolation_factories.py).

The lead registers them::

    from tests.audit.factories import FACTORIES as AUDIT_FACTORIES
    FACTORIES.update(AUDIT_FACTORIES)

Each runs under the active TenantContext and returns one row carrying ``marker``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def audit_entry(marker: str) -> Any:
    from jichitai.audit.recording import record

    return record("operation", "isolation_probe", subject_type="marker", subject_id=marker,
                  detail={"marker": marker})


def audit_chain_head(marker: str) -> Any:
    from jichitai.audit.models import AuditChainHead

    audit_entry(marker)  # the head row exists once the chain has an entry
    return AuditChainHead.objects.get()


FACTORIES: dict[str, Callable[[str], Any]] = {
    "audit.AuditEntry": audit_entry,
    "audit.AuditChainHead": audit_chain_head,
}
