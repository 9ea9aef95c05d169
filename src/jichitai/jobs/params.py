"""A job's parameters: offered again from the last run ([1280]#2), changed in part, and the
changed ones named ([1280]#3). Types follow the job's defaults (int, bool, str)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jichitai.registry.errors import violation

from .contract import BatchJob
from .models import Run


def last_params(job: BatchJob) -> dict[str, Any]:
    """The parameters of the job's last run in this municipality, else its defaults; keys the
    job no longer has are dropped, new ones take their default."""
    last = (
        Run.objects.filter(job_name=job.name)
        .order_by("-enqueued_at", "-pk")
        .values_list("params", flat=True)
        .first()
    )
    base = dict(job.defaults)
    if isinstance(last, dict):
        base.update({k: v for k, v in last.items() if k in base})
    return base


def changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(k for k in after if before.get(k) != after.get(k))


def coerce(job: BatchJob, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Form or CLI values (text) to the types of the job's defaults; a bad value is named."""
    out: dict[str, Any] = {}
    for key, default in job.defaults.items():
        value = raw.get(key, default)
        if isinstance(default, bool):
            out[key] = (
                value
                if isinstance(value, bool)
                else str(value).strip().lower() in {"1", "true", "on", "yes"}
            )
        elif isinstance(default, int):
            text = str(value).strip()
            if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
                raise violation("job_param", f"パラメータ「{key}」は数字で入力してください。", key)
            out[key] = int(text)
        else:
            text = str(value if value is not None else "").strip()
            if len(text) > 200:
                raise violation(
                    "job_param", f"パラメータ「{key}」は200文字以内で入力してください。", key
                )
            out[key] = text
    return out
