"""Scheduled backups of the installation (docs/operations.md "Backups"): full or differential
through pgBackRest on PostgreSQL, an encrypted online copy on SQLite — with the repository and
keys that ``jichitai continuity backup-setup`` configured. A backup covers every member; the
consortium schedules it under one member (e.g. 毎日 02:00 差分, 毎週日曜日 01:00 完全)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jichitai.registry.errors import violation

from ..contract import BatchJob, JobOutcome, Progress


def _run(params: Mapping[str, Any], progress: Progress) -> JobOutcome:
    from pathlib import Path

    from jichitai.continuity import backup, config

    kind = str(params.get("type") or "full")
    if kind not in {"full", "diff", "incr"}:
        raise violation("backup_type", "種別は full・diff・incr のいずれかです。", "type")
    path = Path(str(params.get("config") or "")) if params.get("config") else config.default_path()
    taken = backup.take(config.load(path), kind)
    progress(1, 1)
    return JobOutcome(
        counts={"bytes": int(taken["size"])},
        message=f"バックアップを取得しました（{taken['label']}、{taken['type']}、{int(taken['size']):,}バイト）。",
    )


BACKUP = BatchJob(
    name="continuity.backup",
    title="バックアップの取得（第二拠点へ）",
    functions=(),  # not a function of the 住民記録 standard: disaster continuity (issue 14)
    run=_run,
    defaults={"type": "diff", "config": ""},
    capability="migration.run",  # the 団体管理者: a whole copy of the data, never under 代行
    writes=False,  # a backup during 縮退運転 is exactly what the office needs
)
