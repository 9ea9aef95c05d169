"""Backups of the whole installation, for either engine: PostgreSQL through pgBackRest
(``pgbackrest``), the embedded SQLite through its backup API (``sqlite_backup``); and the restore
to a point in time, checked in a process of its own against the restored database (``check``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import crypto, pgbackrest, sqlite_backup
from .config import BackupConfig

TOKYO = ZoneInfo("Asia/Tokyo")


def parse_time(text: str) -> dt.datetime:
    """An ISO 8601 time; without an offset it is Japan time (documented)."""
    value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=TOKYO)


def take(cfg: BackupConfig, kind: str = "full") -> dict[str, Any]:
    """One backup now; returns what was taken (label/folder, times, size)."""
    if cfg.engine == "postgresql":
        b = pgbackrest.backup(cfg, kind)
        return {
            "engine": "postgresql",
            "label": b["label"],
            "type": b["type"],
            "size": b["info"]["size"],
            "repo_size": b["info"]["repository"]["delta"],
            "started_at": b["timestamp"]["start"],
            "finished_at": b["timestamp"]["stop"],
        }
    key = crypto.load_key(Path(cfg.key_file))
    b = sqlite_backup.take(Path(cfg.repo_path), key, data_dir=Path(cfg.data_dir))
    removed = sqlite_backup.prune(Path(cfg.repo_path), cfg.retention_full)
    return {
        "engine": "sqlite",
        "label": b.path.name,
        "type": "full",
        "size": b.size,
        "started_at": b.started_at.isoformat(),
        "finished_at": b.finished_at.isoformat(),
        "pruned": len(removed),
    }


@dataclass
class Restored:
    target: dt.datetime
    engine: str
    into: Path
    source: str  # the backup restored (SQLite) or the stanza (PostgreSQL)
    server: dict[str, Any] = field(default_factory=dict)  # port, socket, data, log (PostgreSQL)
    check: dict[str, Any] = field(default_factory=dict)


def restore(
    cfg: BackupConfig,
    target: dt.datetime,
    into: Path,
    *,
    database: str = "",
    port: int | None = None,
) -> Restored:
    """Restore to ``target`` into ``into`` and check it; PostgreSQL is left running."""
    if cfg.engine == "postgresql":
        server = pgbackrest.restore(cfg, target, into, port=port)
        done = Restored(target, "postgresql", into, cfg.stanza, server)
        env = {
            "JICHITAI_DB": "postgres",
            "PGHOST": "127.0.0.1",
            "PGPORT": str(server["port"]),
            "PGDATABASE": database or os.environ.get("PGDATABASE", "jichitai"),
        }
    else:
        chosen = sqlite_backup.choose(Path(cfg.repo_path), target)
        if chosen is None:
            raise FileNotFoundError(
                f"{target.isoformat()} 以前のバックアップがありません / "
                f"no backup finished at or before {target.isoformat()}"
            )
        sqlite_backup.restore(chosen, into, crypto.load_key(Path(cfg.key_file)))
        done = Restored(target, "sqlite", into, chosen.path.name)
        env = {"JICHITAI_DB": "sqlite", "JICHITAI_DATA_DIR": str(into)}
    done.check = run_check(env, target.astimezone(TOKYO).date())
    return done


def run_check(env: dict[str, str], on: dt.date) -> dict[str, Any]:
    """``check.check`` in a fresh process whose settings point at the restored database."""
    import jichitai

    # the same code as this process, wherever it was imported from
    here = str(Path(jichitai.__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)
    proc = subprocess.run(
        [sys.executable, "-m", "jichitai.cli.continuity_check", "--on", on.isoformat()],
        env={
            **os.environ,
            **env,
            "DJANGO_SETTINGS_MODULE": "jichitai.settings",
            "PYTHONPATH": path,
        },
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if proc.returncode not in (0, 1) or not proc.stdout.strip().startswith("{"):
        raise pgbackrest.BackupError(
            f"復元したデータベースを検査できません / cannot check the restored database:\n"
            f"{proc.stderr[-3000:]}"
        )
    return json.loads(proc.stdout)
