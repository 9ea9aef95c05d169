"""`jichitai audit verify`: passes on an untouched log, and names the entry after one row is edited
or deleted directly in the database (issue 2, Done when). Also: concurrent appends on PostgreSQL."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from jichitai.audit.models import AuditEntry
from jichitai.audit.recording import record, record_system
from jichitai.audit.verify import FindingKind, current_anchors, verify
from jichitai.cli.audit import main as audit_cli
from jichitai.tenancy.context import activate

from .conftest import ctx, only, postgres_only, tamper

pytestmark = pytest.mark.django_db




def test_untouched_log_verifies_and_cli_exits_0_with_a_bilingual_summary(log: Any, capsys: Any) -> None:
    report = verify()
    assert report.ok and report.entries >= 7
    chains = {c.chain for c in report.chains}
    assert {"municipality:999016", "municipality:999024", "consortium:test-east"} <= chains
    assert audit_cli(["verify"]) == 0
    out = capsys.readouterr().out
    assert "監査ログは改ざんされていません" in out and "Audit log intact" in out
    assert "OK  municipality:999016" in out


def test_editing_a_middle_entry_is_named_as_tampered(tenants: Any, log: Any, capsys: Any) -> None:
    victim = log[3]
    n = tamper(tenants.a, "UPDATE audit_auditentry SET subject_id = %s WHERE id = %s", ["999", victim.pk])
    assert n == 1
    f = only(verify())
    assert (f.chain, f.kind, f.seq, f.entry_id) == ("municipality:999016", FindingKind.HASH_MISMATCH, 3, victim.pk)
    assert audit_cli(["verify"]) == 1
    captured = capsys.readouterr()
    assert f"municipality:999016 seq=3 id={victim.pk}: 改ざん（ハッシュ不一致） / hash mismatch" in captured.out
    assert "FAILED" in captured.err


def test_editing_and_rehashing_an_entry_breaks_the_next_link(tenants: Any, log: Any) -> None:
    from jichitai.audit.chain import compute_hash

    victim = log[2]
    victim.subject_id = "999"
    forged = compute_hash(victim)
    tamper(tenants.a, "UPDATE audit_auditentry SET subject_id = '999', hash = %s WHERE id = %s", [forged, victim.pk])
    f = only(verify(municipality_code="999016"))
    assert (f.kind, f.seq, f.entry_id) == (FindingKind.LINK_BROKEN, 3, log[3].pk)
    assert "seq 2" in f.note


def test_deleting_a_middle_entry_is_named_as_missing_seq(tenants: Any, log: Any) -> None:
    tamper(tenants.a, "DELETE FROM audit_auditentry WHERE id = %s", [log[3].pk])
    f = only(verify())
    assert (f.chain, f.kind, f.seq) == ("municipality:999016", FindingKind.MISSING_SEQ, 3)
    assert f"id={log[2].pk}" in f.note and f"id={log[4].pk}" in f.note


def test_deleting_the_first_entry_is_named(tenants: Any, log: Any) -> None:
    tamper(tenants.a, "DELETE FROM audit_auditentry WHERE id = %s", [log[1].pk])
    f = only(verify())
    assert (f.kind, f.seq) == (FindingKind.MISSING_SEQ, 1)


def test_deleting_the_last_entry_is_caught_by_the_head_row(tenants: Any, log: Any, capsys: Any) -> None:
    tamper(tenants.a, "DELETE FROM audit_auditentry WHERE id = %s", [log[5].pk])
    f = only(verify())
    assert (f.chain, f.kind, f.seq) == ("municipality:999016", FindingKind.TAIL_MISSING, 5)
    assert audit_cli(["verify", "--json", "--municipality", "999016"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    [chain] = data["chains"]
    assert chain["findings"][0]["kind"] == "tail_missing" and chain["findings"][0]["seq"] == 5


def test_truncation_with_a_rewound_head_needs_an_anchor(tenants: Any, log: Any, tmp_path: Any) -> None:
    """Known limit: deleting the newest entry AND rewinding the head row leaves a valid chain;
    an anchor exported earlier (`jichitai audit anchor`) still catches it."""
    anchors_file = tmp_path / "anchors.jsonl"
    assert audit_cli(["anchor", "--out", str(anchors_file)]) == 0
    tamper(tenants.a, "DELETE FROM audit_auditentry WHERE id = %s", [log[5].pk])
    tamper(
        tenants.a, "UPDATE audit_auditchainhead SET seq = 4, hash = %s WHERE municipality_id = %s",
        [log[4].hash, tenants.a.pk],
    )
    plain = verify()
    assert plain.ok, [f.line() for f in plain.findings]  # undetectable from the database alone
    assert audit_cli(["verify", "--anchors", str(anchors_file)]) == 1
    from jichitai.audit.verify import read_anchors

    f = only(verify(anchors=read_anchors(anchors_file)))
    assert (f.chain, f.kind, f.seq) == ("municipality:999016", FindingKind.ANCHOR_MISMATCH, 5)


def test_consortium_chain_is_verified_too(tenants: Any, log: Any) -> None:
    e = record_system("auth", "login_password_ok", consortium_id=tenants.a.consortium_id, username="x")
    tamper(None, "UPDATE audit_systemauditentry SET username = 'y' WHERE id = %s", [e.pk])
    f = only(verify())
    assert (f.chain, f.kind, f.entry_id) == ("consortium:test-east", FindingKind.HASH_MISMATCH, e.pk)


def test_verify_unknown_municipality_is_a_usage_error(db: None, capsys: Any) -> None:
    assert audit_cli(["verify", "--municipality", "000000"]) == 2
    assert "000000" in capsys.readouterr().err


def test_anchor_lists_every_chain_head(log: Any, tenants: Any) -> None:
    heads = {a.chain: a.seq for a in current_anchors()}
    assert heads["municipality:999016"] == 5 and heads["municipality:999024"] == 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_on_postgres_keep_seq_gapless_and_the_chain_valid(tenants: Any) -> None:
    workers, per_worker = 4, 15
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def work(n: int) -> None:
        try:
            barrier.wait()
            with activate(ctx(tenants.a, purpose="concurrency")):
                for i in range(per_worker):
                    with transaction.atomic():
                        record("operation", "concurrent", detail={"worker": n, "i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert connection.vendor == "postgresql"
    with activate(ctx(tenants.a)):
        seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, workers * per_worker + 1))
    report = verify(municipality_code=tenants.a.code)
    assert report.ok, [f.line() for f in report.findings]


def test_each_chain_is_walked_under_its_own_municipalityonly(tenants: Any, log: Any) -> None:
    counts = {c.chain: c.entries for c in verify().chains}
    assert counts["municipality:999016"] == 5 and counts["municipality:999024"] == 2
    assert counts["municipality:999032"] == 0


@postgres_only
def test_an_intruder_under_as_context_cannot_even_reach_bs_rows(tenants: Any, log: Any) -> None:
    with activate(ctx(tenants.b)):
        b_ids = list(AuditEntry.objects.values_list("pk", flat=True))
    assert tamper(tenants.a, "DELETE FROM audit_auditentry WHERE id = ANY(%s)", [b_ids]) == 0
    assert verify().ok
