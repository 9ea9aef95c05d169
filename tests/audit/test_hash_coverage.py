"""Every column of both audit tables is covered by its entry's hash (issue 9 item 2).

The column list comes from the models (``_meta.concrete_fields``), not from ``HASH_FIELDS``: a
column added to a table, or dropped from the hashed set, fails here. Only ``hash`` and the
database-assigned ``id`` are left out (chain.NOT_HASHED; the chain position is (chain, seq)).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, models

from jichitai.audit.chain import NOT_HASHED, unhashed_columns
from jichitai.audit.models import AuditEntry, SystemAuditEntry
from jichitai.audit.recording import record, record_system
from jichitai.audit.verify import FindingKind, verify
from jichitai.tenancy.context import activate

from .conftest import ctx, tamper

pytestmark = pytest.mark.django_db

MODELS = (AuditEntry, SystemAuditEntry)
COLUMNS = [
    pytest.param(model, f.attname, id=f"{model._meta.db_table}.{f.attname}")
    for model in MODELS for f in model._meta.concrete_fields if f.attname not in NOT_HASHED
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.db_table)
def test_every_column_but_the_key_and_the_hash_itself_is_hashed(model: Any) -> None:
    columns = {f.attname for f in model._meta.concrete_fields}
    assert NOT_HASHED <= columns
    assert unhashed_columns(model) == []
    assert set(model.HASH_FIELDS) == columns - NOT_HASHED  # and no stale name in HASH_FIELDS
    assert len(model.HASH_FIELDS) == len(set(model.HASH_FIELDS))


def test_the_coverage_check_names_a_column_left_out_of_the_hash(monkeypatch: Any) -> None:
    monkeypatch.setattr(
        AuditEntry, "HASH_FIELDS", tuple(f for f in AuditEntry.HASH_FIELDS if f != "staff_id")
    )
    assert unhashed_columns(AuditEntry) == ["staff_id"]


def _victims(tenants: Any, staff: Any) -> dict[Any, Any]:
    """One entry of each table with every column filled (grant_id stays NULL: set by tampering)."""
    with activate(ctx(tenants.a, staff_id=staff.pk, purpose="写しの交付", legal_basis="住基法第12条")):
        record("operation", "before")
        entry = record(
            "read", "view", subject_type="person", subject_id=7, screen="住民照会", function="個人照会",
            my_number_shown=True, detail={"k": 1}, idempotency_key="k-1",
        )
        record("operation", "after")
    system = record_system(
        "auth", "municipality_selected", consortium_id=tenants.a.consortium_id, staff_id=staff.pk,
        username="clerk-a", municipality_code=tenants.a.code, remote_addr="10.0.0.1",
        subject_type="staff", subject_id=staff.pk, detail={"k": 1}, idempotency_key="s-1",
    )
    record_system("auth", "logout", consortium_id=tenants.a.consortium_id, username="clerk-a")
    return {AuditEntry: entry, SystemAuditEntry: system}


def _changed(field: Any, value: Any, other_municipality_id: int) -> Any:
    if field.attname in {"municipality_id", "acting_municipality_id"}:
        return other_municipality_id
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.DateTimeField):
        return value + timedelta(seconds=1)
    if isinstance(field, models.IntegerField):
        return (value or 0) + 1000
    if isinstance(field, models.CharField | models.TextField):
        text = value or ""
        return text[:-1] + ("y" if text.endswith("x") else "x") if text else "x"
    raise AssertionError(f"add a tampered value for {field!r}")


def _tamper_column(model: Any, column: str, victim: Any, tenants: Any) -> None:
    field = next(f for f in model._meta.concrete_fields if f.attname == column)
    new = field.get_db_prep_value(_changed(field, getattr(victim, column), tenants.b.pk), connection)
    table = model._meta.db_table
    scope = tenants.a if model is AuditEntry else None
    # Row-level security refuses to move a row to another municipality, for the owner too unless
    # the owner lifts FORCE first (an intruder with the owner's rights can).
    moves = column == "municipality_id" and connection.vendor == "postgresql"
    if moves:
        tamper(None, "SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks may block ALTER TABLE
        tamper(None, f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
    assert tamper(scope, f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', [new, victim.pk]) == 1
    if moves:
        tamper(None, f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')


def _reported(model: Any, victim: Any) -> bool:
    prefix = "municipality:" if model is AuditEntry else "consortium:"
    return any(
        f.kind is FindingKind.HASH_MISMATCH and f.entry_id == victim.pk and f.chain.startswith(prefix)
        for f in verify().findings
    )


@pytest.mark.parametrize(("model", "column"), COLUMNS)
def test_a_changed_value_in_any_column_is_reported_as_tampering_of_that_entry(
    model: Any, column: str, tenants: Any, staff_factory: Any
) -> None:
    victim = _victims(tenants, staff_factory("clerk-a", tenants.a))[model]
    assert verify().ok
    _tamper_column(model, column, victim, tenants)
    assert _reported(model, victim), f"{model._meta.db_table}.{column} changed and verify said nothing"


def test_a_column_left_out_of_the_hash_would_hide_its_tampering(
    monkeypatch: Any, tenants: Any, staff_factory: Any
) -> None:
    """What the test above guards against: with staff_id dropped from the hashed fields, a changed
    staff_id passes verify (so that test fails for the staff_id column)."""
    monkeypatch.setattr(
        AuditEntry, "HASH_FIELDS", tuple(f for f in AuditEntry.HASH_FIELDS if f != "staff_id")
    )
    victim = _victims(tenants, staff_factory("clerk-a", tenants.a))[AuditEntry]
    _tamper_column(AuditEntry, "staff_id", victim, tenants)
    assert not _reported(AuditEntry, victim) and verify().ok
