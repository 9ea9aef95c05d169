"""Audit test helpers: contexts, staff, and direct (raw SQL) tampering with the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from jichitai.tenancy.context import TenantContext, activate

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (RLS, triggers, real concurrent connections); runs in the PostgreSQL pass",
)


def ctx(municipality: Any, **kw: Any) -> TenantContext:
    return TenantContext(municipality_id=municipality.pk, acting_municipality_id=municipality.pk, **kw)


def tamper(municipality: Any | None, sql: str, params: list[Any]) -> int:
    """Run ``sql`` directly in the database, as an intruder with database rights would.

    Under the municipality's context (RLS admits only its rows) and, on PostgreSQL, with the
    append-only trigger's maintenance switch on for this transaction only.
    """

    def run() -> int:
        with transaction.atomic(), connection.cursor() as cur:
            pg = connection.vendor == "postgresql"
            if pg:
                cur.execute("SELECT set_config('jichitai.audit_maintenance', 'on', true)")
            cur.execute(sql, params)
            n = cur.rowcount
            if pg:
                cur.execute("SELECT set_config('jichitai.audit_maintenance', '', true)")
            return n

    if municipality is None:
        return run()
    with activate(ctx(municipality, purpose="tamper test")):
        return run()


@pytest.fixture
def staff_factory(db: None) -> Any:
    from jichitai.accounts.models import RoleGrant, Staff

    def make(username: str, municipality: Any, *roles: str) -> Any:
        staff = Staff.objects.create(username=username, consortium=municipality.consortium)
        for role in roles:
            RoleGrant.objects.create(staff=staff, municipality=municipality, role=role)
        return staff

    return make
