"""印鑑登録の職権抹消 as a batch job (docs/seals.md): registrations whose person left the register.

A departed person's registration is never usable (the read-time rule); this job writes the 職権抹消
down in the seal's own log, daily after the counter closes, so the 印鑑登録 list agrees with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract import BatchJob, JobOutcome, Progress


def _run(params: Mapping[str, Any], progress: Progress) -> JobOutcome:
    from jichitai.seals.lookup import expunge_departed

    done = expunge_departed()
    progress(done, done)
    return JobOutcome(counts={"expunged": done}, message=f"印鑑登録 {done}件を職権抹消しました（転出・死亡等で住民でなくなった方）。")


JOBS = [
    BatchJob(
        name="seals.expunge_departed",
        title="印鑑登録の職権抹消（住民でなくなった方）",
        functions=(),  # not a function of the 住民記録 standard
        run=_run,
        capability="seals.manage",
    )
]
