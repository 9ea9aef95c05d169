"""`jichitai serve`: the production server, gunicorn, as systemd runs it (deploy/systemd).

    jichitai serve [--bind 127.0.0.1:8000] [--workers N] [--threads N] [--timeout S]
                   [--no-collectstatic] [--check]

Settings come from the environment; deploy/jichitai.env lists and explains every variable.
Here JICHITAI_ENV defaults to ``production`` and JICHITAI_SECRET_KEY is required whatever
JICHITAI_ENV says; the demo (``jichitai demo``, Django's runserver) and the tests need neither.

Before gunicorn starts, in this one process: Django is set up once, so a bad setting is one
bilingual message and exit code 2 instead of every worker failing to boot; the static files are
collected for WhiteNoise; unapplied migrations are reported (the server starts all the same and
``/readyz`` answers 503 until ``jichitai manage migrate`` has run as the owner role). Then this
process *becomes* gunicorn (exec), so systemd supervises gunicorn's arbiter directly: its
readiness notification, HUP (reload workers) and TERM (graceful stop) work as documented.

The access log never holds a query string: searches carry residents' names (``?q=``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

PROG = "jichitai serve"
# Path only (%(U)s), never the query string or the referrer; journald adds host and time.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
SECRET_KEY_MISSING = (
    "JICHITAI_SECRET_KEY が設定されていません。jichitai serve は秘密鍵なしでは起動しません"
    "（環境ファイル /etc/jichitai/jichitai.env に設定。デモは jichitai demo）。\n"
    "JICHITAI_SECRET_KEY is not set; jichitai serve does not start without a secret key "
    "(set it in the environment file /etc/jichitai/jichitai.env; for the demo use jichitai demo).\n"
    "生成 / generate: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
)


def default_workers(cores: int | None = None) -> int:
    """gunicorn's rule of thumb for synchronous workers: two per core, plus one."""
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 * max(1, cores or 1) + 1


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"正の整数を指定してください / not a positive integer: {text}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"正の整数を指定してください / not a positive integer: {text}")
    return value


def _parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="本番用サーバ（gunicorn）を起動します / run the production server (gunicorn). "
                    "設定は環境変数から / settings from the environment (deploy/jichitai.env).",
    )
    p.add_argument("--bind", default=env.get("JICHITAI_BIND", "127.0.0.1:8000"),
                   help="待ち受けアドレス / address to listen on (JICHITAI_BIND; 既定 127.0.0.1:8000)")
    p.add_argument("--workers", type=_positive, default=env.get("JICHITAI_WORKERS") or None,
                   help="ワーカー数 / worker processes (JICHITAI_WORKERS; 既定 2×コア数+1 / 2×cores+1)")
    p.add_argument("--threads", type=_positive, default=env.get("JICHITAI_THREADS", "1"),
                   help="ワーカーあたりのスレッド数 / threads per worker (JICHITAI_THREADS; 既定 1)")
    p.add_argument("--timeout", type=_positive, default=env.get("JICHITAI_TIMEOUT", "60"),
                   help="応答のない要求の打切り秒数 / seconds before a silent worker is restarted "
                        "(JICHITAI_TIMEOUT; 既定 60)")
    p.add_argument("--no-collectstatic", action="store_true",
                   help="静的ファイルを収集しない / do not collect static files first")
    p.add_argument("--check", action="store_true",
                   help="設定を検査して表示し、起動しない / check and show the settings, do not start")
    return p


def gunicorn_argv(args: argparse.Namespace, trusted_proxies: list[str]) -> list[str]:
    """The gunicorn command line for these options (the process is replaced by it).
    ``trusted_proxies`` is empty unless JICHITAI_BEHIND_PROXY: then no one's X-Forwarded-Proto
    counts, not even a local client's (gunicorn trusts 127.0.0.1 by default)."""
    workers = args.workers or default_workers()
    argv = [
        sys.executable, "-m", "gunicorn", "jichitai.wsgi:application",
        "--name", "jichitai",
        "--bind", args.bind,
        "--workers", str(workers),
        "--threads", str(args.threads),
        "--timeout", str(args.timeout),
        "--graceful-timeout", "30",
        # a worker is replaced after this many requests: memory stays flat over months. Not more
        # often: a new worker imports Django again (seconds of CPU taken from the others; at
        # 1,000 the load test saw a replacement every ~20 s and its queue behind it)
        "--max-requests", "10000", "--max-requests-jitter", "1000",
        # X-Forwarded-Proto is believed only from these (nginx on the same machine)
        "--forwarded-allow-ips", ",".join(trusted_proxies),
        "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
        "--error-logfile", "-",
        "--no-control-socket",
    ]
    if os.path.isdir("/dev/shm"):
        argv += ["--worker-tmp-dir", "/dev/shm"]  # heartbeats never wait on a slow disk
    return argv


