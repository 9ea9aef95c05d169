"""Benchmark: data migration through a 基本データリスト file (issue 13 Done-when).

Run from the repository root (``make bench-migration``):

    .venv/bin/python bench/migration/run.py [--residents 280000] [--layout kihon-1.0-jumin]

It starts its own durable throwaway PostgreSQL 15 (``bench/pgserver.py``), migrates, writes the
source system's file of ``--residents`` synthetic residents with history
(``importer.synthetic_records``: a third of the households moved once, so a history row), then:
1. **raw COPY** of the file into a plain table of text columns (no index, no checks): the
   field's own tool, PostgreSQL's ceiling for the file;
2. **import** of the same file into an empty 町 (``jichitai import``: decoding, validation with
   the register's rules, keys, events with their dates, history, projections, indexes): rows/s
   and residents/s, and its ratio to the raw COPY row rate (target ≥ 0.2);
3. **export** of the register just imported (``jichitai export``: read through the register's
   read layer and replay, encoded and written): rows/s.
Targets: import ≥ 0.2 × raw COPY rows/s; export ≥ 100,000 rows/s. Writes
``bench/results/migration.json`` (``--output``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from benchlib import write_result  # noqa: E402
from pgserver import database_settings, metric_name, run_on_throwaway  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))
TARGET_RATIO, TARGET_EXPORT = 0.2, 100_000.0
TARGET_CODE = "472506"  # 47250 + check digit: the empty 町 the file is imported into
SOURCE_CODE = "472492"  # the generator's 市 (capacity 2**20 residents): the old system's persons


def registry_bench() -> Any:
    spec = importlib.util.spec_from_file_location(
        "bench_registry_run", ROOT / "bench/registry/run.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REG = registry_bench()


def _admin(m: Any, seed: int) -> Any:
    from jichitai.accounts.models import RoleGrant, Staff

    staff, _ = Staff.objects.get_or_create(
        username=f"bench.admin.{m.code}.{seed}", defaults={"display_name": "移行 ベンチ"}
    )
    RoleGrant.objects.get_or_create(staff=staff, municipality=m, role="municipality_admin")
    return staff


def _target(source: Any) -> Any:
    from jichitai.tenancy.models import Municipality

    m, _ = Municipality.objects.get_or_create(
        code=TARGET_CODE,
        defaults={
            "consortium": source.consortium,
            "name": "移行先町",
            "kana": "イコウサキチョウ",
            "prefecture": "沖縄県",
            "population_class": "city",
        },
    )
    return m


def raw_copy(path: Path, columns: int) -> tuple[int, float]:
    """COPY the file into a plain table of text columns: the field's own tool (PostgreSQL), or
    ``executemany`` of the parsed rows on SQLite (``--no-server`` in the tests)."""
    import csv

    from django.db import connection, transaction

    names = ", ".join(f"c{i} text" for i in range(columns))
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE bench_raw_file ({names})")
        if connection.vendor != "postgresql":
            with path.open(encoding="utf-8-sig", newline="") as f:
                rows = list(csv.reader(f))[1:]
            start = time.perf_counter()
            marks = ", ".join(["%s"] * columns)
            cur.executemany(f"INSERT INTO bench_raw_file VALUES ({marks})", rows)
            elapsed = time.perf_counter() - start
        else:
            raw = connection.connection
            with raw.cursor() as pg, path.open("rb") as f:
                start = time.perf_counter()
                with pg.copy("COPY bench_raw_file FROM STDIN WITH (FORMAT csv, HEADER true)") as cp:
                    while chunk := f.read(1 << 20):
                        cp.write(chunk)
                elapsed = time.perf_counter() - start
        cur.execute("SELECT count(*) FROM bench_raw_file")
        rows_copied = cur.fetchone()[0]
        cur.execute("DROP TABLE bench_raw_file")
    return rows_copied, elapsed


def source_file(path: Path, layout: str, residents: int, seed: int) -> tuple[int, float]:
    """The source system's file: ``residents`` synthetic residents with history
    (``importer.synthetic_records``), written in the layout. (rows, seconds to build and write)"""
    from jichitai.importer.layout_records import rows_from_records
    from jichitai.importer.synthetic_records import synthetic_register
    from jichitai.layouts import load_layout, write_rows

    start = time.perf_counter()
    lay = load_layout(layout)
    records = synthetic_register(residents, seed, code=SOURCE_CODE)
    written = write_rows(path, lay, rows_from_records(records, lay, municipality_code=TARGET_CODE))
    return written.rows, time.perf_counter() - start


def bench(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from jichitai.importer.migration_files import export_file, import_files
    from jichitai.layouts import load_layout

    if not args.no_server:
        with REG.as_owner():
            call_command("migrate", verbosity=0)
    durable = database_settings(connection).get("durable", True)
    m, _clerk, _approver = REG.create_tenant(args.seed)
    target = _target(m)
    admin = _admin(target, args.seed)
    print(f"migration bench: {args.residents:,} residents, layout {args.layout}")
    with tempfile.TemporaryDirectory(prefix="jichitai-bench-migration-") as tmp:
        path = Path(tmp) / "jumin.csv"
        rows, made_s = source_file(path, args.layout, args.residents, args.seed)
        print(f"    source file: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, made in "
              f"{made_s:.1f} s", flush=True)
        copied, copy_s = raw_copy(path, len(load_layout(args.layout).items))
        copy_rate = copied / copy_s if copy_s else 0.0
        print(f"    raw COPY: {copied:,} rows in {copy_s:.2f} s: {copy_rate:,.0f} rows/s", flush=True)
        run = import_files([path], layout=args.layout, municipality=target, staff=admin)
        if not run.ok:
            raise SystemExit(f"import failed: {run.by_rule()} {run.problems[:3]}")
        import_rate = run.rows / run.seconds if run.seconds else 0.0
        persons = run.result.persons if run.result else 0
        ratio = import_rate / copy_rate if copy_rate else 0.0
        print(f"    import: {run.rows:,} rows, {persons:,} residents in {run.seconds:.1f} s: "
              f"{import_rate:,.0f} rows/s ({ratio:.3f} × raw COPY)", flush=True)
        REG.analyze(vacuum=not args.no_server)
        out = export_file(Path(tmp) / "out.csv", layout=args.layout, municipality=target, staff=admin)
        export_rate = out.rows / out.seconds if out.seconds else 0.0
        print(f"    export: {out.rows:,} rows ({out.persons:,} persons) in {out.seconds:.1f} s: "
              f"{export_rate:,.0f} rows/s", flush=True)
    metrics = {
        "import_rows_per_second": REG.metric(import_rate, "1/s", None, "higher"),
        "import_residents_per_second": REG.metric(persons / run.seconds if run.seconds else 0.0,
                                                  "1/s", None, "higher"),
        "raw_copy_rows_per_second": REG.metric(copy_rate, "1/s", None, "higher"),
        "import_to_raw_copy_ratio": REG.metric(ratio, "ratio", TARGET_RATIO, "higher"),
        "export_rows_per_second": REG.metric(export_rate, "1/s", TARGET_EXPORT, "higher"),
    }
    return {
        "name": "migration",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": REG.machine(),
        "params": {"residents": args.residents, "layout": args.layout, "seed": args.seed,
                   "rows": run.rows, "persons": persons, "exported_rows": out.rows,
                   "load_average_1min": round(os.getloadavg()[0], 2)},
        "metrics": {metric_name(k, durable): v for k, v in metrics.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=280_000)
    parser.add_argument("--layout", default="kihon-1.0-jumin")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--nodurable", action="store_true")
    parser.add_argument(
        "--no-server", action="store_true", help="use the current Django database (tests)"
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "migration.json"))
    args = parser.parse_args(argv)
    result = run_on_throwaway("jichitai-bench-migration-", args, REG.django_setup, bench)
    print(REG.table(result["metrics"]))
    write_result(result, args.output, ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
