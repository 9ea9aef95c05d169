"""Shared by the benchmarks: write a result file atomically in the project's result shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_result(result: dict[str, Any], output: str, root: Path) -> None:
    """Write ``result`` to ``output`` (``-`` = don't), via a temporary file so a crash never
    leaves half a JSON document behind."""
    if output == "-":
        return
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out)
    print(f"  wrote {out.relative_to(root) if out.is_relative_to(root) else out}")


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation between the closest ranks; 0 when empty."""
    s = sorted(values)
    if not s:
        return 0.0
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)
