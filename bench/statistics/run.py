"""Benchmark: the yearly statistics ([1080] 年報 and 入管 定期報告) of a 280,000-resident 市 (issue 11).

Run from the repository root (``make bench-statistics``):

    .venv/bin/python bench/statistics/run.py [--residents 280000] [--seed 0] [--date 2025-01-01]

It starts its own durable throwaway PostgreSQL 15 (``bench/pgserver.py``, as ``bench/registry``),
migrates, creates the same 市 (47249-2) with a clerk and an approver, loads the residents with
``jichitai.importer.load_bulk`` (the generator spreads their 転入 over the 20 years before
2025-04-01, so the year before ``--date`` has its 記載), ``VACUUM ANALYZE``s, then times:

1. ``jichitai.registry.statistics.report`` for ``--date`` (every table: 人口, 世帯, 年齢, 記載・消除
   by 事由, 修正, 検証, the 入管 tables), ``--runs`` times in the clerk's unit of work; the first run
   is the metric (target: under 30 s), the median of the runs beside it;
2. the CSV and XLSX files of that report;
3. the field's own tool for comparison: ``psql`` running one ``GROUP BY`` over the current-state
   table (no history, no 異動) for the same population counts — the ceiling of a plain count — and
   the benchmark checks that its counts equal the report's.

``--no-server`` uses the current Django database (the test suite, tiny sizes, no psql).
Writes ``bench/results/statistics.json`` (``--output``) and prints a summary table.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics as stats
import subprocess
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
TARGET_SECONDS = 30.0


def registry_bench() -> Any:
    """bench/registry/run.py: the same 市, tenant, loader, VACUUM and machine record."""
    spec = importlib.util.spec_from_file_location(
        "bench_registry_run", ROOT / "bench/registry/run.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed_report(reg: Any, m: Any, clerk: Any, on: date, runs: int) -> tuple[list[float], Any]:
    from django.db import transaction

    from jichitai.registry import statistics
    from jichitai.tenancy.context import activate

    seconds, report = [], None
    for _ in range(runs):
        start = time.perf_counter()
        with activate(reg.ctx_for(m, clerk)), transaction.atomic():
            report = statistics.report(on)
        seconds.append(time.perf_counter() - start)
        print(f"    report: {seconds[-1]:.2f} s", flush=True)
    return seconds, report


def timed_exports(report: Any) -> dict[str, float]:
    from jichitai.registry.statistics import export

    out = {}
    for fmt in ("csv", "xlsx"):
        start = time.perf_counter()
        export.render(report, "ベンチ市（472492）", fmt)
        out[fmt] = time.perf_counter() - start
    return out


PSQL_SQL = """SET jichitai.municipality = '{m}'; SET jichitai.acting = '{m}';
SELECT resident_type, sex, count(*) FROM registry_person
WHERE status = 'resident' AND became_resident_on < '{on}'
  AND (move_out_planned_on IS NULL OR move_out_planned_on >= '{on}')
