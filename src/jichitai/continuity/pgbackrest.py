"""PostgreSQL backups with pgBackRest: the configuration, WAL archiving, backups and a
point-in-time restore into a new cluster.

pgBackRest (Debian package ``pgbackrest``) does the work; this module writes its configuration
(stanza, the repository at the second site — a path or an SSH host — encrypted with
``repo1-cipher-type=aes-256-cbc``, retention) and runs it as the cluster's system user
(PostgreSQL and pgBackRest refuse to work on a cluster as root).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from .config import BackupConfig, secret

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))


class BackupError(RuntimeError):
    """A pgBackRest or PostgreSQL step failed; the message is bilingual, the output attached."""


def as_user(user: str, cmd: list[str]) -> list[str]:
    """``cmd`` run as ``user`` when we are root (runuser keeps the environment)."""
    if os.geteuid() == 0 and user and user != "root":
        return ["runuser", "-u", user, "--", *cmd]
    return cmd


def _run(cfg: BackupConfig, cmd: list[str], what: str, timeout: int = 3600) -> str:
    # output through a file, not a pipe: a server that pg_ctl starts inherits the descriptors
    # and would hold a pipe open for as long as it runs
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.run(
            as_user(cfg.os_user, cmd),
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise BackupError(
            f"{what}に失敗しました / {what} failed (exit {proc.returncode}):\n"
            f"{stdout[-2000:]}{stderr[-2000:]}"
        )
    return stdout


def pg_ctl(cfg: BackupConfig, data: str, action: str, *extra: str) -> None:
    """pg_ctl as the cluster's user, its server log under ``log_path``."""
    log = Path(cfg.log_path) / f"postgresql-{Path(data).name}.log"
    _run(
        cfg,
        [
            str(PGBIN / "pg_ctl"),
            "-D",
            data,
            "-m",
            "fast",
            "-w",
            "-t",
            "600",
            "-l",
            str(log),
            *extra,
            action,
        ],
        f"pg_ctl {action}",
    )


def _chown(path: Path, user: str) -> None:
    if os.geteuid() == 0 and user != "root":
        shutil.chown(path, user)


def render(cfg: BackupConfig, passphrase: str) -> str:
    """The pgbackrest.conf for this cluster: [global] repository, [stanza] cluster."""
    repo = [f"repo1-path={cfg.repo_path}"]
    if cfg.repo_host:
        repo += [f"repo1-host={cfg.repo_host}", f"repo1-host-user={cfg.repo_host_user}"]
    else:  # with a repository host the cipher is set on that host (repo_host_config)
        repo += ["repo1-cipher-type=aes-256-cbc", f"repo1-cipher-pass={passphrase}"]
    lines = [
        "[global]",
        *repo,
        f"repo1-retention-full={cfg.retention_full}",
        f"repo1-retention-diff={cfg.retention_diff}",
        "start-fast=y",
        "compress-type=lz4",
        "process-max=2",
        f"log-path={cfg.log_path}",
        f"lock-path={cfg.lock_path}",
        "log-level-console=warn",
        "log-level-file=info",
        "archive-async=n",
        "",
        f"[{cfg.stanza}]",
        f"pg1-path={cfg.pg_data}",
        f"pg1-port={cfg.pg_port}",
        f"pg1-socket-path={cfg.pg_socket}",
        f"pg1-user={cfg.pg_user}",
        "",
    ]
    return "\n".join(lines)


def repo_host_config(cfg: BackupConfig, passphrase: str, pg_host: str) -> str:
    """What goes into /etc/pgbackrest/pgbackrest.conf on the repository host (second site)."""
    return "\n".join(
        [
            "[global]",
            f"repo1-path={cfg.repo_path}",
            "repo1-cipher-type=aes-256-cbc",
            f"repo1-cipher-pass={passphrase}",
            f"repo1-retention-full={cfg.retention_full}",
            f"repo1-retention-diff={cfg.retention_diff}",
            "start-fast=y",
            "",
            f"[{cfg.stanza}]",
            f"pg1-host={pg_host}",
            f"pg1-path={cfg.pg_data}",
            f"pg1-port={cfg.pg_port}",
            "",
        ]
    )


