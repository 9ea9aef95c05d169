"""Stored anchors by default (issue 9 item 2): with JICHITAI_AUDIT_ANCHOR_DIR set, `jichitai audit
anchor` appends to a dated file there and `jichitai audit verify` checks every anchor file there
without `--anchors`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from jichitai.audit.chain import GENESIS_HASH, compute_hash
from jichitai.audit.models import AuditEntry
from jichitai.cli.audit import ANCHOR_DIR_ENV
from jichitai.cli.audit import main as audit_cli
from jichitai.tenancy.context import activate

from .conftest import ctx, tamper

pytestmark = pytest.mark.django_db


def _rewind_a(tenants: Any, log: Any) -> None:
    """Delete A's newest entry and rewind its head row: invisible without anchors or seals."""
    tamper(tenants.a, "DELETE FROM audit_auditentry WHERE id = %s", [log[5].pk])
    tamper(tenants.a, "UPDATE audit_auditchainhead SET seq = 4, hash = %s WHERE municipality_id = %s",
           [log[4].hash, tenants.a.pk])


def test_anchor_writes_a_dated_file_in_the_anchor_directory_and_verify_reads_it_by_default(
    tenants: Any, log: Any, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setenv(ANCHOR_DIR_ENV, str(tmp_path))
    assert audit_cli(["anchor"]) == 0
    dated = tmp_path / f"anchors-{timezone.localdate().isoformat()}.jsonl"
    assert [p.name for p in tmp_path.iterdir()] == [dated.name]
    heads = {d["chain"]: d["seq"] for d in map(json.loads, dated.read_text(encoding="utf-8").splitlines())}
    assert heads["municipality:999016"] == 5 and "consortium:test-east" in heads
    assert audit_cli(["verify"]) == 0
    assert str(tmp_path) in capsys.readouterr().err
    _rewind_a(tenants, log)
    assert audit_cli(["verify", "--json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["anchors"]["source"] == str(tmp_path) and data["anchors"]["count"] >= 3
    [chain] = [c for c in data["chains"] if c["chain"] == "municipality:999016"]
    assert [(f["kind"], f["seq"]) for f in chain["findings"]] == [("anchor_mismatch", 5)]


def test_verify_checks_every_anchor_file_not_only_the_newest(
    tenants: Any, log: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """A rewrite between two anchors is only visible against the older one."""
    assert audit_cli(["anchor", "--out", str(tmp_path / "anchors-2024-04-01.jsonl")]) == 0
    with activate(ctx(tenants.a)):
        entries = list(AuditEntry.objects.order_by("seq"))
    prev = GENESIS_HASH
    for e in entries:  # a consistent rewrite of A's whole chain, head row included
        e.subject_id, e.prev_hash = "forged", prev
        e.hash = prev = compute_hash(e)
        tamper(tenants.a, "UPDATE audit_auditentry SET subject_id = %s, prev_hash = %s, hash = %s "
               "WHERE id = %s", [e.subject_id, e.prev_hash, e.hash, e.pk])
    tamper(tenants.a, "UPDATE audit_auditchainhead SET hash = %s WHERE municipality_id = %s", [prev, tenants.a.pk])
    assert audit_cli(["anchor", "--out", str(tmp_path / "anchors-2024-04-02.jsonl")]) == 0
    (tmp_path / "notes.txt").write_text("not an anchor file\n", encoding="utf-8")  # ignored
    monkeypatch.setenv(ANCHOR_DIR_ENV, str(tmp_path))
    assert audit_cli(["verify", "--municipality", tenants.a.code]) == 1
    assert audit_cli(["verify", "--municipality", tenants.a.code,
                      "--anchors", str(tmp_path / "anchors-2024-04-02.jsonl")]) == 0


def test_anchor_out_may_name_a_directory(log: Any, tmp_path: Path) -> None:
    assert audit_cli(["anchor", "--out", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [f"anchors-{timezone.localdate().isoformat()}.jsonl"]
    assert audit_cli(["verify", "--anchors", str(tmp_path)]) == 0


def test_a_configured_anchor_directory_that_does_not_exist_is_a_usage_error(
    log: Any, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    missing = tmp_path / "not-mounted"
    monkeypatch.setenv(ANCHOR_DIR_ENV, str(missing))
    for command in ("verify", "anchor"):
        assert audit_cli([command]) == 2, command
        err = capsys.readouterr().err
        assert ANCHOR_DIR_ENV in err and str(missing) in err and "フォルダがありません" in err
    assert not missing.exists()


def test_an_empty_anchor_directory_is_said_and_not_a_finding(log: Any, tmp_path: Path, monkeypatch: Any,
                                                             capsys: Any) -> None:
    monkeypatch.setenv(ANCHOR_DIR_ENV, str(tmp_path))
    assert audit_cli(["verify"]) == 0
    err = capsys.readouterr().err
    assert "アンカーファイルはまだありません" in err and "no anchor file yet" in err


def test_a_corrupt_anchor_file_is_a_usage_error(log: Any, tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "anchors-2024-04-01.jsonl"
    bad.write_text('{"chain": "municipality:999016", "seq": 5}\n', encoding="utf-8")
    assert audit_cli(["verify", "--anchors", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "アンカーファイルを読めません" in err and f"{bad}: line 1" in err and "Traceback" not in err


def test_an_anchored_chain_that_no_longer_exists_is_reported(log: Any, tmp_path: Path) -> None:
    gone = tmp_path / "anchors-2024-04-01.jsonl"
    gone.write_text(json.dumps({"chain": "municipality:999040", "seq": 3, "hash": "ab" * 32}) + "\n",
                    encoding="utf-8")
    assert audit_cli(["verify", "--anchors", str(gone)]) == 1
    from jichitai.audit.verify import FindingKind, read_anchors, verify

    [f] = verify(anchors=read_anchors(gone)).findings
    assert (f.chain, f.kind, f.seq) == ("municipality:999040", FindingKind.ANCHOR_MISMATCH, 3)
    assert "no longer exists" in f.note
