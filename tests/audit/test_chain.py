"""The per-municipality chain: gapless seq, canonical hashes, append-only, both municipalities
under 代行, idempotency, and isolation between municipalities (ORM and, on PostgreSQL, RLS)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from jichitai.audit.chain import IdempotencyConflict, canonical_detail, compute_hash, hash_payload
from jichitai.audit.events import InvalidAuditEvent
from jichitai.audit.models import (
    GENESIS_HASH,
    AppendOnlyViolation,
    AuditChainHead,
    AuditEntry,
    SystemAuditEntry,
)
from jichitai.audit.recording import record, record_alert, record_read
from jichitai.tenancy.context import NoTenantContext, TenantContext, activate

from .conftest import ctx, postgres_only

pytestmark = pytest.mark.django_db


def test_entries_chain_with_gapless_seq_and_sha256_over_canonical_json(tenants: Any) -> None:
    with activate(ctx(tenants.a, purpose="住民票の写し交付", legal_basis="住民基本台帳法第12条")):
        e1 = record("operation", "issue", subject_type="person", subject_id=17, detail={"b": 1, "a": "髙"})
        e2 = record("print", "printed", subject_type="person", subject_id="17", screen="証明書発行")
        head = AuditChainHead.objects.get()
    assert (e1.seq, e2.seq) == (1, 2)
    assert e1.prev_hash == GENESIS_HASH and e2.prev_hash == e1.hash
    assert (head.seq, head.hash) == (2, e2.hash)
    assert e1.detail_json == '{"a":"髙","b":1}'  # sorted keys, no whitespace, no \\u escapes
    payload = json.loads(hash_payload(e1))
    assert payload["occurred_at"].endswith("+00:00")  # UTC ISO
    assert payload["purpose"] == "住民票の写し交付" and payload["legal_basis"] == "住民基本台帳法第12条"
    assert e1.hash == hashlib.sha256(hash_payload(e1).encode()).hexdigest()
    with activate(ctx(tenants.a)):
        stored = AuditEntry.objects.get(pk=e1.pk)
    assert compute_hash(stored) == e1.hash  # the stored row re-hashes to the same value


def test_canonical_detail_is_stable_for_dates_and_key_order() -> None:
    when = timezone.now()
    assert canonical_detail({"z": [1, {"y": 2, "x": when}], "a": None}) == canonical_detail(
        {"a": None, "z": [1, {"x": when, "y": 2}]}
    )
    with pytest.raises(ValueError):
        canonical_detail({"bad": float("nan")})


def test_each_municipality_has_its_own_chain(tenants: Any) -> None:
    with activate(ctx(tenants.a)):
        record("operation", "x")
        record("operation", "x")
    with activate(ctx(tenants.b)):
        b1 = record("operation", "x")
    assert b1.seq == 1 and b1.prev_hash == GENESIS_HASH


def test_record_needs_a_context_and_a_known_category(tenants: Any) -> None:
    with pytest.raises(NoTenantContext):
        record("operation", "x")
    with activate(ctx(tenants.a)):
        with pytest.raises(InvalidAuditEvent):
            record("gossip", "x")
        with pytest.raises(InvalidAuditEvent):
            record("operation", "Not An Action")
        with pytest.raises(InvalidAuditEvent):
            record("read", "view")  # a read names whom it read


def test_read_entry_keeps_who_which_person_screen_and_my_number_flag(tenants: Any, staff_factory: Any) -> None:
    clerk = staff_factory("clerk-a", tenants.a, "clerk")
    with activate(ctx(tenants.a, staff_id=clerk.pk, purpose="web")):
        [e] = record_read("person", [42, 42], screen="住民照会", function="個人照会", my_number_shown=True)
    assert (e.category, e.action, e.subject_type, e.subject_id) == ("read", "view", "person", "42")
    assert (e.staff_id, e.username, e.screen, e.function, e.my_number_shown) == (
        clerk.pk, "clerk-a", "住民照会", "個人照会", True
    )


def test_delegated_action_is_logged_with_acting_and_data_municipality(tenants: Any, staff_factory: Any) -> None:
    from jichitai.tenancy.models import DelegationGrant

    helper = staff_factory("helper-b", tenants.b, "clerk")
    now = timezone.now()
    grant = DelegationGrant.objects.create(
        grantor=tenants.a, grantee=tenants.b, valid_from=now - timedelta(hours=1),
        valid_until=now + timedelta(days=1), legal_basis="災害時相互応援協定", declared_by=helper,
    )
    dctx = TenantContext(
        municipality_id=tenants.a.pk, acting_municipality_id=tenants.b.pk, staff_id=helper.pk,
        purpose="被災者支援", legal_basis="災害対策基本法", grant_id=grant.pk,
    )
    with activate(dctx):
        e = record("operation", "victim_registered", subject_type="person", subject_id=5)
    assert e.municipality_id == tenants.a.pk  # data owner's chain
    assert e.acting_municipality_id == tenants.b.pk and e.grant_id == grant.pk
    assert e.purpose == "被災者支援" and e.legal_basis == "災害対策基本法"


def test_idempotency_key_returns_the_first_entry_and_refuses_a_different_event(tenants: Any) -> None:
    with activate(ctx(tenants.a)):
        first = record("print", "printed", subject_type="person", subject_id=1, idempotency_key="req-1")
        again = record("print", "printed", subject_type="person", subject_id=1, idempotency_key="req-1")
        assert again.pk == first.pk and AuditEntry.objects.count() == 1
        with pytest.raises(IdempotencyConflict):
            record("print", "printed", subject_type="person", subject_id=2, idempotency_key="req-1")
    with activate(ctx(tenants.b)):  # the key is unique per municipality only
        assert record("print", "printed", subject_type="person", subject_id=1, idempotency_key="req-1").seq == 1


def test_alert_category_with_severity(tenants: Any) -> None:
    with activate(ctx(tenants.a)):
        e = record_alert("support_measure_access", subject_type="person", subject_id=9, screen="住民照会")
        assert (e.category, e.severity) == ("alert", "warning")
        with pytest.raises(ValueError):
            record_alert("support_measure_access", severity="info")


@pytest.mark.std("1370#3")
def test_entries_cannot_be_updated_or_deleted_by_the_application(tenants: Any) -> None:
    with activate(ctx(tenants.a)):
        e = record("operation", "x")
        e.action = "y"
        with pytest.raises(AppendOnlyViolation):
            e.save()
        with pytest.raises(AppendOnlyViolation):
            e.delete()
        with pytest.raises(AppendOnlyViolation):
            AuditEntry.objects.filter(pk=e.pk).update(action="y")
        with pytest.raises(AppendOnlyViolation):
            AuditEntry.objects.filter(pk=e.pk).delete()
        with pytest.raises(AppendOnlyViolation):
            AuditEntry.objects.bulk_update([e], ["action"])
        with pytest.raises(AppendOnlyViolation):  # only the chain appends
            AuditEntry(seq=99, category="operation", action="forged", prev_hash="", hash="").save()
        with pytest.raises(AppendOnlyViolation):
            AuditEntry.objects.bulk_create([AuditEntry(seq=99, category="operation", action="f")])
        assert AuditEntry.objects.get().action == "x"
    with pytest.raises(AppendOnlyViolation):
        SystemAuditEntry.objects.all().delete()


@postgres_only
def test_postgres_trigger_refuses_raw_update_and_delete(tenants: Any) -> None:
    with activate(ctx(tenants.a)):
        e = record("operation", "x")
        for sql in ("UPDATE audit_auditentry SET action = 'y' WHERE id = %s",
                    "DELETE FROM audit_auditentry WHERE id = %s"):
            # The runtime role lacks the privilege; any other non-owner meets the trigger.
            with pytest.raises(DatabaseError, match="append-only|permission denied"), transaction.atomic():
                with connection.cursor() as cur:
                    cur.execute(sql, [e.pk])
        assert AuditEntry.objects.get().action == "x"


# ---- tenancy: A never reaches B's audit rows -----------------------------------------------------


def test_under_a_context_bs_entries_and_head_are_invisible(tenants: Any) -> None:
    with activate(ctx(tenants.b)):
        b_entry = record("operation", "secret_of_b", detail={"marker": "B-ONLY"})
    with activate(ctx(tenants.a)):
        record("operation", "a_work")
        assert not AuditEntry.objects.filter(pk=b_entry.pk).exists()
        assert not AuditEntry.objects.filter(municipality_id=tenants.b.pk).exists()
        assert list(AuditEntry.objects.values_list("action", flat=True)) == ["a_work"]
        assert AuditChainHead.objects.get().municipality_id == tenants.a.pk
        assert AuditEntry._base_manager.filter(pk=b_entry.pk).count() == 0
    with pytest.raises(NoTenantContext):
        list(AuditEntry.objects.all())


@postgres_only
def test_rls_hides_bs_audit_rows_from_raw_sql_under_as_context(tenants: Any) -> None:
    with activate(ctx(tenants.b)):
        record("operation", "secret_of_b")
    with activate(ctx(tenants.a)), connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM audit_auditentry WHERE municipality_id = %s", [tenants.b.pk])
        assert cur.fetchone()[0] == 0
        cur.execute(
            "SELECT count(*) FROM audit_auditchainhead WHERE municipality_id = %s", [tenants.b.pk]
        )
        assert cur.fetchone()[0] == 0
    with connection.cursor() as cur:  # no context: nothing at all
        cur.execute("SELECT count(*) FROM audit_auditentry")
        assert cur.fetchone()[0] == 0


def test_errors_are_recorded_and_recording_them_never_raises(tenants: Any) -> None:
    from jichitai.audit.recording import record_error

    with activate(ctx(tenants.a)):
        e = record_error(ValueError("bad 宛名番号"), screen="住民照会")
        assert e is not None and (e.category, e.action, e.detail["error"]) == ("error", "exception", "ValueError")
    assert record_error(RuntimeError("no context")) is None  # logged to Python logging instead
