"""Benchmark: backup and point-in-time restore of one large municipality (issue 14 Done-when).

``run(residents, workdir)`` (imported by ``bench/continuity/run.py``) runs the measurement in a
process of its own — it needs its own durable throwaway PostgreSQL 15 (``bench/pgserver.py``) and
its own Django set-up — and returns the metrics in the bench format
(``{"value", "unit", "target", "better"}``). By hand:

    .venv/bin/python bench/continuity/backup_timing.py --residents 280000 --workdir /tmp/bk

Steps: migrate; bulk-load ``residents`` synthetic residents with history (``importer.load_bulk``,
as the other benches); ``backup-setup`` (WAL archiving, encrypted pgBackRest repository at a
second directory); a **full backup**; 200 register events and a **differential backup**; note the
time, more events; **restore** to the noted time into a new cluster (pgBackRest restore, start,
WAL replay, promotion) and its **check** (row counts, audit chains, residents as of the date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# targets: a partner site must be issuing 住民票 the next morning — the whole restore of a
# 280,000-resident 市 within an hour, a nightly full backup within half an hour
TARGET_RESTORE_S, TARGET_BACKUP_S = 3600.0, 1800.0


def run(residents: int, workdir: Path) -> dict[str, dict[str, Any]]:
    """The metrics of one backup/restore round for ``residents`` (measured in a child process)."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / "backup_timing.json"
    subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--residents",
            str(residents),
            "--workdir",
            str(workdir),
            "--out",
            str(out),
        ],
        check=True,
    )
    return dict(json.loads(out.read_text(encoding="utf-8"))["metrics"])


def _registry_bench() -> Any:
    spec = importlib.util.spec_from_file_location(
        "bench_registry_run", ROOT / "bench/registry/run.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _events(
    reg: Any, m: Any, clerk: Any, approver: Any, count: int, seed: int, used: set[int]
) -> int:
    # 転居・氏名変更・転入 (the registry bench's 出生 asks for items it does not generate)
    work = [w for w in reg.prepare_events(m, clerk, count, seed, used) if w[0] != "birth"]
    done, _failed = reg.run_events(m, clerk, approver, work)
    return int(done)


def _measure(args: argparse.Namespace, server: Any) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, connections

    from jichitai.continuity import backup, pgbackrest
    from jichitai.continuity.config import BackupConfig

    reg = _registry_bench()
    with reg.as_owner():
        call_command("migrate", verbosity=0)
    m, clerk, approver = reg.create_tenant(0)
    print(f"backup bench: loading {args.residents:,} residents", flush=True)
    reg.load(m, clerk, approver, args.residents, 0)
    reg.analyze(vacuum=True)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database())")
        db_bytes = int(cur.fetchone()[0])
    (server.base / "passphrase").write_text("bench passphrase\n")
    cfg = BackupConfig(
        engine="postgresql",
        repo_path=str(server.base / "second-site"),
        key_file=str(server.base / "passphrase"),
        stanza="bench",
        pgbackrest_config=str(server.base / "pgbackrest.conf"),
        pg_port=server.port,
        pg_socket=str(server.pgdir),
        log_path=str(server.base / "pgbr-log"),
        lock_path=str(server.base / "pgbr-lock"),
    )
    connections.close_all()
    pgbackrest.setup(cfg, restart=True)
    t = time.perf_counter()
    full = backup.take(cfg, "full")
    full_s = time.perf_counter() - t
    print(f"    full backup: {full_s:.1f} s, {full['size'] / 1e6:,.0f} MB", flush=True)
    used: set[int] = set()
    _events(reg, m, clerk, approver, 200, 1, used)
    t = time.perf_counter()
    diff = backup.take(cfg, "diff")
    diff_s = time.perf_counter() - t
    time.sleep(1)
    noted = dt.datetime.now(dt.UTC)
    time.sleep(1)
    _events(reg, m, clerk, approver, 50, 2, used)
    pgbackrest._run(cfg, [*pgbackrest._base(cfg), "check"], "check")
    repo_bytes = sum(p.stat().st_size for p in Path(cfg.repo_path).rglob("*") if p.is_file())
    into = server.base / "restored"
    t = time.perf_counter()
    started = pgbackrest.restore(cfg, noted, into)
    restore_s = time.perf_counter() - t
    t = time.perf_counter()
    env = {
        "JICHITAI_DB": "postgres",
        "PGHOST": "127.0.0.1",
        "PGPORT": str(started["port"]),
        "PGDATABASE": os.environ.get("PGDATABASE", "jichitai"),
    }
    checked = backup.run_check(env, noted.date())
    check_s = time.perf_counter() - t
    pgbackrest.stop(cfg, into)
    if not checked["ok"]:
        raise SystemExit(f"restored database failed its check: {checked['audit']}")
    print(f"    restore: {restore_s:.1f} s, check {check_s:.1f} s", flush=True)
    metric = reg.metric
    return {
        "name": "continuity_backup",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": reg.machine(),
        "params": {
            "residents": args.residents,
            "database_bytes": db_bytes,
            "full_backup_bytes": int(full["size"]),
            "repository_bytes": repo_bytes,
            "diff_backup_bytes": int(diff["size"]),
            "checked": checked["municipalities"],
        },
        "metrics": {
            "backup_full_seconds": metric(full_s, "s", TARGET_BACKUP_S, "lower"),
            "backup_full_mb_per_second": metric(
                full["size"] / 1e6 / full_s, "MB/s", None, "higher"
            ),
            "backup_diff_seconds": metric(diff_s, "s", None, "lower"),
            "restore_seconds": metric(restore_s, "s", None, "lower"),
            "restore_check_seconds": metric(check_s, "s", None, "lower"),
            "restore_total_seconds": metric(restore_s + check_s, "s", TARGET_RESTORE_S, "lower"),
            "repository_to_database_ratio": metric(repo_bytes / db_bytes, "ratio", None, "lower"),
        },
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=280_000)
    p.add_argument("--workdir", type=Path, default=Path("/tmp/jichitai-bench-backup"))
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT / "src"))
    from pgserver import sigterm_as_interrupt, throwaway_server

    sigterm_as_interrupt()
    with throwaway_server("jichitai-bench-backup-", durable=True) as server:
        os.environ["JICHITAI_DATA_DIR"] = str(server.base / "data")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
        import django

        django.setup()
        result = _measure(args, server)
        from django.db import connections

        connections.close_all()
    out = args.out or args.workdir / "backup_timing.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, m in result["metrics"].items():
        print(f"  {name:<36}{m['value']:>12,.2f} {m['unit']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
