"""What a batch job is, for the runner and for the modules that offer jobs.

A job's ``run`` is a plain function of the domain package that owns the work (e.g.
``jichitai.registry.batch``); it runs inside the municipality's TenantContext, set by the runner,
works in batches (never one long transaction that slows the counter) and returns counts. The
catalogue lists the jobs; each offering module adds its entries in its own file under
``jichitai/jobs/entries/``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Progress = Callable[[int, int], None]  # (done, total): the runner records it for the screen


@dataclass
class JobOutcome:
    counts: dict[str, int] = field(default_factory=dict)  # 件数 by what, e.g. {"moved": 120}
    message: str = ""  # Japanese, one line, for the run list
    files: dict[str, bytes] = field(default_factory=dict)  # outputs (CSV, labels …) by file name


@dataclass(frozen=True)
class BatchJob:
    name: str  # stable id, e.g. "registry.removed_archive"
    title: str  # 処理名 (Japanese) on the screen
    functions: tuple[str, ...]  # the standard's function ids, e.g. ("1300",)
    run: Callable[[Mapping[str, Any], Progress], JobOutcome]
    defaults: Mapping[str, Any] = field(default_factory=dict)  # parameters offered the first time
    capability: str = "registry.batch"  # who may schedule or start it
    # whether it changes the register: a writing job is not run while the municipality is in
    # 縮退運転 (tenancy.degraded, issue 14); a backup or an extract only reads and still runs
    writes: bool = True
