"""Online backups of the embedded SQLite database through SQLite's backup API, encrypted.

A backup is a folder ``REPO/sqlite/YYYYMMDDTHHMMSS.ffffffZ/`` holding the register
(``jichitai.sqlite3``) and the 除票用データベース (``jichitai-jyohyo.sqlite3``, attached as
``jyohyo``) — copied from one connection, so both are of the same moment — each sealed with
AES-256-GCM (``crypto``), and ``manifest.json`` (times, sizes, sha256 of each plaintext).

SQLite keeps no write-ahead archive, so a point in time here is a backup: a restore to T takes the
latest backup *finished* at or before T. The copy is made in one step under a read lock, so it
holds everything committed before ``started_at`` and nothing committed after ``finished_at``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import crypto

MAIN, ARCHIVE = "jichitai.sqlite3", "jichitai-jyohyo.sqlite3"
SCHEMAS = {"main": MAIN, "jyohyo": ARCHIVE}


@dataclass(frozen=True)
class SqliteBackup:
    path: Path
    started_at: dt.datetime
    finished_at: dt.datetime
    files: dict[str, dict[str, Any]]

    @property
    def size(self) -> int:
        return sum(int(f["size"]) for f in self.files.values())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _open_source(data_dir: Path) -> sqlite3.Connection:
    main = Path(data_dir) / MAIN
    if not main.is_file():
        raise FileNotFoundError(f"データベースがありません / no database: {main}")
    conn = sqlite3.connect(f"file:{main}?mode=ro", uri=True)
    if (Path(data_dir) / ARCHIVE).is_file():
        conn.execute("ATTACH DATABASE ? AS jyohyo", (f"file:{Path(data_dir) / ARCHIVE}?mode=ro",))
    return conn


def _attached(conn: sqlite3.Connection) -> set[str]:
    return {row[1] for row in conn.execute("PRAGMA database_list")}


def take(
    repo: Path,
    key: bytes,
    *,
    data_dir: Path | None = None,
    source: sqlite3.Connection | None = None,
) -> SqliteBackup:
    """Back up ``data_dir``'s database (or the open ``source`` connection) into ``repo``."""
    own = source is None
    conn = _open_source(Path(data_dir or ".")) if own else source
    assert conn is not None
    try:
        schemas = [s for s in SCHEMAS if s in _attached(conn)]
        started = _now()
        with tempfile.TemporaryDirectory(prefix="jichitai-bk-") as tmp:
            plain = {}
            for schema in schemas:
                target = sqlite3.connect(Path(tmp) / SCHEMAS[schema])
                with target:
                    conn.backup(target, name=schema)  # pages=-1: one step, one snapshot
                target.close()
                plain[schema] = Path(tmp) / SCHEMAS[schema]
            finished = _now()
            folder = Path(repo) / "sqlite" / finished.strftime("%Y%m%dT%H%M%S.%fZ")
            folder.mkdir(parents=True)
            files = {}
            for schema, path in plain.items():
                sha = crypto.encrypt_file(path, folder / (path.name + ".enc"), key)
                files[path.name] = {"schema": schema, "sha256": sha, "size": path.stat().st_size}
    finally:
        if own:
            conn.close()
    manifest = {
        "format": "jichitai-sqlite-backup/1",
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "files": files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return SqliteBackup(folder, started, finished, files)


def backups(repo: Path) -> list[SqliteBackup]:
    """Every complete backup in ``repo``, oldest first."""
    out = []
    for manifest in sorted((Path(repo) / "sqlite").glob("*/manifest.json")):
        m = json.loads(manifest.read_text(encoding="utf-8"))
        out.append(
            SqliteBackup(
                manifest.parent,
                dt.datetime.fromisoformat(m["started_at"]),
                dt.datetime.fromisoformat(m["finished_at"]),
                m["files"],
            )
        )
    return sorted(out, key=lambda b: b.finished_at)


def choose(repo: Path, target: dt.datetime) -> SqliteBackup | None:
    """The latest backup finished at or before ``target``."""
    found = [b for b in backups(repo) if b.finished_at <= target]
    return found[-1] if found else None


def restore(backup: SqliteBackup, into: Path, key: bytes) -> None:
    """Decrypt ``backup`` into the empty folder ``into``, each file checked against its sha256."""
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    if any((into / name).exists() for name in SCHEMAS.values()):
        raise FileExistsError(
            f"復元先にデータベースがあります / the target holds a database: {into}"
        )
    for name, meta in backup.files.items():
        sha = crypto.decrypt_file(backup.path / (name + ".enc"), into / name, key)
        if sha != meta["sha256"]:
            (into / name).unlink()
            raise crypto.CryptoError(f"ハッシュが一致しません / sha256 mismatch: {name}")
    if not (into / ARCHIVE).exists():  # an old backup without the archive: an empty one
        sqlite3.connect(into / ARCHIVE).close()


def prune(repo: Path, keep: int) -> list[Path]:
    """Retention: remove all but the ``keep`` newest backups; returns what was removed."""
    import shutil

    old = backups(repo)[:-keep] if keep > 0 else []
    for b in old:
        shutil.rmtree(b.path)
    return [b.path for b in old]
