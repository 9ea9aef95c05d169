"""EUC の大量抽出 ([1360]#4, #5) as a batch job: the worker runs an extraction the screen handed over
(``registry.euc.batch``), so a large one never slows online work."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract import BatchJob, JobOutcome, Progress


def _run(params: Mapping[str, Any], progress: Progress) -> JobOutcome:
    from jichitai.registry.euc.batch import execute

    counts = execute(int(params["batch_id"]), progress)
    return JobOutcome(counts=counts, message=f"EUC の抽出 {counts['rows']}件を出力しました。")


EUC = BatchJob(
    name="registry.euc",
    title="EUC の大量抽出",
    functions=("1360",),
    run=_run,
    defaults={"batch_id": 0},
    capability="registry.euc",
    writes=False,
)