def _base(cfg: BackupConfig) -> list[str]:
    return ["pgbackrest", f"--config={cfg.pgbackrest_config}", f"--stanza={cfg.stanza}"]


def archive_command(cfg: BackupConfig) -> str:
    return f"pgbackrest --config={cfg.pgbackrest_config} --stanza={cfg.stanza} archive-push %p"


def _superuser(cfg: BackupConfig, dbname: str = "postgres") -> Any:
    import psycopg

    host = cfg.pg_socket if Path(cfg.pg_socket).is_dir() else "127.0.0.1"
    return psycopg.connect(
        host=host,
        port=cfg.pg_port,
        user=cfg.pg_user,
        dbname=dbname,
        password=os.environ.get("JICHITAI_PG_SUPERUSER_PASSWORD") or None,
        autocommit=True,
        connect_timeout=10,
    )


def setup(cfg: BackupConfig, *, restart: bool) -> list[str]:
    """Write the configuration, switch WAL archiving on, create and check the stanza.

    Returns the steps done (for the CLI). ``restart`` restarts the cluster with ``pg_ctl`` when
    ``archive_mode`` was off (a systemd-managed server: ``systemctl restart postgresql`` instead).
    """
    steps = []
    passphrase = secret(cfg.key_file)
    conf = Path(cfg.pgbackrest_config)
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(render(cfg, passphrase), encoding="utf-8")
    os.chmod(conf, 0o600)
    _chown(conf, cfg.os_user)
    for d in (cfg.log_path, cfg.lock_path, *([] if cfg.repo_host else [cfg.repo_path])):
        Path(d).mkdir(parents=True, exist_ok=True, mode=0o750)
        _chown(Path(d), cfg.os_user)
    steps.append(f"設定 / configuration: {conf}")
    with _superuser(cfg) as conn:
        if not cfg.pg_data:
            cfg.pg_data = conn.execute("SHOW data_directory").fetchone()[0]
            conf.write_text(render(cfg, passphrase), encoding="utf-8")
        was = conn.execute("SHOW archive_mode").fetchone()[0]
        conn.execute("ALTER SYSTEM SET archive_mode = 'on'")
        from psycopg import sql

        conn.execute(
            sql.SQL("ALTER SYSTEM SET archive_command = {}").format(
                sql.Literal(archive_command(cfg))
            )
        )
        conn.execute("ALTER SYSTEM SET archive_timeout = '60s'")  # at most a minute unarchived
        conn.execute("ALTER SYSTEM SET wal_level = 'replica'")
        conn.execute("SELECT pg_reload_conf()")
    steps.append("WAL アーカイブ / WAL archiving: archive_mode=on, archive_timeout=60s")
    if was != "on":
        if not restart:
            raise BackupError(
                "archive_mode を有効にするには再起動が必要です（--restart） / "
                "archive_mode needs a restart of PostgreSQL (--restart)"
            )
        pg_ctl(cfg, cfg.pg_data, "restart")
        steps.append("PostgreSQL を再起動しました / PostgreSQL restarted")
    _run(cfg, [*_base(cfg), "stanza-create"], "stanza-create")
    _run(cfg, [*_base(cfg), "check"], "pgbackrest check")
    steps.append(f"stanza {cfg.stanza}: 作成・検査済み / created and checked")
    return steps


def backup(cfg: BackupConfig, kind: str = "full") -> dict[str, Any]:
    """Take a ``full``/``diff``/``incr`` backup; returns the newest backup's info."""
    if kind not in {"full", "diff", "incr"}:
        raise ValueError(kind)
    _run(cfg, [*_base(cfg), f"--type={kind}", "backup"], "pgBackRest backup")
    return info(cfg)["backup"][-1]