def _say(text: str) -> None:
    print(f"{PROG}: {text}", file=sys.stderr, flush=True)


def _setup_django() -> None:
    """Import the settings once here: a refusal (no key, no hosts, ...) is a message, exit 2."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()


def _database_line() -> str:
    from django.db import connection

    d = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {d['NAME']}"
    return f"{connection.vendor} {d.get('USER', '')}@{d.get('HOST', '')}:{d.get('PORT', '')}/{d['NAME']}"


def _report_migrations() -> None:
    """Unapplied migrations (or no database) are said, not fatal: /readyz keeps the node out."""
    from django.db import connection, connections
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception as exc:  # the database may come up after us: start anyway
        _say(f"警告: データベースに接続できません / warning: database unreachable ({exc.__class__.__name__});"
             " /readyz は 503 を返します / /readyz answers 503")
    else:
        if pending:
            _say(f"警告: 未適用の移行が {pending} 件あります / warning: {pending} migration(s) not applied;"
                 " 所有者ロールで jichitai manage migrate を実行してください / run"
                 " `jichitai manage migrate` as the owner role (docs/operations.md)")
    finally:
        connections.close_all()  # never hand an open connection to the forked workers


def static_up_to_date() -> bool:
    """Whether STATIC_ROOT holds a manifest newer than every static source file. Collecting
    compresses every file again (seconds), so it runs only after an install or upgrade."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.is_file():
        return False
    built = manifest.stat().st_mtime
    for finder in get_finders():
        for path, storage in finder.list([]):
            if os.stat(storage.path(path)).st_mtime > built:
                return False
    return True


def _collectstatic() -> None:
    from django.core.management import call_command

    if static_up_to_date():
        return
    _say("静的ファイルを収集しています / collecting static files")
    call_command("collectstatic", interactive=False, verbosity=0)


def _renderer_ready() -> bool:
    """Certificates need HarfBuzz subsetting and IPAmj明朝 (about 8× slower, or wrong glyphs,
    without them): refuse to start rather than fail at the counter (docs/certificates.md)."""
    from jichitai.certificates.render import RenderError, warm_up

    try:
        warm_up()
    except RenderError as exc:
        _say(f"証明書を印刷できないため起動しません / not starting, certificates cannot be rendered: {exc}")
        return False
    return True


def _check(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=settings.PRODUCTION, fail_level="WARNING")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return 2
    workers = args.workers or default_workers()
    print(f"JICHITAI_ENV={settings.JICHITAI_ENV}\nbind={args.bind}\nworkers={workers}\n"
          f"threads={args.threads}\ntimeout={args.timeout}\ndatabase={_database_line()}\n"
          f"allowed_hosts={','.join(settings.ALLOWED_HOSTS)}\n"
          f"behind_proxy={settings.JICHITAI_BEHIND_PROXY}\nstatic_root={settings.STATIC_ROOT}")
    return 0


def main(argv: list[str]) -> int:
    args = _parser(os.environ).parse_args(argv)
    if not os.environ.get("JICHITAI_SECRET_KEY", "").strip():
        _say(SECRET_KEY_MISSING)
        return 2
    if not os.environ.get("JICHITAI_ENV", "").strip():
        os.environ["JICHITAI_ENV"] = "production"
    from django.core.exceptions import ImproperlyConfigured

    try:
        _setup_django()
    except ImproperlyConfigured as exc:
        _say(str(exc))
        return 2
    if not _renderer_ready():
        return 2
    if args.check:
        return _check(args)
    from django.conf import settings

    if not args.no_collectstatic:
        try:
            _collectstatic()
        except OSError as exc:
            _say(f"静的ファイルを {settings.STATIC_ROOT} に収集できません / cannot collect static files"
                 f" into {settings.STATIC_ROOT}: {exc} (JICHITAI_STATIC_ROOT)")
            return 2
    _say(f"データベース / database: {_database_line()}")
    _report_migrations()
    proxies = settings.JICHITAI_TRUSTED_PROXIES if settings.JICHITAI_BEHIND_PROXY else []
    command = gunicorn_argv(args, proxies)
    _say(f"gunicorn を起動します / starting gunicorn: {args.bind}, JICHITAI_ENV={settings.JICHITAI_ENV},"
         f" {command[command.index('--workers') + 1]} workers")
    sys.stdout.flush()
    os.execv(sys.executable, command)
    return 0  # not reached
