"""The catalogue of batch jobs: every module under ``jichitai/jobs/entries/`` is loaded, and every
:class:`BatchJob` it defines (module attributes, or a ``JOBS`` sequence) is listed. A new offering
is a new file there; nothing here names them.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from . import entries
from .contract import BatchJob


class UnknownJob(LookupError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"バッチ処理 {name} はありません / no batch job {name}")


def _found_in(module: object) -> list[BatchJob]:
    found: list[BatchJob] = []
    for value in vars(module).values():
        if isinstance(value, BatchJob):
            found.append(value)
        elif (
            isinstance(value, list | tuple)
            and value
            and all(isinstance(v, BatchJob) for v in value)
        ):
            found.extend(value)
    return found


@cache
def jobs() -> dict[str, BatchJob]:
    """Every job by name, in name order (a name offered twice is a programming error)."""
    out: dict[str, BatchJob] = {}
    for info in sorted(pkgutil.iter_modules(entries.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{entries.__name__}.{info.name}")
        for job in _found_in(module):
            if out.get(job.name, job) is not job:
                raise RuntimeError(f"batch job {job.name} is offered twice")
            out[job.name] = job
    return dict(sorted(out.items()))


def get(name: str) -> BatchJob:
    try:
        return jobs()[name]
    except KeyError:
        raise UnknownJob(name) from None
