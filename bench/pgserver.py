"""Shared by the benchmarks that write to PostgreSQL: a throwaway server with production durability.

A figure measured on a server that does not flush its writes (``fsync``, ``synchronous_commit`` or
``full_page_writes`` off, as the test suite's throwaway servers run) is not a production figure. So
:func:`throwaway_server` starts ``scripts/pg_throwaway.sh`` with ``PG_DURABLE=1``, sets the three
settings on with ``ALTER SYSTEM`` as the superuser, and then reads them back (``pg_settings``) and
refuses to go on unless all three are ``on``. A benchmark that measures anyway without durability
(``--nodurable``) must give every figure a name ending in ``_nodurable`` (:func:`metric_name`).

It never edits ``scripts/pg_throwaway.sh``, and it stops the server and removes its directory on
the way out, also on an error, Ctrl+C or SIGTERM (:func:`sigterm_as_interrupt`).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "pg_throwaway.sh"
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
DURABILITY = ("fsync", "synchronous_commit", "full_page_writes")
RECORDED = ("server_version", *DURABILITY, "wal_sync_method", "shared_buffers", "work_mem",
            "max_wal_size", "checkpoint_timeout", "max_connections")
NODURABLE = "_nodurable"


@dataclass
class Server:
    """A running throwaway server: its directory, port and the client environment it printed."""

    base: Path  # temporary directory: pg/ (the cluster) and whatever the benchmark puts beside it
    env: dict[str, str]
    durable: bool
    restarted: bool = False  # durability needed a restart (a script that ignores PG_DURABLE)
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def pgdir(self) -> Path:
        return self.base / "pg"

    @property
    def port(self) -> int:
        return int(self.env["PGPORT"])

    def superuser(self, *sql: str) -> str:
        """Run statements as the ``postgres`` superuser (trust on 127.0.0.1); tab-separated rows."""
        cmd = ["psql", "-X", "-q", "-At", "-F", "\t", "-h", "127.0.0.1", "-p", str(self.port),
               "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1"]
        for statement in sql:
            cmd += ["-c", statement]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout

    def postmaster_pid(self) -> int:
        return int((self.pgdir / "data" / "postmaster.pid").read_text().split()[0])


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: the script runs its servers as ``postgres`` then."""
    if os.geteuid() != 0:
        return cmd
    return ["su", "postgres", "-s", "/bin/bash", "-c", shlex.join(cmd)]


def durability_settings(server: Server) -> dict[str, tuple[str, str]]:
    """``{name: (setting, source)}`` of the durability settings, as a new session sees them."""
    out = server.superuser("SELECT name, setting, source FROM pg_settings WHERE name IN "
                           f"({', '.join(repr(n) for n in DURABILITY)})")
    rows = (line.split("\t") for line in out.splitlines() if line.strip())
    return {name: (setting, source) for name, setting, source in rows}


def _wait_durable(server: Server, seconds: float = 10.0) -> dict[str, tuple[str, str]]:
    """``pg_reload_conf()`` only signals the postmaster: wait until a new session sees the values."""
    deadline = time.monotonic() + seconds
    while True:
        now = durability_settings(server)
        stuck = any(src == "command line" for val, src in now.values() if val != "on")
        if all(val == "on" for val, _ in now.values()) or stuck or time.monotonic() > deadline:
            return now
        time.sleep(0.2)


def _restart_without_overrides(server: Server) -> None:
    """Restart with the script's own command line minus its ``-c fsync=off`` style overrides.

    ``-c`` options on the postmaster's command line outrank ``ALTER SYSTEM``, so a reload cannot
    turn them on. Only needed while a script ignores ``PG_DURABLE``; every other option (port,
    socket directory, listen address, connection limit) is kept from ``postmaster.opts``.
    """
    data = server.pgdir / "data"
    argv = shlex.split((data / "postmaster.opts").read_text())[1:]
    keep: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] == "-D":
            i += 2
            continue
        if argv[i] == "-c" and i + 1 < len(argv) and argv[i + 1].split("=")[0] in DURABILITY:
            i += 2
            continue
        keep.append(argv[i])
        i += 1
    cmd = [str(PGBIN / "pg_ctl"), "-D", str(data), "-w", "-t", "120", "-m", "fast",
           "-l", str(server.pgdir / "server.log"), "-o", shlex.join(keep), "restart"]
    subprocess.run(_as_postgres(cmd), check=True, capture_output=True, text=True)
    server.restarted = True


