"""Where backups go and how they are keyed: one JSON file written by ``backup-setup`` and read by
``backup``, ``restore`` and the scheduled backup job (``JICHITAI_BACKUP_CONFIG``, default
``$JICHITAI_DATA_DIR/backup.json``). It names files, never holds a secret."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

ENV = "JICHITAI_BACKUP_CONFIG"


@dataclass
class BackupConfig:
    engine: str  # "postgresql" (pgBackRest) or "sqlite"
    repo_path: str  # the repository at the second site (a path, or a path on repo_host)
    repo_host: str = ""  # pgBackRest repository host over SSH (empty: a local/mounted path)
    repo_host_user: str = "pgbackrest"
    key_file: str = ""  # sqlite: AES key file; postgresql: the repository cipher passphrase file
    retention_full: int = 2  # pgBackRest full backups kept (SQLite: backups kept)
    retention_diff: int = 6
    stanza: str = "jichitai"
    pgbackrest_config: str = ""
    pg_data: str = ""
    pg_port: int = 5432
    pg_socket: str = "/var/run/postgresql"
    pg_user: str = "postgres"  # the superuser pgBackRest connects as
    os_user: str = "postgres"  # the system user that owns the cluster (PostgreSQL refuses root)
    log_path: str = "/var/log/pgbackrest"
    lock_path: str = "/tmp/pgbackrest"
    data_dir: str = ""  # sqlite: the folder of jichitai.sqlite3
    extra: dict[str, str] = field(default_factory=dict)


def default_path() -> Path:
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    return Path(os.environ.get("JICHITAI_DATA_DIR", "var")).resolve() / "backup.json"


def save(cfg: BackupConfig, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(cfg), indent=1, ensure_ascii=False), encoding="utf-8")


def load(path: Path) -> BackupConfig:
    if not path.is_file():
        raise FileNotFoundError(
            f"バックアップの設定がありません（先に backup-setup） / no backup configuration "
            f"(run backup-setup first): {path}"
        )
    return BackupConfig(**json.loads(path.read_text(encoding="utf-8")))


def secret(path: str, env: str = "JICHITAI_BACKUP_PASSPHRASE") -> str:
    """The passphrase: the environment variable if set, else the file's first line."""
    if os.environ.get(env):
        return os.environ[env]
    text = Path(path).read_text(encoding="utf-8").strip() if path else ""
    if not text:
        raise ValueError(f"暗号鍵のパスフレーズがありません / no passphrase ({env} or {path})")
    return text.splitlines()[0]
