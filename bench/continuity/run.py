"""Benchmark: the failover drill repeated (issue 14 Done-when) and, unless --skip-backup, the
backup/restore timing of a 280,000-resident 市 (bench/continuity/backup_timing.py).

    .venv/bin/python bench/continuity/run.py [--drills 5] [--workers 3] [--skip-backup]
                                             [--residents 280000] [--output FILE]

One local cluster (jichitai.continuity.ha_local: three etcd members, two Patroni-managed
PostgreSQL 15 nodes, strict synchronous replication, fsync on) serves every drill: each drill
kills the current leader's Patroni and postmaster with SIGKILL while three workers write 転入
through the application, waits for Patroni's promotion of the standby, restarts the killed node (as
systemd would; it rejoins through pg_rewind as the synchronous standby) and checks every
acknowledged event on the new leader. Targets: 0 events lost in every drill, RTO under 20 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench"), str(ROOT / "bench" / "continuity")]

from benchlib import write_result  # noqa: E402

TARGET_RTO_S = 20.0
SETTINGS = ("server_version", "fsync", "synchronous_commit", "synchronous_standby_names",
            "full_page_writes", "wal_sync_method", "shared_buffers")  # fmt: skip


def metric(value: float, unit: str, target: float | None, better: str) -> dict[str, Any]:
    return {"value": round(value, 3), "unit": unit, "target": target, "better": better}


def machine(cluster: Any) -> dict[str, Any]:
    """Like the other benches' machine block; the settings are read from the cluster's leader."""
    import psycopg

    from jichitai.continuity.ha_local import PASSWORDS

    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "database": "postgresql (Patroni 3.0.2, etcd 3.4, 2 nodes + 3 etcd on 127.0.0.1)",
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    leader = cluster.leader()
    with psycopg.connect(host="127.0.0.1", port=leader.pg_port, user="postgres",
                         password=PASSWORDS["postgres"], dbname="postgres") as conn:  # fmt: skip
        for name in SETTINGS:
            info[name] = conn.execute(f"SHOW {name}").fetchone()[0]
    return info


def drills(n: int, workers: int) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    from jichitai.continuity import drill
    from jichitai.continuity.ha_local import LOOP_WAIT, RETRY_TIMEOUT, TTL, LocalCluster

    with LocalCluster() as cluster, tempfile.TemporaryDirectory() as work:
        info = machine(cluster)
        drill.prepare(cluster, Path(work))
        runs = []
        for i in range(n):
            r = drill.run_drill(cluster, Path(work), workers=workers)
            print(f"  drill {i + 1}/{n}: {r.old_leader} -> {r.new_leader}, "
                  f"acknowledged {r.acknowledged}, lost {len(r.lost)}, "
                  f"promotion {r.promotion_s:.1f} s, RTO {r.rto_s:.1f} s", flush=True)  # fmt: skip
            runs.append(r)
    summary = drill.summary(runs)
    metrics = {
        "events_lost_max": metric(summary["events_lost_max"], "events", 0, "lower"),
        "rto_max_s": metric(summary["rto_max_s"], "s", TARGET_RTO_S, "lower"),
        "rto_median_s": metric(summary["rto_median_s"], "s", TARGET_RTO_S, "lower"),
        "promotion_max_s": metric(summary["promotion_max_s"], "s", None, "lower"),
        "acknowledged_events": metric(summary["acknowledged_events"], "events", None, "higher"),
    }
    params = {"drills": n, "workers": workers, "ttl_s": TTL, "loop_wait_s": LOOP_WAIT,
              "retry_timeout_s": RETRY_TIMEOUT}  # fmt: skip
    per_drill = [
        {k: v for k, v in dataclasses.asdict(r).items() if k != "notes"} for r in runs
    ]
    return metrics, per_drill, {"params": params, "machine": info}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--drills", type=int, default=5)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--skip-backup", action="store_true")
    p.add_argument("--residents", type=int, default=280_000)
    p.add_argument("--output", default=str(ROOT / "bench" / "results" / "continuity.json"))
    args = p.parse_args(argv)
    started = time.perf_counter()
    metrics, per_drill, extra = drills(args.drills, args.workers)
    params = dict(extra["params"])
    if args.skip_backup:
        params["backup"] = ("skipped (--skip-backup): the backup/restore metrics are in "
                            "bench/results/continuity_backup.json")  # fmt: skip
    else:
        import backup_timing

        with tempfile.TemporaryDirectory() as wd:
            metrics.update(backup_timing.run(args.residents, Path(wd)))
        params["residents"] = args.residents
    params["per_drill"] = per_drill
    params["elapsed_s"] = round(time.perf_counter() - started, 1)
    result = {
        "name": "continuity",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": extra["machine"],
        "params": params,
        "metrics": metrics,
    }
    for name, m in metrics.items():
        print(f"  {name:<28}{m['value']:>12,.2f} {m['unit']:<8} target {m['target']}")
    write_result(result, args.output, ROOT)
    lost = metrics["events_lost_max"]["value"]
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
