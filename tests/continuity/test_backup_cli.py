"""`jichitai continuity backup-setup | backup | restore` on an SQLite installation, end to end in
processes of their own, and the scheduled backup job of the batch catalogue."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
CLI = ["-c", "import sys; from jichitai.cli import main; sys.exit(main(sys.argv[1:]))"]


def _run(data_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "JICHITAI_DB": "sqlite",
        "JICHITAI_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(SRC),
        "JICHITAI_BACKUP_CONFIG": str(data_dir.parent / "backup.json"),
    }
    return subprocess.run(
        [sys.executable, *CLI, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _municipalities(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT code FROM tenancy_municipality ORDER BY code")]


_ADD = """
import sys
from jichitai.cli._django import setup
setup()
from jichitai.tenancy.models import Consortium, Municipality
c, _ = Consortium.objects.get_or_create(code="c", defaults={"name": "テスト協議会"})
Municipality.objects.create(consortium=c, code=sys.argv[1], name="甲村", kana="コウムラ",
                            prefecture="テスト県", population_class="village")
"""


def _add_municipality(data_dir: Path, code: str) -> None:
    env = {
        **os.environ,
        "JICHITAI_DB": "sqlite",
        "JICHITAI_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(SRC),
    }
    done = subprocess.run(
        [sys.executable, "-c", _ADD, code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_setup_backup_and_restore_to_a_time_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "var"
    data.mkdir()
    assert _run(data, "manage", "migrate", "-v0").returncode == 0
    setup = _run(
        data,
        "continuity",
        "backup-setup",
        "--engine",
        "sqlite",
        "--repo-path",
        str(tmp_path / "partner-site"),
        "--key-file",
        str(tmp_path / "backup.key"),
    )
    assert setup.returncode == 0, setup.stderr
    assert "backups configured" in setup.stdout
    assert oct((tmp_path / "backup.key").stat().st_mode & 0o777) == "0o600"
    _add_municipality(data, "999016")
    first = _run(data, "continuity", "backup")
    assert first.returncode == 0 and "backup taken" in first.stdout, first.stderr
    noted = dt.datetime.now(dt.UTC)
    time.sleep(0.05)
    _add_municipality(data, "999024")
    assert _run(data, "continuity", "backup").returncode == 0
    restored = _run(
        data,
        "continuity",
        "restore",
        "--target-time",
        noted.isoformat(),
        "--into",
        str(tmp_path / "restored"),
        "--json",
    )
    assert restored.returncode == 0, restored.stderr
    report = json.loads(restored.stdout)
    assert [m["code"] for m in report["check"]["municipalities"]] == ["999016"]
    assert _municipalities(tmp_path / "restored" / "jichitai.sqlite3") == ["999016"]
    text = _run(
        data,
        "continuity",
        "restore",
        "--target-time",
        dt.datetime.now(dt.UTC).isoformat(),
        "--into",
        str(tmp_path / "restored2"),
    )
    assert text.returncode == 0, text.stderr
    assert "監査ログは改ざんされていません" in text.stdout and "audit log intact" in text.stdout
    assert "999024" in text.stdout
    early = _run(
        data,
        "continuity",
        "restore",
        "--target-time",
        "2020-01-01T00:00:00",
        "--into",
        str(tmp_path / "nothing"),
    )
    assert early.returncode == 2 and "no backup finished at or before" in early.stderr


@pytest.mark.django_db
def test_the_scheduled_backup_job_takes_a_backup(tmp_path: Path) -> None:
    from jichitai.continuity import config, crypto, sqlite_backup
    from jichitai.jobs import catalogue

    data = tmp_path / "var"
    data.mkdir()
    sqlite3.connect(data / sqlite_backup.MAIN).execute("CREATE TABLE t (x)").connection.commit()
    crypto.load_key(tmp_path / "k", create=True)
    cfg = config.BackupConfig(
        engine="sqlite",
        repo_path=str(tmp_path / "repo"),
        key_file=str(tmp_path / "k"),
        data_dir=str(data),
        retention_full=2,
    )
    config.save(cfg, tmp_path / "backup.json")
    job = catalogue.get("continuity.backup")
    assert job.capability == "migration.run"
    for _ in range(3):
        outcome = job.run(
            {"type": "full", "config": str(tmp_path / "backup.json")}, lambda d, t: None
        )
        assert outcome.counts["bytes"] > 0 and "バックアップを取得しました" in outcome.message
    assert len(sqlite_backup.backups(tmp_path / "repo")) == 2  # retention
