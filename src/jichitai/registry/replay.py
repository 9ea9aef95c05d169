"""Folding facts into state: the one definition of "what the record says".

Facts are applied in canonical order (異動日, 本登録順, fact id): a late-reported event with an
earlier 異動日 takes its place in time. An entity whose ``status`` is None does not exist at that
point. Pure: no database access here, so projections, ``as_of`` and tests share one rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Fact:
    entity: str  # "person" | "household"
    entity_id: int
    field: str
    after: Any
    effective_date: str  # ISO date
    approval_seq: int
    order: int = 0  # position inside the event


def canonical_order(fact: Fact) -> tuple[str, int, int]:
    return (fact.effective_date, fact.approval_seq, fact.order)


State = dict[tuple[str, int], dict[str, Any]]


def fold(facts: Iterable[Fact]) -> State:
    state: State = {}
    for f in sorted(facts, key=canonical_order):
        state.setdefault((f.entity, f.entity_id), {})[f.field] = f.after
    for (entity, _), row in state.items():
        if entity == "person":
            _item_defaults(row)
    return state


def fold_entity(facts: Iterable[Fact]) -> dict[str, Any] | None:
    row: dict[str, Any] = {}
    person = False
    for f in sorted(facts, key=canonical_order):
        row[f.field] = f.after
        person = f.entity == "person"
    if row and person:
        _item_defaults(row)
    return row or None


def item_defaults(row: dict[str, Any]) -> None:
    """A person's chapter 1 items a creation states only when given (conventions.ITEM_FIELDS)."""
    from .conventions import ITEM_DEFAULTS

    for name, value in ITEM_DEFAULTS.items():
        row.setdefault(name, value)


_item_defaults = item_defaults