def info(cfg: BackupConfig) -> dict[str, Any]:
    out = _run(cfg, [*_base(cfg), "--output=json", "info"], "pgBackRest info")
    return json.loads(out)[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ensure_conf_files(into: Path) -> None:
    # a Debian cluster keeps postgresql.conf and pg_hba.conf in /etc: the restored data
    # directory then has neither, and PostgreSQL will not start without them
    if not (into / "postgresql.conf").exists():
        (into / "postgresql.conf").write_text("# written by jichitai continuity restore\n")
    if not (into / "pg_hba.conf").exists():
        (into / "pg_hba.conf").write_text(
            "local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n"
        )


def restore(
    cfg: BackupConfig, target: dt.datetime, into: Path, *, port: int | None = None
) -> dict[str, Any]:
    """Restore the cluster as it was at ``target`` into the new empty ``into``, start it on
    ``port`` (archiving off: it must never push WAL into the live repository) and wait until it
    has finished recovery and accepts writes. Returns {port, socket, data, log}."""
    into = Path(into)
    if into.exists() and any(into.iterdir()):
        raise BackupError(f"復元先が空ではありません / the target is not empty: {into}")
    into.mkdir(parents=True, exist_ok=True, mode=0o700)
    _chown(into, cfg.os_user)
    os.chmod(into, 0o700)
    when = target.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00")
    _run(
        cfg,
        [
            *_base(cfg),
            f"--pg1-path={into}",
            "--type=time",
            f"--target={when}",
            "--target-action=promote",
            "--archive-mode=off",
            "restore",
        ],
        "pgBackRest restore",
    )
    _ensure_conf_files(into)
    port = port or _free_port()
    sock = Path(tempfile.mkdtemp(prefix="jichitai-restore-"))
    _chown(sock, cfg.os_user)
    log = into / "restore-server.log"
    opts = (
        f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c archive_mode=off "
        f"-c hot_standby=on {_primary_minimums(cfg, into)}"
    )
    try:
        _run(
            cfg,
            [
                str(PGBIN / "pg_ctl"),
                "-D",
                str(into),
                "-w",
                "-t",
                "600",
                "-l",
                str(log),
                "-o",
                opts,
                "start",
            ],
            "復元したクラスタの起動 / start of the restored cluster",
        )
    except BackupError as exc:
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        raise BackupError(f"{exc}\n{tail}") from None
    started = {"port": port, "socket": str(sock), "data": str(into), "log": str(log)}
    _wait_promoted(cfg, port, log)
    return started


# recovery refuses to run with less than the primary had (pg_control keeps the primary's values)
_CONTROL = {
    "max_connections setting": "max_connections",
    "max_worker_processes setting": "max_worker_processes",
    "max_wal_senders setting": "max_wal_senders",
    "max_prepared_xacts setting": "max_prepared_transactions",
    "max_locks_per_xact setting": "max_locks_per_transaction",
}


def _primary_minimums(cfg: BackupConfig, into: Path) -> str:
    out = _run(cfg, [str(PGBIN / "pg_controldata"), str(into)], "pg_controldata")
    opts = []
    for line in out.splitlines():
        label, _, value = line.partition(":")
        if label.strip() in _CONTROL and value.strip().isdigit():
            opts.append(f"-c {_CONTROL[label.strip()]}={value.strip()}")
    return " ".join(opts)


def _wait_promoted(cfg: BackupConfig, port: int, log: Path, timeout: float = 600) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(
                host="127.0.0.1",
                port=port,
                user=cfg.pg_user,
                dbname="postgres",
                connect_timeout=5,
                password=os.environ.get("JICHITAI_PG_SUPERUSER_PASSWORD") or None,
            ) as conn:
                if not conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                    return
        except psycopg.OperationalError:
            pass
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise BackupError(f"復旧が終わりません / recovery did not finish:\n{tail}")


def stop(cfg: BackupConfig, data: Path) -> None:
    pg_ctl(cfg, str(data), "stop")
