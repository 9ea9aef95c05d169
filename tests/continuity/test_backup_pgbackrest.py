"""PostgreSQL: pgBackRest to a second directory (encrypted repository), WAL archiving, and a
point-in-time restore into a new cluster that holds exactly the events committed up to the time.

The test switches archiving on for the suite's throwaway server (a restart, as backup-setup does)
and off again afterwards, so the rest of the session runs as before.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jichitai.continuity import backup, pgbackrest
from jichitai.continuity.config import BackupConfig
from jichitai.tenancy.context import activate
from tests.registry.conftest import move_in_family

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def _superuser(port: int, dbname: str = "postgres") -> Any:
    import psycopg

    return psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True
    )


@pytest.fixture
def archived() -> Iterator[BackupConfig]:
    """The suite's server with WAL archiving into a fresh encrypted repository."""
    from django.db import connection, connections

    if connection.vendor != "postgresql" or not shutil.which("pgbackrest"):
        pytest.skip("needs the throwaway PostgreSQL server and pgbackrest (scripts/system_deps.sh)")
    port = int(os.environ["PGPORT"])
    with _superuser(port) as su:
        socket_dir = su.execute("SHOW unix_socket_directories").fetchone()[0].split(",")[0]
    base = Path(tempfile.mkdtemp(prefix="jichitai-pgbr-"))
    os.chmod(base, 0o755)
    (base / "passphrase").write_text("test passphrase, not secret\n")
    cfg = BackupConfig(
        engine="postgresql",
        repo_path=str(base / "second-site"),
        key_file=str(base / "passphrase"),
        stanza="jichitai_test",
        pgbackrest_config=str(base / "pgbackrest.conf"),
        pg_port=port,
        pg_socket=socket_dir,
        log_path=str(base / "log"),
        lock_path=str(base / "lock"),
    )
    connections.close_all()
    pgbackrest.setup(cfg, restart=True)
    try:
        yield cfg
    finally:
        connections.close_all()
        with _superuser(port) as su:
            for name in ("archive_mode", "archive_command", "archive_timeout"):
                su.execute(f"ALTER SYSTEM RESET {name}")
        pgbackrest.pg_ctl(cfg, cfg.pg_data, "restart")
        shutil.rmtree(base, ignore_errors=True)


def _move_in(office: Any, family: str) -> None:
    with activate(office.ctx()):
        move_in_family(office, family=family)


def _event_ids(*offices: Any) -> set[int]:
    from jichitai.registry.models import RegistryEvent

    out: set[int] = set()
    for o in offices:
        with activate(o.ctx()):
            out |= set(RegistryEvent.objects.values_list("pk", flat=True))
    return out


def test_point_in_time_restore_holds_exactly_the_events_up_to_the_time(
    archived: BackupConfig, office: Any, office_b: Any
) -> None:
    from django.db import connection

    cfg = archived
    _move_in(office, "髙橋")
    taken = backup.take(cfg, "full")
    assert taken["type"] == "full"
    # pgBackRest keeps a backup's stop time in whole seconds and wants it before the target
    time.sleep(1.1)
    _move_in(office, "佐藤")
    _move_in(office_b, "鈴木")
    time.sleep(0.3)
    noted, before = dt.datetime.now(dt.UTC), _event_ids(office, office_b)
    time.sleep(0.3)
    _move_in(office, "田中")
    _move_in(office_b, "伊藤")
    assert len(_event_ids(office, office_b)) == len(before) + 2
    pgbackrest._run(cfg, [*pgbackrest._base(cfg), "check"], "check")  # WAL after the time archived
    into = Path(cfg.repo_path).parent / "restored"
    database = connection.settings_dict["NAME"]
    done = backup.restore(cfg, noted, into, database=database)
    try:
        with _superuser(done.server["port"], database) as su:
            restored = {r[0] for r in su.execute("SELECT id FROM registry_registryevent")}
            archive_mode = su.execute("SHOW archive_mode").fetchone()[0]
    finally:
        pgbackrest.stop(cfg, into)
    assert restored == before
    assert archive_mode == "off"  # the restored cluster never pushes into the live repository
    assert done.check["ok"], done.check
    by_code = {m["code"]: m for m in done.check["municipalities"]}
    # counted inside each municipality's own context (RLS): A sees A's events only
    assert by_code[office.municipality.code]["events"] == 2
    assert by_code[office_b.municipality.code]["events"] == 1
    assert by_code[office.municipality.code]["residents_on"] == 6


def test_the_configuration_encrypts_the_repository(tmp_path: Path) -> None:
    cfg = BackupConfig(
        engine="postgresql",
        repo_path="/srv/backup",
        key_file="",
        stanza="s",
        pg_data="/var/lib/postgresql/15/main",
    )
    text = pgbackrest.render(cfg, "pass phrase")
    assert "repo1-cipher-type=aes-256-cbc" in text and "repo1-cipher-pass=pass phrase" in text
    assert "repo1-retention-full=2" in text and "[s]" in text
    remote = pgbackrest.render(BackupConfig(**{**cfg.__dict__, "repo_host": "partner"}), "x")
    assert "repo1-host=partner" in remote and "cipher" not in remote  # set on the repository host
    assert "repo1-cipher-type=aes-256-cbc" in pgbackrest.repo_host_config(cfg, "x", "site-a")