def make_durable(server: Server) -> None:
    """``ALTER SYSTEM`` the three settings on, reload, verify; restart if the command line wins."""
    server.superuser(*(f"ALTER SYSTEM SET {name} = on" for name in DURABILITY),
                     "SELECT pg_reload_conf()")
    now = _wait_durable(server)
    if not all(val == "on" for val, _ in now.values()):
        _restart_without_overrides(server)
        now = _wait_durable(server)
    off = {name: val for name, (val, _src) in now.items() if val != "on"}
    if off:
        raise RuntimeError(f"PostgreSQL durability settings still off after ALTER SYSTEM and a "
                           f"restart: {off}; refusing to measure (see {server.pgdir}/server.log)")


def _parse_exports(text: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for token in shlex.split(text.replace("export ", " ")):
        if "=" in token:
            key, value = token.split("=", 1)
            env[key] = value
    return env


@contextlib.contextmanager
def throwaway_server(prefix: str, *, durable: bool = True, keep: bool = False) -> Iterator[Server]:
    """Start a throwaway PostgreSQL 15 (``scripts/pg_throwaway.sh``), durable unless told not to.

    Its client variables (``PGHOST``, ``PGPORT``, ``PGUSER``, …, ``JICHITAI_DB``) are put into
    ``os.environ`` for Django and for the processes the benchmark starts. Stopped and removed at
    the end, also on error and Ctrl+C; ``keep`` leaves it running and prints how to reach it.
    """
    base = Path(tempfile.mkdtemp(prefix=prefix))
    env = dict(os.environ, PG_DURABLE="1" if durable else "0")
    server = Server(base, {}, durable)
    try:
        out = subprocess.run([str(SCRIPT), "start", str(server.pgdir)], check=True,
                             capture_output=True, text=True, env=env).stdout
        server.env = _parse_exports(out)
        if durable:
            make_durable(server)
        server.settings = {name: val for name, (val, _src) in durability_settings(server).items()}
        os.environ.update(server.env)
        yield server
    finally:
        if keep and server.env:
            exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in server.env.items())
            print(f"  server kept: export {exports}  (stop: {SCRIPT} stop {server.pgdir}; "
                  f"then rm -rf {base})")
        else:
            subprocess.run([str(SCRIPT), "stop", str(server.pgdir)], check=False,
                           capture_output=True)
            subprocess.run(["rm", "-rf", str(base)], check=False)


# ---------------------------------------------------------------------------------------------
# What a result records


def database_settings(connection: Any) -> dict[str, Any]:
    """The server's version and settings that bear on the figures (for ``machine``), and
    ``durable``: whether all of fsync, synchronous_commit and full_page_writes are on for this
    session. Empty for SQLite."""
    if connection.vendor != "postgresql":
        return {}
    info: dict[str, Any] = {}
    with connection.cursor() as cur:
        for name in RECORDED:
            cur.execute(f"SHOW {name}")
            info["postgresql" if name == "server_version" else name] = cur.fetchone()[0]
    info["durable"] = all(info[name] == "on" for name in DURABILITY)
    return info


def is_durable(connection: Any) -> bool:
    """True unless this is a PostgreSQL session that does not flush its writes."""
    info = database_settings(connection)
    return info.get("durable", True)


def metric_name(name: str, durable: bool) -> str:
    """The house rule: a figure measured without durability says so in its name."""
    return name if durable else name + NODURABLE


def sigterm_as_interrupt() -> None:
    """Turn SIGTERM into KeyboardInterrupt, so that ``finally`` blocks stop servers and remove
    temporary directories when the benchmark is killed as well as on Ctrl+C."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


def run_on_throwaway(prefix: str, args: Any, setup: Any, bench: Any) -> dict[str, Any]:
    """``bench(args)`` on a throwaway server (``args.no_server``: the one in the environment),
    durable unless ``args.nodurable``; ``setup()`` sets Django up once the server is there."""
    with contextlib.ExitStack() as stack:
        if not args.no_server:
            sigterm_as_interrupt()
            server = stack.enter_context(throwaway_server(prefix, durable=not args.nodurable, keep=args.keep_db))
            os.environ["JICHITAI_DATA_DIR"] = str(server.base / "data")
        setup()
        result = bench(args)
        if not args.no_server:
            from django.db import connections

            connections.close_all()
    return result
