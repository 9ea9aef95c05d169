"""Audit test helpers: contexts, staff, and direct (raw SQL) tampering with the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.db import connection, transaction

from jichitai.tenancy.context import TenantContext, activate
from tests.db_roles import owner_cursor

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (RLS, triggers, real concurrent connections); runs in the PostgreSQL pass",
)


def ctx(municipality: Any, **kw: Any) -> TenantContext:
    return TenantContext(municipality_id=municipality.pk, acting_municipality_id=municipality.pk, **kw)


def tamper(municipality: Any | None, sql: str, params: Sequence[Any] = ()) -> int:
    """Run ``sql`` directly in the database, as an intruder with the owner's rights would.

    Every raw tampering statement of these tests goes through here, and through
    :func:`tests.db_roles.owner_cursor` (the owner role on PostgreSQL, whom the append-only trigger
    lets through). Under the municipality's context when one is given (row-level security admits
    only its rows, for the owner too), in a savepoint of the test's transaction.
    """

    def run() -> int:
        with transaction.atomic(), owner_cursor() as cur:
            cur.execute(sql, list(params))
            return int(cur.rowcount)

    if municipality is None:
        return run()
    with activate(ctx(municipality, purpose="tamper test")):
        return run()


@pytest.fixture
def log(tenants: Any) -> dict[int, Any]:
    """Five entries in A's chain (by seq), two in B's; C (other consortium) has none."""
    from jichitai.audit.recording import record

    with activate(ctx(tenants.a, purpose="test")):
        entries = {
            i: record("operation", "step", subject_type="person", subject_id=i, detail={"i": i})
            for i in range(1, 6)
        }
    with activate(ctx(tenants.b)):
        record("operation", "b_step")
        record("print", "printed", subject_type="person", subject_id=1)
    return entries


def only(report: Any) -> Any:
    """The one finding of ``report`` (fails if there are none or several)."""
    findings = report.findings
    assert len(findings) == 1, [f.line() for f in findings]
    return findings[0]


@pytest.fixture
def staff_factory(db: None) -> Any:
    from jichitai.accounts.models import RoleGrant, Staff

    def make(username: str, municipality: Any, *roles: str) -> Any:
        staff = Staff.objects.create(username=username, consortium=municipality.consortium)
        for role in roles:
            RoleGrant.objects.create(staff=staff, municipality=municipality, role=role)
        return staff

    return make
