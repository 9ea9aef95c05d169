"""`jichitai audit seal` (issue 9 item 2): each municipality's chain head goes into its consortium
chain, and verify checks every municipality chain against its latest seal, so a chain rewritten
with the project's own hash function, or truncated and rewound, is caught without anchor files."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jichitai.audit.chain import SEAL_ACTION, compute_hash, latest_seal, seal_heads
from jichitai.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry, SystemAuditEntry
from jichitai.audit.recording import record
from jichitai.audit.verify import FindingKind, verify
from jichitai.cli.audit import main as audit_cli
from jichitai.tenancy.context import activate

from .conftest import ctx, only, tamper

pytestmark = pytest.mark.django_db


def _seals() -> dict[str, tuple[int, int, str]]:
    """municipality code -> (consortium chain key, sealed seq, sealed hash) of the latest seal."""
    out = {}
    for e in SystemAuditEntry.objects.filter(action=SEAL_ACTION).order_by("chain_key", "seq"):
        out[e.municipality_code] = (e.chain_key, e.detail["seq"], e.detail["hash"])
    return out


def _head(municipality: Any) -> tuple[int, str]:
    with activate(ctx(municipality)):
        head = AuditChainHead.objects.get()
    return head.seq, head.hash


def _rewrite(municipality: Any, subject_id: str = "forged") -> None:
    """Rewrite every entry of the chain consistently (new prev_hash/hash, head row too): what a
    writer with database rights can do with the project's own hash function."""
    with activate(ctx(municipality)):
        entries = list(AuditEntry.objects.order_by("seq"))
    prev = GENESIS_HASH
    for e in entries:
        e.subject_id, e.prev_hash = subject_id, prev
        e.hash = prev = compute_hash(e)
        tamper(municipality, "UPDATE audit_auditentry SET subject_id = %s, prev_hash = %s, hash = %s "
               "WHERE id = %s", [e.subject_id, e.prev_hash, e.hash, e.pk])
    tamper(municipality, "UPDATE audit_auditchainhead SET hash = %s WHERE municipality_id = %s",
           [prev, municipality.pk])


def test_seal_puts_each_municipality_head_into_its_consortium_chain(tenants: Any, log: Any, capsys: Any) -> None:
    assert audit_cli(["seal"]) == 0
    out = capsys.readouterr().out
    assert "SEALED     municipality:999016" in out and "監査ログの先頭を封印しました" in out
    assert "Sealed municipality chain heads: 2 sealed, 0 unchanged, 1 empty, 0 refused." in out
    assert _seals() == {
        "999016": (tenants.a.consortium_id, 5, log[5].hash),
        "999024": (tenants.b.consortium_id, *_head(tenants.b)),
    }  # C's chain is empty: nothing to seal
    run = SystemAuditEntry.objects.filter(chain_key=0, action="audit_seal").get()
    assert run.detail == {"sealed": 2, "unchanged": 0, "empty": 1, "refused": 0}
    report = verify()
    assert report.ok, [f.line() for f in report.findings]
    assert {c.chain: c.sealed_seq for c in report.chains}["municipality:999016"] == 5


def test_sealing_again_appends_only_heads_that_moved(tenants: Any, log: Any, capsys: Any) -> None:
    seal_heads(username="test")
    before = SystemAuditEntry.objects.filter(action=SEAL_ACTION).count()
    assert {o.status for o in seal_heads(username="test")} == {"unchanged", "empty"}
    assert SystemAuditEntry.objects.filter(action=SEAL_ACTION).count() == before
    with activate(ctx(tenants.a, purpose="test")):
        sixth = record("operation", "step")
    assert audit_cli(["seal", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["sealed"], data["unchanged"]) == (1, 1)
    assert _seals()["999016"][1:] == (6, sixth.hash)


def test_a_chain_rewritten_with_a_valid_hash_chain_is_caught_by_its_sealed_head(tenants: Any, log: Any) -> None:
    seal_heads(username="test")
    _rewrite(tenants.a)
    f = only(verify())  # the chain and its head row are consistent: only the seal disagrees
    assert (f.chain, f.kind, f.seq, f.entry_id) == (
        "municipality:999016", FindingKind.SEAL_MISMATCH, 5, log[5].pk
    )
    assert "consortium:test-east" in f.note


def test_a_truncated_and_rewound_chain_is_shorter_than_its_sealed_seq(tenants: Any, log: Any, capsys: Any) -> None:
    seal_heads(username="test")
    tamper(tenants.a, "DELETE FROM audit_auditentry WHERE id IN (%s, %s)", [log[4].pk, log[5].pk])
    tamper(tenants.a, "UPDATE audit_auditchainhead SET seq = 3, hash = %s WHERE municipality_id = %s",
           [log[3].hash, tenants.a.pk])
    f = only(verify())
    assert (f.chain, f.kind, f.seq) == ("municipality:999016", FindingKind.SEALED_MISSING, 5)
    assert "the chain ends at seq 3" in f.note
    assert audit_cli(["verify"]) == 1
    assert "封印済みエントリの欠落（切り詰めの疑い）" in capsys.readouterr().out


def test_seal_refuses_to_seal_a_chain_that_contradicts_its_last_seal(tenants: Any, log: Any, capsys: Any) -> None:
    seal_heads(username="test")
    sealed = latest_seal(tenants.a)
    _rewrite(tenants.a)
    assert audit_cli(["seal"]) == 1
    captured = capsys.readouterr()
    assert "REFUSED    municipality:999016" in captured.out and "rewritten?" in captured.out
    assert "封印できません" in captured.err and "not sealed" in captured.err
    assert latest_seal(tenants.a) == sealed  # the rewrite was not laundered into a new seal
    assert only(verify()).kind is FindingKind.SEAL_MISMATCH


def test_seal_refuses_a_chain_whose_head_row_disagrees_with_its_entries(tenants: Any, log: Any) -> None:
    tamper(tenants.a, "DELETE FROM audit_auditentry WHERE id = %s", [log[5].pk])
    outcomes = {o.chain: o for o in seal_heads(username="test")}
    refused = outcomes["municipality:999016"]
    assert refused.status == "refused" and "disagree" in refused.reason
    assert outcomes["municipality:999024"].status == "sealed"
    assert latest_seal(tenants.a) is None


def test_an_edited_seal_is_caught_by_the_consortium_chain(tenants: Any, log: Any) -> None:
    seal_heads(username="test")
    entry = SystemAuditEntry.objects.get(action=SEAL_ACTION, municipality_code=tenants.a.code)
    forged = json.dumps({"chain": "municipality:999016", "hash": log[3].hash, "seq": 3},
                        separators=(",", ":"), sort_keys=True)
    tamper(None, "UPDATE audit_systemauditentry SET detail_json = %s WHERE id = %s", [forged, entry.pk])
    found = {(f.chain, f.kind, f.entry_id) for f in verify().findings}
    assert ("consortium:test-east", FindingKind.HASH_MISMATCH, entry.pk) in found


def test_a_seal_entry_made_unreadable_is_a_finding_not_a_crash(tenants: Any, log: Any, capsys: Any) -> None:
    seal_heads(username="test")
    entry = SystemAuditEntry.objects.get(action=SEAL_ACTION, municipality_code=tenants.a.code)
    tamper(None, "UPDATE audit_systemauditentry SET detail_json = %s WHERE id = %s", ["{not json", entry.pk])
    assert audit_cli(["verify"]) == 1
    captured = capsys.readouterr()
    assert f"consortium:test-east seq={entry.seq} id={entry.pk}: 改ざん（ハッシュ不一致）" in captured.out
    assert "Traceback" not in captured.err