GROUP BY resident_type, sex ORDER BY 1, 2;"""


def psql_group_by(m: Any, on: date) -> tuple[dict[tuple[str, str], int], float]:
    """The same population counts as one GROUP BY in psql, as the application's role (RLS on).
    Valid here because the generated 市 only ever gains residents: nobody has left by ``on``."""
    sql = PSQL_SQL.format(m=int(m.pk), on=on.isoformat())
    start = time.perf_counter()
    out = subprocess.run(
        ["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    elapsed = time.perf_counter() - start
    counts = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            counts[(parts[0], parts[1])] = int(parts[2])
    return counts, elapsed


def report_counts(report: Any) -> dict[tuple[str, str], int]:
    pop = report.table("population")
    out = {}
    for rtype, label in (("japanese", "日本人"), ("foreign", "外国人")):
        for sex, col in (("1", "男"), ("2", "女")):
            if pop.cell(label, col):
                out[(rtype, sex)] = int(pop.cell(label, col))
    return out


def bench(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    reg = registry_bench()
    if not args.no_server:
        with reg.as_owner():
            call_command("migrate", verbosity=0)
    durable = database_settings(connection).get("durable", True)
    m, clerk, approver = reg.create_tenant(args.seed)
    print(f"statistics bench: {args.residents:,} residents, seed {args.seed}, {connection.vendor}")
    print("  loading (load_bulk) …", flush=True)
    loaded, load_s = reg.load(m, clerk, approver, args.residents, args.seed)
    print(
        f"    {loaded.residents:,} residents, {loaded.households:,} households, {loaded.events:,} events, "
        f"{loaded.facts:,} facts in {load_s:.1f} s",
        flush=True,
    )
    reg.analyze(vacuum=not args.no_server)

    on = date.fromisoformat(args.date)
    print(f"  statistics.report({on}) × {args.runs} …", flush=True)
    load_before = os.getloadavg()[0]  # a shared machine says so: the figures are wall-clock
    seconds, report = timed_report(reg, m, clerk, on, args.runs)
    load_after = os.getloadavg()[0]
    files = timed_exports(report)
    population = report.table("population").cell("総計", "計")
    entries = report.table("entries").cell("計", "総計")
    print(
        f"    人口 {population:,}, 世帯 {report.table('households').cell('総計', '世帯数'):,}, "
        f"記載 {entries:,}, 検証 {'ok' if report.balanced else 'NOT BALANCED'}"
    )
    metrics: dict[str, dict[str, Any]] = {
        "yearly_report_seconds": reg.metric(seconds[0], "s", TARGET_SECONDS, "lower"),
        "yearly_report_median_seconds": reg.metric(stats.median(seconds), "s", None, "lower"),
        "csv_seconds": reg.metric(files["csv"], "s", None, "lower"),
        "xlsx_seconds": reg.metric(files["xlsx"], "s", None, "lower"),
    }
    params: dict[str, Any] = {
        "residents": args.residents,
        "seed": args.seed,
        "reference_date": on.isoformat(),
        "period": [report.start.isoformat(), report.end.isoformat()],
        "runs": args.runs,
        "municipality_code": reg.BENCH_CODE,
        "households": loaded.households,
        "load_events": loaded.events,
        "facts": loaded.facts,
        "population": population,
        "entries_in_period": entries,
        "balanced": report.balanced,
        "load_average_1min": [round(load_before, 2), round(load_after, 2)],
        "load_seconds": round(load_s, 1),
    }
    if connection.vendor == "postgresql" and not args.no_server:
        counts, psql_s = psql_group_by(m, on)
        same = counts == report_counts(report)
        print(
            f"  psql GROUP BY (current-state table): {psql_s:.2f} s, counts {'equal' if same else 'DIFFER'}"
        )
        metrics["psql_group_by_seconds"] = reg.metric(psql_s, "s", None, "lower")
        params["psql_counts_equal"] = same
        params["psql_query"] = PSQL_SQL.splitlines()[1:]
    metrics = {metric_name(name, durable): value for name, value in metrics.items()}
    return {
        "name": "statistics",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": reg.machine(),
        "params": params,
        "metrics": metrics,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=280_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--date", default="2025-01-01", help="基準日 (the 年報's 1月1日)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the report")
    parser.add_argument("--keep-db", action="store_true", help="leave the server running")
    parser.add_argument(
        "--nodurable",
        action="store_true",
        help="server without fsync etc.; every metric is then named *_nodurable",
    )
    parser.add_argument(
        "--no-server",
        action="store_true",
        help="use the current Django database (tests); no migrate, no psql",
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "statistics.json"))
    args = parser.parse_args(argv)

    reg = registry_bench()
    result = run_on_throwaway("jichitai-bench-statistics-", args, reg.django_setup, bench)
    print(reg.table(result["metrics"]))
    write_result(result, args.output, ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
