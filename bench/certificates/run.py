"""Benchmark: signed certificates per second, one worker per core (issue 12 Done-when).

Run from the repository root (``make bench-certificates``):

    .venv/bin/python bench/certificates/run.py [--residents 20000] [--per-worker 60] [--workers N]

It starts its own durable throwaway PostgreSQL 15 (``bench/pgserver.py``), migrates, creates the
bench 市 with a clerk, loads the residents (``load_bulk``), makes the consortium CA and the 市's
signing key, then forks one worker per core. Each worker warms the engine up (font, HarfBuzz) and
issues ``--per-worker`` 住民票の写し (本人請求, one copy, different residents) through the whole
path: eligibility through the read layer, 発行番号, WeasyPrint with IPAmj明朝, PAdES signature
(pyHanko), 交付履歴 and print log, ``finalize``. Metrics: certificates/s over all workers (target
≥ 20), p50 and p95 per certificate (target p95 < 400 ms). Beside them, in the same run, the field's
own tools alone on the same data: WeasyPrint + pyHanko with no database (the engine's ceiling).
Writes ``bench/results/certificates.json`` (``--output``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics as stats
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from benchlib import percentile, write_result  # noqa: E402
from pgserver import database_settings, metric_name, run_on_throwaway  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))
TARGET_PER_SECOND, TARGET_P95_MS = 20.0, 400.0


def registry_bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_registry_run", ROOT / "bench/registry/run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REG = registry_bench()


def _request(pid: int) -> Any:
    from jichitai.certificates.issuance import CertificateRequest, Options, Requester, Station

    return CertificateRequest(kind="juminhyo", subject_ids=(pid,), requester=Requester("self", person_id=pid),
                              options=Options(), station=Station(terminal="ベンチ1", printer="P1", place="本庁"))


def _worker(m: Any, clerk: Any, pids: list[int], results: Any, barrier: Any) -> None:
    from django.db import connections

    from jichitai.certificates.issuance import finalize, issue
    from jichitai.certificates.output import renderer_for
    from jichitai.certificates.render import prepare_worker
    from jichitai.tenancy.context import activate

    prepare_worker()  # start-up cost, as a server worker pays it once (wsgi.py)
    renderer = renderer_for(m.code)
    barrier.wait()
    took = []
    for pid in pids:
        start = time.perf_counter()
        with activate(REG.ctx_for(m, clerk)):
            finalize(issue(_request(pid), staff=clerk, renderer=renderer), [pid])
        took.append(time.perf_counter() - start)
    results.put(took)
    connections.close_all()


def parallel(m: Any, clerk: Any, pids: list[int], workers: int) -> tuple[list[float], float]:
    import multiprocessing as mp

    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(workers + 1), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(m, clerk, pids[i::workers], results, barrier)) for i in range(workers)]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    took = [t for _ in procs for t in results.get()]
    elapsed = time.perf_counter() - start
    for p in procs:
        p.join()
    return took, elapsed


def engine_only(m: Any, clerk: Any, pid: int, count: int) -> float:
    """WeasyPrint + pyHanko on one certificate's data, no database: the tools' own ceiling (per s,
    one process)."""
    from jichitai.certificates.issuance import issue
    from jichitai.certificates.issuance.fake import fake_renderer
    from jichitai.certificates.output import renderer_for
    from jichitai.certificates.render import prepare_worker
    from jichitai.tenancy.context import activate

    with activate(REG.ctx_for(m, clerk)):
        data = issue(_request(pid), staff=clerk, renderer=fake_renderer).copies[0].data
    prepare_worker()
    renderer = renderer_for(m.code)
    start = time.perf_counter()
    for _ in range(count):
        renderer(data)
    return count / (time.perf_counter() - start)


def bench(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from jichitai.certificates.authority.demo import provision
    from jichitai.certificates.signing import init_municipality
    from jichitai.registry.models import Person
    from jichitai.tenancy.context import activate

    settings.JICHITAI_CERTIFICATE_SIGNING = True
    if not args.no_server:
        with REG.as_owner():
            call_command("migrate", verbosity=0)
    durable = database_settings(connection).get("durable", True)
    m, clerk, approver = REG.create_tenant(args.seed)
    workers = args.workers or os.cpu_count() or 1
    print(f"certificates bench: {args.residents:,} residents, {workers} workers × {args.per_worker}")
    loaded, load_s = REG.load(m, clerk, approver, args.residents, args.seed)
    print(f"    loaded {loaded.residents:,} residents in {load_s:.1f} s", flush=True)
    REG.analyze(vacuum=not args.no_server)
    init_municipality(Path(settings.DATA_DIR), m.code, m.name, m.consortium.name)
    with activate(REG.ctx_for(m, clerk)):
        provision()  # a 認証者 and 電子公印: without them nothing is issued
        pids = list(Person.objects.for_read(screen="ベンチ").filter(status="resident")
                    .order_by("pk").values_list("pk", flat=True)[: workers * args.per_worker + 1])
    ceiling = engine_only(m, clerk, pids.pop(), max(args.per_worker // 2, 5))
    took, elapsed = parallel(m, clerk, pids, workers)
    per_second = len(took) / elapsed
    ms = sorted(t * 1000 for t in took)
    print(f"    {len(took)} signed certificates in {elapsed:.1f} s: {per_second:.1f}/s, "
          f"p50 {percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms; engine alone {ceiling:.1f}/s")
    metrics = {
        "signed_certificates_per_second": REG.metric(per_second, "1/s", TARGET_PER_SECOND, "higher"),
        "certificate_p50_ms": REG.metric(percentile(ms, 0.5), "ms", None, "lower"),
        "certificate_p95_ms": REG.metric(percentile(ms, 0.95), "ms", TARGET_P95_MS, "lower"),
        "engine_only_per_second_one_process": REG.metric(ceiling, "1/s", None, "higher"),
    }
    return {
        "name": "certificates",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": REG.machine(),
        "params": {"residents": args.residents, "workers": workers, "per_worker": args.per_worker,
                   "certificates": len(took), "seed": args.seed, "kind": "住民票の写し（本人、1通、署名付き）",
                   "mean_ms": round(stats.mean(ms), 1), "load_average_1min": round(os.getloadavg()[0], 2)},
        "metrics": {metric_name(k, durable): v for k, v in metrics.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--per-worker", type=int, default=60, help="certificates each worker issues")
    parser.add_argument("--workers", type=int, default=0, help="0: one per core")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--nodurable", action="store_true")
    parser.add_argument("--no-server", action="store_true", help="use the current Django database (tests)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "certificates.json"))
    args = parser.parse_args(argv)
    result = run_on_throwaway("jichitai-bench-certificates-", args, REG.django_setup, bench)
    print(REG.table(result["metrics"]))
    write_result(result, args.output, ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
