"""Benchmark: the resident register with 1,000,000 residents on PostgreSQL (issue 4).

Run from the repository root (``make bench-registry``):

    .venv/bin/python bench/registry/run.py [--residents 1000000] [--seed 0] [--keep-db]

It starts its own throwaway PostgreSQL 15 (``scripts/pg_throwaway.sh`` through ``bench/pgserver.py``:
production durability, i.e. fsync, synchronous_commit and full_page_writes on and verified before
anything is measured; stopped at the end, also on error or Ctrl+C, unless ``--keep-db``), migrates
(as the owner role where there is one), creates a consortium with one 市 (code 47249-2, which the
generator can fill up to 1,048,576 residents), a clerk and an approver, then:

1. loads the residents with ``jichitai.registry.importer.load_bulk`` (timed: register rows/s and
   residents/s) and, for comparison, ``COPY``s the same person rows into a scratch table with no
   index and no RLS (PostgreSQL's own tool, the ceiling);
2. ``VACUUM ANALYZE``;
3. measures p50/p95 (``--samples``, default 200 each, after a warm-up) of name search in kanji
   (random surnames weighted like the population, 20 % written in a variant form such as 髙橋),
   kana search, person detail and ``as_of`` for random persons and dates — each sample one unit of
   work (TenantContext of the clerk + transaction, as a web request), read logs included;
4. processes ``--events`` (default 2,000) mixed events — 転居, 氏名変更, 出生, 転入 of 1-3 persons
   — end to end (仮登録 by the clerk, 決裁 by the approver, projections written), twice:
   - batched (the ``events_per_second`` metric): ``events.submit_events`` in transactions of
     ``--batch`` (default 100) events (一括入力), then ``events.approve_events`` of those events
     (一括決裁), one transaction each;
   - interactive (``events_per_second_interactive``): one transaction per submit and one per
     approval, as two web requests per event;
   each in one process, then again with ``--workers`` processes (default 2) on other subjects.

``--no-server`` uses the current Django database settings instead (no migrate, no VACUUM, one
worker): the test suite calls :func:`main` that way against its test database, on SQLite too.
On a PostgreSQL session without durability (the test suite's server, or ``--nodurable``) every
metric name ends in ``_nodurable``.
Writes ``bench/results/registry.json`` (``--output``) and prints a summary table.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from benchlib import percentile, write_result  # noqa: E402
from pgserver import database_settings, metric_name, sigterm_as_interrupt, throwaway_server  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))  # works without an editable install as well

BENCH_CODE = "472492"  # 47249 + check digit: a 市 code (city part 200-249), capacity 2**20
EVENT_MIX = (("move_within", 0.4), ("name_change", 0.2), ("birth", 0.2), ("move_in", 0.2))
NEWCOMER_CODES: list[str] = []
TARGETS = {"search": 50.0, "detail": 30.0, "events": 300.0}


# ---------------------------------------------------------------------------------------------
# Server and Django


def as_owner() -> contextlib.AbstractContextManager[None]:
    """Migrations and VACUUM need the owner role where the database has one (tenancy.dbroles)."""
    try:
        from jichitai.tenancy.dbroles import as_owner as owner
    except ImportError:  # one role for everything
        return contextlib.nullcontext()
    return owner()


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def create_tenant(seed: int) -> tuple[Any, Any, Any]:
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.tenancy.models import Consortium, Municipality

    consortium, _ = Consortium.objects.get_or_create(code="bench", defaults={"name": "ベンチ協議会"})
    m, _ = Municipality.objects.get_or_create(
        code=BENCH_CODE,
        defaults={"consortium": consortium, "name": "ベンチ市", "kana": "ベンチシ",
                  "prefecture": "沖縄県", "population_class": "city"},
    )
    clerk, _ = Staff.objects.get_or_create(username=f"bench.clerk.{seed}",
                                           defaults={"display_name": "窓口 ベンチ"})
    approver, _ = Staff.objects.get_or_create(username=f"bench.approver.{seed}",
                                              defaults={"display_name": "決裁 ベンチ"})
    for staff, role in ((clerk, "clerk"), (approver, "approver"), (approver, "clerk")):
        RoleGrant.objects.get_or_create(staff=staff, municipality=m, role=role)
    return m, clerk, approver


def ctx_for(m: Any, staff: Any) -> Any:
    from jichitai.tenancy.context import TenantContext

    return TenantContext(municipality_id=m.pk, acting_municipality_id=m.pk, staff_id=staff.pk,
                         purpose="bench")


# ---------------------------------------------------------------------------------------------
# Loading


def load(m: Any, clerk: Any, approver: Any, residents: int, seed: int) -> tuple[Any, float]:
    from jichitai.importer import load_bulk

    last = [time.perf_counter()]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 10 or done == total:
            print(f"    {done:>9,} / {total:,} residents", flush=True)
            last[0] = now

    stats = load_bulk(m, residents, seed, clerk=clerk, approver=approver, progress=progress)
    return stats, stats.seconds


def raw_copy(m: Any, approver: Any) -> tuple[int, float]:
    """COPY the loaded person rows into a scratch table (no index, no RLS): PostgreSQL's ceiling.

    On SQLite (``--no-server`` in the tests) the field's own tool is ``executemany``.
    """
    from django.db import connection, transaction

    from jichitai.registry.models import Person
    from jichitai.tenancy.context import activate

    table = Person._meta.db_table
    with activate(ctx_for(m, approver)), transaction.atomic():
        Person.objects.filter(pk=0).exists()  # first statement: the RLS setting
        if connection.vendor != "postgresql":
            with connection.cursor() as cur:
                cur.execute(f'CREATE TEMP TABLE bench_raw AS SELECT * FROM "{table}" WHERE 0')
                cur.execute(f'SELECT * FROM "{table}"')
                rows = cur.fetchall()
                marks = ", ".join(["%s"] * len(rows[0])) if rows else ""
                start = time.perf_counter()
                if rows:
                    cur.executemany(f"INSERT INTO bench_raw VALUES ({marks})", rows)
                elapsed = time.perf_counter() - start
                cur.execute("DROP TABLE bench_raw")
            return len(rows), elapsed
        raw = connection.connection
        with tempfile.TemporaryFile() as buf, raw.cursor() as cur:
            with cur.copy(f'COPY "{table}" TO STDOUT') as cp:
                for chunk in cp:
                    buf.write(chunk)
            cur.execute(f'CREATE TEMP TABLE bench_raw (LIKE "{table}")')
            buf.seek(0)
            start = time.perf_counter()
            with cur.copy("COPY bench_raw FROM STDIN") as cp:
                while chunk := buf.read(1 << 20):
                    cp.write(chunk)
            elapsed = time.perf_counter() - start
            cur.execute("SELECT count(*) FROM bench_raw")
            rows = cur.fetchone()[0]
            cur.execute("DROP TABLE bench_raw")
        return rows, elapsed


def analyze(vacuum: bool) -> None:
    from django.db import connection

    with as_owner(), connection.cursor() as cur:
        if connection.vendor == "postgresql" and vacuum:
            cur.execute("VACUUM (ANALYZE) registry_person, registry_household")
            cur.execute("ANALYZE registry_eventfact")
            cur.execute("ANALYZE registry_registryevent")
        else:
            cur.execute("ANALYZE")


# ---------------------------------------------------------------------------------------------
# Latency



def timed(m: Any, staff: Any, fn: Callable[[], Any], samples: int, warmup: int) -> list[float]:
    from django.db import transaction

    from jichitai.tenancy.context import activate

    out = []
    for i in range(warmup + samples):
        start = time.perf_counter()
        with activate(ctx_for(m, staff)), transaction.atomic():
            fn()
        if i >= warmup:
            out.append((time.perf_counter() - start) * 1000)
    return out


def surname_picker(rng: random.Random) -> Callable[[], tuple[str, str]]:
    from jichitai.synthetic.names import SURNAME_VARIANTS, SURNAMES

    words = [w for w, _k, _n in SURNAMES]
    kana = [k for _w, k, _n in SURNAMES]
    weights = [n for _w, _k, n in SURNAMES]

    def pick() -> tuple[str, str]:
        i = rng.choices(range(len(words)), weights)[0]
        word = words[i]
        variants = SURNAME_VARIANTS.get(word)
        if variants and rng.random() < 0.2:
            word = rng.choice(variants)[0]
        return word, kana[i]

    return pick


def person_range(m: Any, staff: Any) -> tuple[int, int]:
    from django.db.models import Max, Min

    from jichitai.registry.models import Person
    from jichitai.tenancy.context import activate

    with activate(ctx_for(m, staff)):
        r = Person.objects.aggregate(lo=Min("id"), hi=Max("id"))
    return r["lo"], r["hi"]


def latencies(m: Any, clerk: Any, samples: int, seed: int) -> dict[str, list[float]]:
    from jichitai.registry import selectors
    from jichitai.registry.errors import RegistryError

    rng = random.Random(seed + 1)
    pick = surname_picker(rng)
    lo, hi = person_range(m, clerk)
    warm = max(5, samples // 10)
    hits: list[int] = []

    def kanji() -> None:
        page = selectors.search(selectors.SearchQuery(name=pick()[0]), staff=clerk)
        hits.append(page.total)

    def kana() -> None:
        selectors.search(selectors.SearchQuery(kana=pick()[1]), staff=clerk)

    def detail() -> None:
        for _ in range(10):
            try:
                selectors.person_detail(rng.randint(lo, hi), staff=clerk)
                return
            except RegistryError:  # a gap in the ids
                continue

    def as_of() -> None:
        day = date.fromordinal(rng.randint(date(1990, 1, 1).toordinal(), date(2025, 4, 1).toordinal()))
        selectors.as_of(rng.randint(lo, hi), day)

    out = {
        "search_kanji": timed(m, clerk, kanji, samples, warm),
        "search_kana": timed(m, clerk, kana, samples, warm),
        "detail": timed(m, clerk, detail, samples, warm),
        "as_of": timed(m, clerk, as_of, samples, warm),
    }
    print(f"    kanji search: median {statistics.median(hits) if hits else 0:,.0f} hits per query")
    return out


# ---------------------------------------------------------------------------------------------
# Events


def prepare_events(m: Any, clerk: Any, count: int, seed: int, used: set[int]) -> list[tuple[str, dict[str, Any]]]:
    """``count`` event requests on distinct households (none in ``used``), chosen up front."""
    from jichitai.importer import person_spec
    from jichitai.registry.models import AddressEntry, Household, Person
    from jichitai.synthetic import generate_households
    from jichitai.tenancy.context import activate

    rng = random.Random(seed * 7919 + len(used) + 3)
    pick = surname_picker(rng)
    lo, hi = person_range(m, clerk)
    kinds = rng.choices([k for k, _ in EVENT_MIX], [w for _, w in EVENT_MIX], k=count)
    # newcomers: another synthetic 市 of the same prefecture per call (47248, 47247, …), so their
    # numbers are unused here (identifiers depend on code and seq, not on the seed)
    other = f"47{248 - len(NEWCOMER_CODES):03d}"
    NEWCOMER_CODES.append(other)
    newcomers = iter(generate_households(other, count * 3 + 10, seed))
    reads = "ベンチマーク: 異動の対象選び（画面表示なし）"
    out: list[tuple[str, dict[str, Any]]] = []
    with activate(ctx_for(m, clerk)):
        addresses = list(AddressEntry.objects.values_list("pk", flat=True))
        for kind in kinds:
            if kind == "move_in":
                hh = next(newcomers)
                members = hh.members[: 1 + rng.randrange(3)]
                out.append((kind, {
                    "household": {"new": {"address_id": rng.choice(addresses),
                                          "banchi": f"{rng.randint(1, 30)}番{rng.randint(1, 20)}号"}},
                    "persons": [person_spec(p, f"p{i}") for i, p in enumerate(members, 1)],
                    "previous_address": "東京都千代田区千代田1番1号",
                }))
                continue
            while True:
                pid = rng.randint(lo, hi)
                row = (Person.objects.without_read_log(reads).filter(pk=pid, status="resident")
                       .values_list("household_id", "family_name", "family_name_kana").first())
                if row and row[0] not in used:
                    break
            hid, family, family_kana = row
            used.add(hid)
            if kind == "move_within":
                members = list(Person.objects.filter(household_id=hid, status="resident")
                               .order_by("pk").values_list("pk", flat=True))
                out.append((kind, {"person_ids": members, "address": {
                    "address_id": rng.choice(addresses),
                    "banchi": f"{rng.randint(1, 30)}番{rng.randint(1, 20)}号", "katagaki": ""}}))
            elif kind == "name_change":
                word, kana = pick()
                out.append((kind, {"person_id": pid, "family_name": word, "family_name_kana": kana}))
            else:  # birth
                assert Household.objects.filter(pk=hid, active=True).exists()
                out.append((kind, {"household_id": hid, "person": {
                    "ref": "c", "family_name": family, "given_name": "太郎",
                    "family_name_kana": family_kana, "given_name_kana": "タロウ", "sex": "1",
                    "relationship": "子", "resident_type": "japanese"}}))
    return out


def run_events(m: Any, clerk: Any, approver: Any, work: list[tuple[str, dict[str, Any]]]) -> tuple[int, int]:
    from django.db import transaction

    from jichitai.registry import events, rules
    from jichitai.registry.errors import RegistryError
    from jichitai.tenancy.context import activate

    today = rules.today()
    done = errors = 0
    for kind, req in work:
        try:
            with activate(ctx_for(m, clerk)), transaction.atomic():
                sub = events.submit_event(kind, req, effective_date=today, reported_date=today,
                                            entered_by=clerk, confirm_duplicates=True)
            with activate(ctx_for(m, approver)), transaction.atomic():
                events.approve_event(sub.event.pk, approver=approver)
            done += 1
        except RegistryError as exc:
            errors += 1
            if errors <= 3:
                print(f"    event refused ({kind}): {exc}")
    return done, errors


def run_events_batched(
    m: Any, clerk: Any, approver: Any, work: list[tuple[str, dict[str, Any]]], batch: int
) -> tuple[int, int]:
    """一括入力 + 一括決裁: ``batch`` events per submit transaction, then one approval transaction."""
    from django.db import transaction

    from jichitai.registry import events, rules
    from jichitai.registry.errors import RegistryError
    from jichitai.tenancy.context import activate

    today = rules.today()
    done = errors = 0
    for i in range(0, len(work), batch):
        chunk = work[i:i + batch]
        with activate(ctx_for(m, clerk)), transaction.atomic():
            outcomes = events.submit_events(
                [events.EventInput(kind, req, today, today) for kind, req in chunk],
                entered_by=clerk, confirm_duplicates=True,
            )
        ids = [o.event.pk for o in outcomes if not isinstance(o, RegistryError)]
        refused = [o for o in outcomes if isinstance(o, RegistryError)]
        with activate(ctx_for(m, approver)), transaction.atomic():
            result = events.approve_events(ids, approver=approver)
        refused += list(result.refused.values())
        done += len(result.approved)
        for exc in refused:
            errors += 1
            if errors <= 3:
                print(f"    event refused: {exc}")
    return done, errors


def events_parallel(
    m: Any, clerk: Any, approver: Any, work: list[Any], workers: int, batch: int = 0
) -> tuple[int, int, float]:
    import multiprocessing as mp

    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(workers + 1)
    results = ctx.Queue()

    def child(part: list[Any]) -> None:
        barrier.wait()
        if batch:
            results.put(run_events_batched(m, clerk, approver, part, batch))
        else:
            results.put(run_events(m, clerk, approver, part))
        connections.close_all()

    procs = [ctx.Process(target=child, args=(work[i::workers],)) for i in range(workers)]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    outcome = [results.get() for _ in procs]
    elapsed = time.perf_counter() - start
    for p in procs:
        p.join()
    return sum(o[0] for o in outcome), sum(o[1] for o in outcome), elapsed


# ---------------------------------------------------------------------------------------------
# Report


def metric(value: float, unit: str, target: float | None, better: str) -> dict[str, Any]:
    return {"value": round(value, 3), "unit": unit, "target": target, "better": better}


def machine() -> dict[str, Any]:
    from django.db import connection

    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "database": connection.vendor,
    }
    info.update(database_settings(connection))
    return info


def table(metrics: dict[str, dict[str, Any]]) -> str:
    lines = [f"  {'metric':<44}{'value':>14}  {'unit':<10}{'target':>10}  ok"]
    for name, m in metrics.items():
        target = m["target"]
        ok = ""
        if target is not None:
            ok = "yes" if (m["value"] <= target if m["better"] == "lower" else m["value"] >= target) else "NO"
        lines.append(f"  {name:<44}{m['value']:>14,.2f}  {m['unit']:<10}"
                     f"{'' if target is None else f'{target:,.0f}':>10}  {ok}")
    return "\n".join(lines)


def bench(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    if not args.no_server:
        with as_owner():
            call_command("migrate", verbosity=0)
    durable = database_settings(connection).get("durable", True)  # checked before measuring
    if not (durable or args.no_server or args.nodurable):
        raise SystemExit("registry bench: the server was asked for durability, but this session "
                         "does not have it (SHOW fsync / synchronous_commit / full_page_writes)")
    m, clerk, approver = create_tenant(args.seed)
    print(f"registry bench: {args.residents:,} residents, seed {args.seed}, {connection.vendor}"
          f"{'' if durable else ', WITHOUT durability (metrics named *_nodurable)'}")

    print("  loading (load_bulk) …", flush=True)
    stats, load_s = load(m, clerk, approver, args.residents, args.seed)
    print(f"    {stats.residents:,} residents, {stats.households:,} households, {stats.events:,} "
          f"events, {stats.facts:,} facts in {load_s:.1f} s ({stats.rows_per_second:,.0f} rows/s)")
    copied, copy_s = raw_copy(m, approver)
    print(f"  raw COPY of the person rows: {copied:,} rows in {copy_s:.2f} s")
    t = time.perf_counter()
    analyze(vacuum=not args.no_server)
    print(f"  vacuum/analyze: {time.perf_counter() - t:.1f} s", flush=True)

    print(f"  latency ({args.samples} samples each) …", flush=True)
    lat = latencies(m, clerk, args.samples, args.seed)

    used: set[int] = set()
    workers = 1 if args.no_server else args.workers
    rates: dict[str, float] = {}
    for mode, batch in (("batched", args.batch), ("interactive", 0)):
        label = f"batches of {batch}" if batch else "one submit + one approval transaction each"
        print(f"  events, {mode} ({args.events:,}, {label}) …", flush=True)
        work = prepare_events(m, clerk, args.events, args.seed, used)
        start = time.perf_counter()
        if batch:
            done, errors = run_events_batched(m, clerk, approver, work, batch)
        else:
            done, errors = run_events(m, clerk, approver, work)
        rates[mode] = done / (time.perf_counter() - start)
        print(f"    1 process: {done:,} events ({errors} refused): {rates[mode]:,.1f} events/s")
        if workers > 1:
            work = prepare_events(m, clerk, args.events, args.seed + 1, used)
            pdone, perrors, elapsed = events_parallel(m, clerk, approver, work, workers, batch)
            rates[f"{mode}_{workers}"] = pdone / elapsed
            print(f"    {workers} processes: {pdone:,} events ({perrors} refused): "
                  f"{rates[f'{mode}_{workers}']:,.1f} events/s")

    metrics: dict[str, dict[str, Any]] = {}
    for name, key, target in (("search_kanji", "search_kanji", TARGETS["search"]),
                              ("search_kana", "search_kana", TARGETS["search"]),
                              ("detail", "detail", TARGETS["detail"]), ("as_of", "as_of", None)):
        metrics[f"{name}_p50_ms"] = metric(percentile(lat[key], 0.5), "ms", None, "lower")
        metrics[f"{name}_p95_ms"] = metric(percentile(lat[key], 0.95), "ms", target, "lower")
    metrics["events_per_second"] = metric(rates["batched"], "events/s", TARGETS["events"], "higher")
    metrics["events_per_second_interactive"] = metric(rates["interactive"], "events/s", None, "higher")
    if workers > 1:
        metrics[f"events_per_second_{workers}_workers"] = metric(
            rates[f"batched_{workers}"], "events/s", None, "higher")
        metrics[f"events_per_second_interactive_{workers}_workers"] = metric(
            rates[f"interactive_{workers}"], "events/s", None, "higher")
    metrics["bulk_load_rows_per_second"] = metric(stats.rows_per_second, "rows/s", None, "higher")
    metrics["bulk_load_residents_per_second"] = metric(stats.residents_per_second, "residents/s", None, "higher")
    metrics["bulk_load_seconds"] = metric(load_s, "s", None, "lower")
    metrics["raw_copy_rows_per_second"] = metric(copied / copy_s if copy_s else 0.0, "rows/s", None, "higher")
    metrics = {metric_name(name, durable): value for name, value in metrics.items()}
    return {
        "name": "registry",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "params": {
            "residents": args.residents, "seed": args.seed, "samples": args.samples,
            "events": args.events, "batch": args.batch, "workers": workers, "municipality_code": BENCH_CODE,
            "households": stats.households, "load_events": stats.events, "facts": stats.facts,
            "register_rows": stats.rows, "event_mix": dict(EVENT_MIX),
        },
        "metrics": metrics,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--samples", type=int, default=200, help="timed samples per latency metric")
    parser.add_argument("--events", type=int, default=2000, help="events per events/s run")
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel run")
    parser.add_argument("--batch", type=int, default=100,
                        help="events per 一括入力 / 一括決裁 transaction in the batched run")
    parser.add_argument("--keep-db", action="store_true", help="leave the server running")
    parser.add_argument("--nodurable", action="store_true",
                        help="server with fsync/synchronous_commit/full_page_writes off; "
                             "every metric is then named *_nodurable")
    parser.add_argument("--no-server", action="store_true",
                        help="use the current Django database (tests); no migrate, one worker")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "registry.json"))
    args = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        if not args.no_server:
            sigterm_as_interrupt()
            server = stack.enter_context(throwaway_server(
                "jichitai-bench-registry-", durable=not args.nodurable, keep=args.keep_db))
            os.environ["JICHITAI_DATA_DIR"] = str(server.base / "data")
        django_setup()
        result = bench(args)
        if not args.no_server:
            from django.db import connections

            connections.close_all()
    print(table(result["metrics"]))
    write_result(result, args.output, ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
