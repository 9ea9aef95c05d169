"""The 異動 kinds: one planner per kind (or small family), registered in one table.

Each module opens with the functions of the 住民記録システム標準仕様書 it serves and registers its
planner with :func:`register`. A planner turns its typed request into facts on the ``Planner``
and names the households whose head rule must hold afterwards (``p.touched``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..requests import REQUEST_TYPES, Request

PlanFn = Callable[..., None]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    request: type[Request]
    plan: PlanFn
    functions: tuple[str, ...]  # the standard's function ids, e.g. ("590",)
    compensating: bool = False  # 取消・訂正: keep the target's 異動日, replay instead of plan


KINDS: dict[str, KindSpec] = {}


def register(*kinds: str, functions: tuple[str, ...], compensating: bool = False) -> Callable[[PlanFn], PlanFn]:
    def decorate(fn: PlanFn) -> PlanFn:
        for kind in kinds:
            if kind in KINDS:
                raise ValueError(f"異動事由 {kind} is registered twice")
            KINDS[kind] = KindSpec(kind, REQUEST_TYPES[kind], fn, functions, compensating)
        return fn
    return decorate


def _load() -> None:
    from . import (  # noqa: F401 - each module registers its kinds
        alias,
        compensation,
        correction,
        death,
        ex_officio,
        foreign,
        household,
        move_in,
        move_out,
        move_within,
        name_change,
        nationality,
        renumbering,
    )


_load()
assert set(KINDS) == set(REQUEST_TYPES), sorted(set(REQUEST_TYPES) ^ set(KINDS))


def spec(kind: Any) -> KindSpec:
    return KINDS[str(kind)]
