"""Automatic failover on Patroni + etcd (issue 14 item 2, Done-when): a three-member etcd and two
Patroni-managed PostgreSQL 15 nodes on 127.0.0.1 (strict synchronous replication, fsync on),
register events (転入 submitted and approved) from three worker processes through the application
with libpq multi-host, SIGKILL of the leader's Patroni and postmaster mid-stream. Every event whose
本登録 was acknowledged is on the new leader (RPO 0) and writes resume within 60 s (the bench's
target is 20 s: `make bench-continuity`).

It needs no database of the suite; it runs in the PostgreSQL pass of scripts/test.sh only, since
it needs what that pass needs (the PostgreSQL 15 binaries) plus patroni and etcd
(scripts/system_deps.sh)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from jichitai.continuity import drill, ha
from jichitai.continuity.ha_local import LocalCluster

pytestmark = pytest.mark.slow


def test_acknowledged_events_survive_a_leader_kill_and_writes_resume(tmp_path: Path) -> None:
    if os.environ.get("JICHITAI_DB") != "postgres":
        pytest.skip("runs in the PostgreSQL pass of scripts/test.sh (the same drill, once)")
    for binary in ("/usr/bin/patroni", "/usr/bin/etcd"):
        assert shutil.which(binary), f"{binary} missing: scripts/system_deps.sh test installs it"
    with LocalCluster() as cluster:
        before = ha.cluster_status([n.api_url for n in cluster.nodes])
        assert {(m["role"], m["state"]) for m in before} >= {("leader", "running")}
        assert any(m["role"] == "sync_standby" for m in before)
        drill.prepare(cluster, tmp_path)
        result = drill.run_drill(cluster, tmp_path, workers=3)
        after = ha.cluster_status([n.api_url for n in cluster.nodes])
    assert result.new_leader != result.old_leader
    assert result.acknowledged > 0
    assert result.lost == [], f"acknowledged events missing after failover: {result.lost}"
    assert 0 < result.promotion_s <= result.rto_s < 60, result
    leader_timeline = next(m["timeline"] for m in after if m["role"] == "leader")
    assert leader_timeline > next(m["timeline"] for m in before if m["role"] == "leader")
    # the old leader came back as the synchronous standby (strict mode needs one to write)
    assert {m["name"]: m["role"] for m in after}[result.old_leader] == "sync_standby"
