"""Benchmark: 9.3 除票用データベースへの移行 ([1300]) for a 280,000-resident generated 市 (issue 11).

Run from the repository root (``make bench-removed-archive``):

    .venv/bin/python bench/removed_archive/run.py [--removed 280000] [--batch 500] [--seed 0]

It starts its own durable throwaway PostgreSQL 15 (bench/pgserver.py: fsync, synchronous_commit
and full_page_writes on and verified), migrates, loads ``--removed`` generated residents with the
importer (``load_bulk``), then turns every one of them into a 除票 older than 5 years (status 死亡者
or 転出者, 消除日 spread over 2000–2019, households no longer current; not timed): a municipality's
whole 5-year backlog at once, the worst case of the yearly run. Then, timed:

1. ``raw_insert_select``: PostgreSQL copying the same person rows with one ``INSERT … SELECT``
   into an unindexed scratch table (no history, no delete, no RLS): the ceiling;
2. ``removed_archive``: the job's work itself (``registry.archive.archive_removed``), batches of
   ``--batch`` persons, each one transaction: the person's row, its 異動明細 and the 除票's items
   written to ``jyohyo.archived_record``, and deleted from the register's database.

``--no-server`` uses the current Django database instead (the test suite, SQLite too). Writes
``bench/results/removed_archive.json`` (``--output``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from benchlib import write_result  # noqa: E402
from pgserver import database_settings, metric_name, run_on_throwaway  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))
_spec = importlib.util.spec_from_file_location(
    "registry_bench", ROOT / "bench" / "registry" / "run.py"
)
assert _spec and _spec.loader
registry_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(registry_bench)

TODAY = date(2026, 4, 1)  # the run's 基準日: every 消除日 below is more than 5 years before it
TARGET_ROWS_PER_SECOND = 100.0  # 280,000 除票 within a night's window (under 1 hour)


def make_removed(m: Any, approver: Any) -> int:
    """Every loaded resident becomes a 除票 older than 5 years (setup, not measured)."""
    from django.db import connection, transaction

    from jichitai.registry.models import Person
    from jichitai.tenancy.context import activate

    with (
        activate(registry_bench.ctx_for(m, approver)),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        Person.objects.filter(pk=0).exists()  # first statement: the RLS setting
        days = "(id %% 7300)::int" if connection.vendor == "postgresql" else "(id %% 7300)"
        start = (
            "DATE '2000-01-01' + " + days
            if connection.vendor == "postgresql"
            else "date('2000-01-01', '+' || " + days + " || ' days')"
        )
        cur.execute(
            "UPDATE registry_person SET status = CASE WHEN id %% 3 = 0 THEN 'dead' ELSE 'moved_out' END, "
            f"removed_on = {start}, move_out_planned_on = NULL WHERE municipality_id = %s",
            [m.pk],
        )
        n = cur.rowcount
        cur.execute(
            "UPDATE registry_household SET active = %s WHERE municipality_id = %s", [False, m.pk]
        )
    return n


def raw_insert_select(m: Any, approver: Any, cutoff: date) -> tuple[int, float]:
    from django.db import connection, transaction

    from jichitai.registry.models import Person
    from jichitai.tenancy.context import activate

    with (
        activate(registry_bench.ctx_for(m, approver)),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        Person.objects.filter(pk=0).exists()
        cur.execute("CREATE TEMP TABLE bench_raw AS SELECT * FROM registry_person WHERE 1 = 0")
        start = time.perf_counter()
        cur.execute(
            "INSERT INTO bench_raw SELECT * FROM registry_person WHERE municipality_id = %s "
            "AND status IN ('dead', 'moved_out', 'deleted') AND removed_on <= %s",
            [m.pk, cutoff],
        )
        rows = cur.rowcount
        elapsed = time.perf_counter() - start
        cur.execute("DROP TABLE bench_raw")
    return rows, elapsed


def archive(m: Any, approver: Any, batch: int) -> tuple[dict[str, int], float]:
    from jichitai.registry.archive import archive_removed
    from jichitai.tenancy.context import activate

    last = [time.perf_counter()]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 15 or done == total:
            print(f"    {done:>9,} / {total:,} 除票", flush=True)
            last[0] = time.perf_counter()

    with activate(registry_bench.ctx_for(m, approver)):
        start = time.perf_counter()
        counts = archive_removed(today=TODAY, batch_size=batch, progress=progress)
        return counts, time.perf_counter() - start


def bench(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from jichitai.registry.archive import cutoff

    if not args.no_server:
        with registry_bench.as_owner():
            call_command("migrate", verbosity=0)
    durable = database_settings(connection).get("durable", True)
    m, clerk, approver = registry_bench.create_tenant(args.seed)
    print(
        f"removed-archive bench: {args.removed:,} 除票, batches of {args.batch}, {connection.vendor}",
        flush=True,
    )
    stats, load_s = registry_bench.load(m, clerk, approver, args.removed, args.seed)
    print(
        f"  loaded {stats.residents:,} residents, {stats.facts:,} facts in {load_s:.1f} s",
        flush=True,
    )
    removed = make_removed(m, approver)
    registry_bench.analyze(vacuum=not args.no_server)
    raw_rows, raw_s = raw_insert_select(m, approver, cutoff(TODAY))
    print(f"  raw INSERT … SELECT: {raw_rows:,} rows in {raw_s:.2f} s", flush=True)
    counts, move_s = archive(m, approver, args.batch)
    print(f"  moved {counts['moved']:,} of {counts['due']:,} in {move_s:.1f} s", flush=True)

    def metric(value: float, unit: str, target: float | None, better: str) -> dict[str, Any]:
        return {"value": round(value, 2), "unit": unit, "target": target, "better": better}

    metrics = {
        metric_name("removed_archive_rows_per_second", durable): metric(
            counts["moved"] / move_s if move_s else 0.0, "rows/s", TARGET_ROWS_PER_SECOND, "higher"
        ),
        metric_name("removed_archive_seconds", durable): metric(move_s, "s", None, "lower"),
        metric_name("raw_insert_select_rows_per_second", durable): metric(
            raw_rows / raw_s if raw_s else 0.0, "rows/s", None, "higher"
        ),
    }
    return {
        "name": "removed_archive",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "system": platform.platform(),
            "cpus": os.cpu_count(),
            "database": database_settings(connection),
        },
        "params": {
            "removed": args.removed,
            "residents_loaded": stats.residents,
            "made_removed": removed,
            "batch": args.batch,
            "seed": args.seed,
            "base_date": TODAY.isoformat(),
            "moved": counts["moved"],
            "kept": counts["kept"],
            "raw_rows": raw_rows,
            "facts_loaded": stats.facts,
        },
        "metrics": metrics,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--removed", type=int, default=280_000, help="除票 to move (residents generated)"
    )
    parser.add_argument("--batch", type=int, default=500, help="persons per transaction")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--nodurable", action="store_true")
    parser.add_argument(
        "--no-server", action="store_true", help="use the current Django database (tests)"
    )
    parser.add_argument(
        "--output", default=str(ROOT / "bench" / "results" / "removed_archive.json")
    )
    args = parser.parse_args(argv)
    result = run_on_throwaway("jichitai-bench-removed-", args, registry_bench.django_setup, bench)
    print(registry_bench.table(result["metrics"]))
    write_result(result, args.output, ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
