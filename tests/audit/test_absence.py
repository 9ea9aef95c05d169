"""Absence is a finding (issue 9 item 2): a chain that must exist but has no entries and no head
row is reported, not passed as an empty chain; so are a missing head row and a head row that
disagrees with the entries. Every raw statement goes through ``tamper`` (tests/db_roles.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from jichitai.audit.chain import compute_hash, seal_heads
from jichitai.audit.verify import FindingKind, verify
from jichitai.cli.audit import main as audit_cli
from jichitai.tenancy.context import activate
from tests.isolation_factories import FACTORIES

from .conftest import ctx, only, tamper

pytestmark = pytest.mark.django_db


def _resident(municipality: Any) -> None:
    """A resident in the register (a row of a model read through AuditedReadManager)."""
    with activate(ctx(municipality, purpose="test")):
        FACTORIES["registry.Person"](f"r{municipality.code}")


def _delete_chain(municipality: Any) -> None:
    tamper(municipality, "DELETE FROM audit_auditentry WHERE municipality_id = %s", [municipality.pk])
    tamper(municipality, "DELETE FROM audit_auditchainhead WHERE municipality_id = %s", [municipality.pk])


def _truncate_municipality_tables() -> None:
    if connection.vendor == "postgresql":
        tamper(None, "SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks may block TRUNCATE
        tamper(None, "TRUNCATE audit_auditentry, audit_auditchainhead")
    else:  # SQLite has no TRUNCATE; an unqualified DELETE is its equivalent
        tamper(None, "DELETE FROM audit_auditentry")
        tamper(None, "DELETE FROM audit_auditchainhead")


def test_a_municipality_with_residents_and_no_audit_log_is_reported_as_missing(
    tenants: Any, log: Any, capsys: Any
) -> None:
    _resident(tenants.a)
    assert verify().ok
    _delete_chain(tenants.a)
    f = only(verify())
    assert (f.chain, f.kind, f.seq, f.entry_id) == ("municipality:999016", FindingKind.LOG_MISSING, None, None)
    assert "registry_person" in f.note
    assert audit_cli(["verify"]) == 1
    captured = capsys.readouterr()
    assert "NG  municipality:999016" in captured.out
    assert "監査ログがありません（切り詰め・削除の疑い） / audit log missing" in captured.out
    assert "監査ログに 1 件の不整合を検出しました" in captured.err


def test_truncating_the_audit_tables_is_reported_for_every_chain_that_must_exist(
    tenants: Any, log: Any
) -> None:
    """A has residents and a sealed head, B only a sealed head, C never logged anything."""
    _resident(tenants.a)
    seal_heads(username="test")
    _truncate_municipality_tables()
    report = verify()
    found = {(f.chain, f.kind) for f in report.findings}
    assert found == {
        ("municipality:999016", FindingKind.LOG_MISSING),
        ("municipality:999024", FindingKind.LOG_MISSING),
    }
    notes = {f.chain: f.note for f in report.findings}
    assert "registry_person" in notes["municipality:999016"] and "seq 5 was sealed" in notes["municipality:999016"]
    assert "seq 2 was sealed in consortium:test-east" in notes["municipality:999024"]


def test_a_municipality_that_never_logged_and_holds_no_residents_is_not_a_finding(tenants: Any, log: Any) -> None:
    with activate(ctx(tenants.other_consortium, purpose="test")):
        FACTORIES["tenancy.MunicipalSetting"]("no-resident-data")  # tenant data, but not residents'
    report = verify()
    assert report.ok, [f.line() for f in report.findings]
    assert {c.chain: c.entries for c in report.chains}["municipality:999032"] == 0


def test_entries_without_a_head_row_are_reported(tenants: Any, log: Any) -> None:
    tamper(tenants.a, "DELETE FROM audit_auditchainhead WHERE municipality_id = %s", [tenants.a.pk])
    f = only(verify())
    assert (f.chain, f.kind) == ("municipality:999016", FindingKind.HEAD_MISSING)


def test_a_head_row_that_disagrees_with_the_last_entry_is_reported(tenants: Any, log: Any) -> None:
    tamper(tenants.a, "UPDATE audit_auditchainhead SET hash = %s WHERE municipality_id = %s",
           [log[3].hash, tenants.a.pk])
    f = only(verify())
    assert (f.chain, f.kind, f.seq, f.entry_id) == (
        "municipality:999016", FindingKind.HEAD_MISMATCH, 5, log[5].pk
    )


def test_a_head_row_whose_entries_were_all_deleted_is_reported_as_a_deleted_tail(tenants: Any, log: Any) -> None:
    tamper(tenants.a, "DELETE FROM audit_auditentry WHERE municipality_id = %s", [tenants.a.pk])
    f = only(verify())
    assert (f.chain, f.kind, f.seq) == ("municipality:999016", FindingKind.TAIL_MISSING, 1)
    assert "seq 1..5 deleted" in f.note


def test_a_consortium_chain_deleted_while_it_has_members_is_reported(tenants: Any, log: Any) -> None:
    key = tenants.a.consortium_id
    assert tamper(None, "DELETE FROM audit_systemauditentry WHERE chain_key = %s", [key]) > 0
    tamper(None, "DELETE FROM audit_systemchainhead WHERE chain_key = %s", [key])
    f = only(verify())
    assert (f.chain, f.kind) == ("consortium:test-east", FindingKind.LOG_MISSING)
    assert "2 member municipalities" in f.note


def test_a_forged_first_entry_after_truncation_is_not_mistaken_for_a_fresh_chain(tenants: Any, log: Any) -> None:
    """Truncate, then append one new entry through the API: a valid one-entry chain, but the seal
    says the chain had five entries."""
    from jichitai.audit.recording import record

    seal_heads(username="test")
    _delete_chain(tenants.a)
    with activate(ctx(tenants.a, purpose="test")):
        fresh = record("operation", "step")
    assert fresh.seq == 1 and compute_hash(fresh) == fresh.hash
    f = only(verify(municipality_code=tenants.a.code))
    assert (f.kind, f.seq) == (FindingKind.SEALED_MISSING, 5)
    assert "the chain ends at seq 1" in f.note
