"""SQLite (the embedded default): encrypted online backups through the backup API, restored to a
point in time (the latest backup finished at or before it) and checked in a process of its own."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from jichitai.continuity import backup, crypto, sqlite_backup
from jichitai.continuity.config import BackupConfig
from jichitai.tenancy.context import activate
from tests.registry.conftest import move_in_family

pytestmark = [pytest.mark.django_db(transaction=True)]


def _sqlite_only() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite backups: the PostgreSQL variant is test_backup_pgbackrest.py")


def _raw() -> Any:
    from django.db import connection

    connection.ensure_connection()
    return connection.connection


def _event_ids(db: Path) -> set[int]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT id FROM registry_registryevent")}


def _committed_ids(*offices: Any) -> set[int]:
    from jichitai.registry.models import RegistryEvent

    out: set[int] = set()
    for o in offices:
        with activate(o.ctx()):
            out |= set(RegistryEvent.objects.values_list("pk", flat=True))
    return out


def _move_in(office: Any, family: str) -> None:
    with activate(office.ctx()):
        move_in_family(office, family=family)


def test_restore_to_a_time_gives_exactly_the_events_up_to_it(
    office: Any, office_b: Any, tmp_path: Path
) -> None:
    _sqlite_only()
    repo, key_file = tmp_path / "second-site", tmp_path / "backup.key"
    key = crypto.load_key(key_file, create=True)
    _move_in(office, "髙橋")
    sqlite_backup.take(repo, key, source=_raw())
    _move_in(office, "佐藤")
    _move_in(office_b, "鈴木")
    sqlite_backup.take(repo, key, source=_raw())
    noted, before = dt.datetime.now(dt.UTC), _committed_ids(office, office_b)
    time.sleep(0.05)
    _move_in(office, "田中")
    sqlite_backup.take(repo, key, source=_raw())
    assert _committed_ids(office, office_b) > before
    cfg = BackupConfig(engine="sqlite", repo_path=str(repo), key_file=str(key_file))
    done = backup.restore(cfg, noted, tmp_path / "restored")
    assert _event_ids(tmp_path / "restored" / sqlite_backup.MAIN) == before
    assert done.check["ok"], done.check
    by_code = {m["code"]: m for m in done.check["municipalities"]}
    # each municipality counted inside its own context: A's events are A's only
    assert by_code[office.municipality.code]["events"] == 2
    assert by_code[office_b.municipality.code]["events"] == 1


def test_a_backup_with_a_wrong_key_or_a_flipped_byte_restores_nothing(
    office: Any, tmp_path: Path
) -> None:
    _sqlite_only()
    key = crypto.load_key(tmp_path / "k", create=True)
    taken = sqlite_backup.take(tmp_path / "repo", key, source=_raw())
    with pytest.raises(crypto.CryptoError):
        sqlite_backup.restore(
            taken, tmp_path / "wrong", crypto.load_key(tmp_path / "k2", create=True)
        )
    assert not (tmp_path / "wrong" / sqlite_backup.MAIN).exists()
    enc = taken.path / (sqlite_backup.MAIN + ".enc")
    data = bytearray(enc.read_bytes())
    data[len(data) // 2] ^= 1
    enc.write_bytes(bytes(data))
    with pytest.raises(crypto.CryptoError):
        sqlite_backup.restore(taken, tmp_path / "flipped", key)
    assert not (tmp_path / "flipped" / sqlite_backup.MAIN).exists()


def test_no_backup_before_the_time_is_a_clear_refusal(tmp_path: Path) -> None:
    key_file = tmp_path / "k"
    crypto.load_key(key_file, create=True)
    cfg = BackupConfig(engine="sqlite", repo_path=str(tmp_path / "repo"), key_file=str(key_file))
    with pytest.raises(FileNotFoundError, match="no backup finished"):
        backup.restore(cfg, dt.datetime(2020, 1, 1, tzinfo=dt.UTC), tmp_path / "r")
