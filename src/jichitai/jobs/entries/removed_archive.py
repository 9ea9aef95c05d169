"""9.3 除票用データベースへの移行 as a batch job ([1300], [50]#7: yearly, off the busy season — the
schedule is the municipality's choice, e.g. 年月日及び時分 each year in 5月)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from jichitai.registry.errors import violation

from ..contract import BatchJob, JobOutcome, Progress


def _run(params: Mapping[str, Any], progress: Progress) -> JobOutcome:
    from jichitai.registry.archive import archive_removed

    years, size = int(params["years"]), int(params["batch_size"])
    if years < 5:  # [1300]: only 除票 past five years leave the register's database
        raise violation("archive_years", "経過年数は5年以上で指定してください。", "years")
    if not 1 <= size <= 10_000:
        raise violation(
            "archive_batch", "1回に移す件数は1から10000までで指定してください。", "batch_size"
        )
    base = str(params.get("base_date") or "").strip()
    try:
        today = dt.date.fromisoformat(base) if base else None
    except ValueError:
        raise violation(
            "archive_base_date", "基準日は 2026-04-01 の形で入力してください。", "base_date"
        ) from None
    counts = archive_removed(today=today, years=years, batch_size=size, progress=progress)
    return JobOutcome(
        counts=counts,
        message=(
            f"除票 {counts['moved']}件を除票用データベースへ移行しました（対象 {counts['due']}件、"
            f"支援措置・抑止等のため移行しなかった除票 {counts['kept']}件）。"
        ),
    )


REMOVED_ARCHIVE = BatchJob(
    name="registry.removed_archive",
    title="除票用データベースへの移行",
    functions=("1300", "50"),
    run=_run,
    defaults={"years": 5, "batch_size": 500, "base_date": ""},
)
