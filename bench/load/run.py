"""Benchmark: the web application under a day at the counter, driven by Locust (issue 9).

Run from the repository root (``make bench-load``; a smoke run:
``make bench-load BENCH_ARGS="--users 50 --run-time 60s --residents 20000"``):

    .venv/bin/python bench/load/run.py [--users 1000] [--approvers 20] [--run-time 10m]
                                       [--residents 280000] [--small-residents 5000] [--think 10 30]

1. It starts a throwaway PostgreSQL 15 with production durability (``bench/pgserver.py``:
   fsync, synchronous_commit and full_page_writes on, read back before anything is measured).
2. It migrates and builds the world (``bench/load/world.py``): a consortium with one 市 of
   ``--residents`` residents and two small municipalities, loaded with ``load_bulk``;
   ``--users`` clerks and ``--approvers`` approvers, each with its own logged-in session.
3. It starts the application on 127.0.0.1 with ``jichitai serve`` (production settings,
   ``JICHITAI_ENV=production``, as behind nginx: ``JICHITAI_BEHIND_PROXY=1``; where that command
   does not exist, ``gunicorn jichitai.wsgi -w 5``) and checks a real login through the screens
   (password + TOTP code). The load generator plays browser and nginx in one: plain HTTP to
   gunicorn with ``X-Forwarded-Proto: https`` and ``X-Forwarded-For``; TLS is not measured.
4. It runs Locust headless (``bench/load/locustfile.py``) for ``--run-time``: every clerk makes
   counter visits (search by kanji or kana, a person, the household, a 転居 or 出生 through the
   form) with 10–30 s of think time before each step, and every approver approves its group's
   entries from 決裁待ち一覧.
5. It writes ``bench/results/load.json``: requests/s, p50/p95/p99 per action (target: p95 under
   1,000 ms), errors (target 0), and the CPU share of the application server, PostgreSQL, the
   load generator and everything else on the machine during the run.

The servers are stopped and the temporary directory removed at the end, also on an error,
Ctrl+C or SIGTERM (``--keep-db`` leaves PostgreSQL running). ``--nodurable`` runs PostgreSQL as
the test suite does (no fsync); every metric is then named ``*_nodurable``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "load"))
from benchlib import percentile, write_result  # noqa: E402
from pgserver import (  # noqa: E402
    database_settings,
    metric_name,
    sigterm_as_interrupt,
    throwaway_server,
)

sys.path.insert(0, str(ROOT / "src"))  # works without an editable install as well

import world  # noqa: E402

ACTIONS = ("search_kanji", "search_kana", "person", "household", "event_form",
           "submit_move_within", "submit_birth", "event_menu", "approvals", "approve")
P95_TARGET_MS = 1000.0
WORKERS = 5  # the gunicorn fallback's worker processes (jichitai serve: its own default)


# ---------------------------------------------------------------------------------------------
# Processes


def parse_duration(text: str) -> float:
    """Locust's ``--run-time`` syntax: ``90``, ``60s``, ``10m``, ``1h30m``."""
    if text.isdigit():
        return float(text)
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text.strip())
    if not parts or not any(parts.groups()):
        raise argparse.ArgumentTypeError(f"not a run time: {text!r} (e.g. 60s, 10m, 1h30m)")
    h, m, s = (int(g or 0) for g in parts.groups())
    return float(h * 3600 + m * 60 + s)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def child(cmd: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A process in its own process group (Ctrl+C reaches only the benchmark, which then stops
    it), stopped at the end: SIGTERM to the group, SIGKILL after 20 s."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def app_command(port: int, workers: int) -> tuple[list[str], str]:
    """``jichitai serve`` where it exists (its own worker count unless ``--workers``); else
    gunicorn with ``--workers`` or five."""
    if (ROOT / "src" / "jichitai" / "cli" / "serve.py").exists():
        from jichitai.cli.serve import default_workers

        cmd = [str(VENV_BIN / "jichitai"), "serve", "--bind", f"127.0.0.1:{port}"]
        cmd += ["--workers", str(workers)] if workers else []
        return cmd, f"jichitai serve ({workers or default_workers()} workers)"
    gunicorn = VENV_BIN / "gunicorn"
    if not gunicorn.exists():
        raise SystemExit("load bench: neither `jichitai serve` nor .venv/bin/gunicorn exists")
    n = workers or WORKERS
    return [str(gunicorn), "jichitai.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(n)], \
        f"gunicorn jichitai.wsgi -w {n} (fallback)"


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 300) -> None:
    """Until the application answers 200 (``jichitai serve`` collects static files first)."""
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the application exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(request, timeout=5) as resp:
                if resp.status == 200:
                    return
        time.sleep(0.5)
    raise SystemExit(f"the application did not answer {url} in {seconds:.0f} s:\n"
                     f"{log.read_text()[-3000:]}")


# ---------------------------------------------------------------------------------------------
# CPU: process trees from /proc (psutil), the load generator from its rusage


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process, its live descendants, and every child they have reaped."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def machine_cpu() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine since boot, over all cores."""
    import psutil

    t = psutil.cpu_times()
    busy = sum(getattr(t, f, 0.0) for f in ("user", "nice", "system", "irq", "softirq", "steal"))
    return busy, busy + t.idle + getattr(t, "iowait", 0.0)  # guest time is inside user already


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# ---------------------------------------------------------------------------------------------
# The run


def watch(proc: subprocess.Popen[bytes], roots: dict[str, int], watcher: Callable[[], str],
          deadline: float, every: float = 10.0) -> list[dict[str, Any]]:
    """Every ``every`` s while Locust runs: CPU seconds of the application and the database in
    that interval and what autovacuum is doing, so a slow minute can be explained."""
    series: list[dict[str, Any]] = []
    start = last_t = time.monotonic()
    last = {name: tree_cpu(pid) for name, pid in roots.items()}
    while time.monotonic() < deadline:
        try:
            proc.wait(timeout=every)
            break
        except subprocess.TimeoutExpired:
            pass
        now, cpu = time.monotonic(), {name: tree_cpu(pid) for name, pid in roots.items()}
        try:
            doing = watcher()
        except (OSError, subprocess.CalledProcessError) as exc:
            doing = f"? {exc}"
        series.append({"t": round(now - start), **{
            f"{name}_cores": round((cpu[name] - last[name]) / (now - last_t), 2) for name in roots},
            "autovacuum": doing})
        last, last_t = cpu, now
    return series


def run_locust(args: argparse.Namespace, url: str, base: Path, roots: dict[str, int],
               watcher: Callable[[], str]) -> dict[str, Any]:
    """Locust headless until ``--run-time`` is over; its samples, and CPU shares meanwhile."""
    total = args.users + args.approvers
    rate = args.spawn_rate or max(1.0, total / 30)
    cmd = [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"),
           "--headless", "--host", url, "--users", str(total), "--spawn-rate", f"{rate:g}",
           "--run-time", args.run_time, "--csv", str(base / "locust"), "--only-summary",
           "--loglevel", "WARNING"]
    env = dict(os.environ, LOAD_WORLD=str(base / "world.json"), LOAD_SAMPLES=str(base / "samples.json"))
    print(f"  locust: {args.users:,} clerks + {args.approvers} approvers, spawn {rate:g}/s, "
          f"think {args.think[0]:g}–{args.think[1]:g} s, {args.run_time} …", flush=True)
    before = {name: tree_cpu(pid) for name, pid in roots.items()}
    busy0, all0 = machine_cpu()
    kids0, start = children_cpu(), time.monotonic()
    with child(cmd, env, base / "locust.log") as proc:
        series = watch(proc, roots, watcher, deadline=start + parse_duration(args.run_time) + 180)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # Locust stops and still writes its samples
            proc.wait(timeout=60)
    wall = time.monotonic() - start
    cpu = {name: tree_cpu(pid) - before[name] for name, pid in roots.items()}
    cpu["load_generator"] = children_cpu() - kids0  # Locust, reaped: its own rusage
    busy1, all1 = machine_cpu()
    cpu["machine_busy"] = busy1 - busy0
    cpu["other"] = max(0.0, cpu["machine_busy"] - sum(cpu[k] for k in (*roots, "load_generator")))
    capacity = (all1 - all0) or wall * (os.cpu_count() or 1)
    samples_file = base / "samples.json"
    if not samples_file.exists():
        raise SystemExit(f"locust wrote no samples (exit {proc.returncode}):\n"
                         f"{(base / 'locust.log').read_text()[-3000:]}")
    data = json.loads(samples_file.read_text(encoding="utf-8"))
    if args.samples:
        shutil.copyfile(samples_file, args.samples)
    data["cpu_seconds"] = {k: round(v, 1) for k, v in cpu.items()}
    data["cpu_share_pct"] = {k: 100.0 * v / capacity for k, v in cpu.items()}
    data["wall_seconds"] = wall
    data["locust_exit"] = proc.returncode
    data["every_10s"] = series
    data["locust_csv"] = locust_csv(base / "locust_stats.csv")
    return data


def locust_csv(path: Path) -> dict[str, dict[str, str]]:
    """Locust's own per-action figures (its rounded percentiles), kept beside ours as a check."""
    if not path.exists():
        return {}
    keep = ("Request Count", "Failure Count", "50%", "95%", "99%", "Requests/s")
    with path.open(encoding="utf-8") as f:
        return {row["Name"]: {k: row.get(k, "") for k in keep} for row in csv.DictReader(f)}



def metric(value: float, unit: str, target: float | None, better: str) -> dict[str, Any]:
    return {"value": round(value, 3), "unit": unit, "target": target, "better": better}


def metrics_of(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    by_action: dict[str, list[float]] = defaultdict(list)
    errors = 0
    for name, ms, ok, _sent in data["samples"]:
        by_action[name].append(ms)
        errors += not ok
    window = data["window"]
    seconds = max(1e-9, window.get("stop", 0) - window.get("start", 0))
    total = len(data["samples"])
    out = {"requests_per_second": metric(total / seconds, "req/s", None, "higher")}
    for action in (*ACTIONS, *sorted(set(by_action) - set(ACTIONS))):
        times = by_action.get(action)
        if not times:
            continue
        out[f"{action}_p50_ms"] = metric(percentile(times, 0.5), "ms", None, "lower")
        out[f"{action}_p95_ms"] = metric(percentile(times, 0.95), "ms", P95_TARGET_MS, "lower")
        out[f"{action}_p99_ms"] = metric(percentile(times, 0.99), "ms", None, "lower")
    out["errors"] = metric(errors, "requests", 0, "lower")
    out["error_rate_pct"] = metric(100.0 * errors / total if total else 0.0, "%", 0, "lower")
    for name, pct in data["cpu_share_pct"].items():
        out[f"cpu_{name}_pct"] = metric(pct, "% of machine", None, "lower")
    return out


def by_minute(samples: list[list[Any]]) -> list[float]:
    """p95 of all actions per minute of the run: a slow start or a stall shows here."""
    minutes: dict[int, list[float]] = defaultdict(list)
    for _name, ms, _ok, sent in samples:
        minutes[int(sent // 60)].append(ms)
    return [round(percentile(minutes[m], 0.95), 1) for m in sorted(minutes)]


def table(metrics: dict[str, dict[str, Any]]) -> str:
    lines = [f"  {'metric':<40}{'value':>12}  {'unit':<14}{'target':>8}  ok"]
    for name, m in metrics.items():
        target, ok = m["target"], ""
        if target is not None:
            ok = "yes" if (m["value"] <= target if m["better"] == "lower" else m["value"] >= target) else "NO"
        lines.append(f"  {name:<40}{m['value']:>12,.1f}  {m['unit']:<14}"
                     f"{'' if target is None else f'{target:,.0f}':>8}  {ok}")
    return "\n".join(lines)


def bench(args: argparse.Namespace, server: Any, stack: contextlib.ExitStack) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection, connections

    db = database_settings(connection)
    if not (db.get("durable") or args.nodurable):
        raise SystemExit(f"load bench: PostgreSQL is not durable for this session: {db}")
    print(f"load bench: {args.residents:,} + 2 × {args.small_residents:,} residents; "
          f"PostgreSQL fsync={db['fsync']} synchronous_commit={db['synchronous_commit']} "
          f"full_page_writes={db['full_page_writes']}", flush=True)
    users, info = world.build(args)
    state = world.world_json(users, info, tuple(args.think))
    state["session_cookie"] = settings.SESSION_COOKIE_NAME
    # behind the proxy the application believes X-Forwarded-Proto: the pages are "https"
    scheme = "https" if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) else "http"
    state["scheme"] = scheme
    (server.base / "world.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    connections.close_all()

    port = free_port()
    cmd, label = app_command(port, args.workers)
    url = f"http://127.0.0.1:{port}"
    log = server.base / "app.log"
    app = stack.enter_context(child(cmd, dict(os.environ), log))
    wait_http(url + "/accounts/login/", app, log)
    probe = world.login_probe(url, *info["probe"], scheme=scheme)
    print(f"  application: {label} on {url}; a real login (password + TOTP) took "
          f"{probe['login_seconds']:.2f} s", flush=True)

    def autovacuum() -> str:
        return server.superuser(
            "SELECT coalesce(string_agg(regexp_replace(query, '^autovacuum: ', ''), ' | '), '') "
            "FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'").strip()

    data = run_locust(args, url, server.base, {"app_server": app.pid,
                                               "database": server.postmaster_pid()}, autovacuum)
    metrics = {metric_name(k, db["durable"]): v for k, v in metrics_of(data).items()}
    requests = Counter(sample[0] for sample in data["samples"])
    return {
        "name": "load",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(db, label),
        "params": {
            "users": args.users, "approvers": args.approvers, "think_seconds": list(args.think),
            "run_time": args.run_time, "measured_seconds": round(
                data["window"].get("stop", 0) - data["window"].get("start", 0), 1),
            "spawn_rate": args.spawn_rate or max(1.0, (args.users + args.approvers) / 30),
            "residents": args.residents, "small_residents": args.small_residents,
            "seed": args.seed, "municipalities": info["municipalities"], "staff": info["staff"],
            "load_seconds": info["load_seconds"], "app_server": label, "login_probe": probe,
            "requests": dict(requests), "outcomes": data["counts"],
            "refusals": dict(Counter(data["refusals"]).most_common(10)),
            "failures": dict(Counter(data["failures"]).most_common(10)),
            "cpu_seconds": data["cpu_seconds"], "locust_exit": data["locust_exit"],
            "locust_csv": data["locust_csv"], "p95_by_minute_ms": by_minute(data["samples"]),
            "every_10s": data["every_10s"],
        },
        "metrics": metrics,
    }


def machine_info(db: dict[str, Any], app: str) -> dict[str, Any]:
    import platform
    from importlib.metadata import version

    return {"platform": platform.platform(), "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(),
            "database": "postgresql", **db, "app_server": app, "locust": version("locust")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000, help="simulated counter clerks")
    parser.add_argument("--approvers", type=int, default=20, help="simulated approvers")
    parser.add_argument("--run-time", default="10m", help="Locust --run-time: 60s, 10m, 1h30m")
    parser.add_argument("--residents", type=int, default=280_000, help="residents of the 市")
    parser.add_argument("--small-residents", type=int, default=5000,
                        help="residents of each of the two small municipalities")
    parser.add_argument("--think", type=float, nargs=2, default=(10.0, 30.0), metavar=("MIN", "MAX"),
                        help="seconds of think time before each step")
    parser.add_argument("--spawn-rate", type=float, default=0.0,
                        help="users started per second (default: all within 30 s)")
    parser.add_argument("--workers", type=int, default=0,
                        help="application worker processes (default: jichitai serve's own)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep-db", action="store_true", help="leave PostgreSQL running")
    parser.add_argument("--nodurable", action="store_true",
                        help="PostgreSQL without fsync etc.; every metric is then named *_nodurable")
    parser.add_argument("--samples", default="", help="also write every request's sample here")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "load.json"))
    args = parser.parse_args(argv)
    parse_duration(args.run_time)

    sigterm_as_interrupt()
    # The application's production settings, as behind nginx on the same machine; this process
    # uses the same ones (session cookie name, the secret the session hashes depend on).
    os.environ.update({"JICHITAI_SECRET_KEY": secrets.token_urlsafe(50), "JICHITAI_ENV": "production",
                       "JICHITAI_ALLOWED_HOSTS": "127.0.0.1", "JICHITAI_BEHIND_PROXY": "1",
                       # as deploy/jichitai.env ships it: workers keep their connections
                       "JICHITAI_DB_CONN_MAX_AGE": os.environ.get("JICHITAI_DB_CONN_MAX_AGE", "60")})
    os.environ.pop("JICHITAI_DEBUG", None)
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(throwaway_server(
            "jichitai-bench-load-", durable=not args.nodurable, keep=args.keep_db))
        os.environ["JICHITAI_DATA_DIR"] = str(server.base / "data")
        os.environ["JICHITAI_STATIC_ROOT"] = str(server.base / "static")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
        import django

        django.setup()
        result = bench(args, server, stack)
    print(table(result["metrics"]))
    write_result(result, args.output, ROOT)
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        print("load bench: interrupted; servers stopped, temporary files removed", file=sys.stderr)
        raise SystemExit(130) from None
