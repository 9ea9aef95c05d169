"""The register's chapter 9 batch work ([1290], [1310]–[1340]) as catalogue entries.

The work is in ``jichitai.registry.batch`` (one module per function, plain data out); here it is
only wrapped into :class:`BatchJob` / :class:`JobOutcome`. [1350] 経過滞在者一覧 is a must-not and
has no entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jichitai.registry.batch import adult_ward, held_persons, inspection, renumbering, sampling
from jichitai.registry.batch.common import BatchResult

from ..contract import BatchJob, JobOutcome, Progress


def _wrap(
    fn: Callable[[Mapping[str, Any], Progress], BatchResult],
) -> Callable[[Mapping[str, Any], Progress], JobOutcome]:
    def run(params: Mapping[str, Any], progress: Progress) -> JobOutcome:
        done = fn(params, progress)
        return JobOutcome(counts=dict(done.counts), message=done.message, files=dict(done.files))

    run.__doc__ = fn.__doc__
    return run


_FILTERS = dict.fromkeys(inspection.FILTER_PARAMS, "")  # 地区・性別・生年月日・日本人/外国人: any

JOBS: list[BatchJob] = [
    BatchJob("registry.held_persons", "抑止対象者一覧の作成", ("1290",), _wrap(held_persons.run)),
    BatchJob(
        "registry.adult_ward_notices",
        "成年被後見人の転出に関する通知書の作成",
        ("1310",),
        _wrap(adult_ward.run),
        defaults={"since": "", "until": ""},
    ),
    BatchJob(
        "registry.inspection_copy",
        "住民基本台帳の一部の写し（閲覧用）の作成",
        ("1320",),
        _wrap(inspection.run),
        defaults={**_FILTERS, "order": "address"},
    ),
    BatchJob(
        "registry.random_sample",
        "無作為抽出・条件指定抽出（宛名シール）",
        ("1330",),
        _wrap(sampling.run),
        defaults={**_FILTERS, "count": 100},
    ),
    BatchJob(
        "registry.address_renumbering",
        "住所一括変更（住居表示の実施等）",
        ("1340",),
        _wrap(renumbering.run),
        defaults={
            "mode": "extract",
            "towns": "",
            "banchi_prefix": "",
            "csv": "",
            "effective_date": "",
            "round": 1,
        },
    ),
]
