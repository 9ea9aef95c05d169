"""Typed request of the 取消 ([980], [990]): the target, 一部 of its persons, and ([980]#2) the
state before of its persons now in the 除票用データベース, entered by hand.

Kept apart from ``requests`` (which imports it into ``REQUEST_TYPES``) so that module stays small.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from ..models import EventKind, Person
from .requests import MAX_IDS, MAX_PERSONS, HouseholdChoice, Id, NewPerson, OptDate, Request, _n


class RestoredPerson(NewPerson):
    """[980]#2: a person of the 異動 now in the 除票用データベース, as he was before it (by hand)."""

    archived_person_id: Id
    became_resident_on: OptDate = None
    address_set_on: OptDate = None
    previous_address: _n(Person, "previous_address") = ""  # type: ignore[valid-type]


class Cancellation(Request):
    """取消: every change of an approved event undone by a new event; ``person_ids``: only those of
    its persons ([980]#1 一部; empty: all). ``restored``: events/restore_archived.py ([980]#2)."""

    kinds = (EventKind.CANCELLATION.value,)
    target_event_id: Id
    person_ids: Annotated[list[Id], Field(max_length=MAX_IDS)] = []
    restored: Annotated[list[RestoredPerson], Field(max_length=MAX_PERSONS)] = []
    restore_household: HouseholdChoice | None = None
    head_ref: Annotated[str, StringConstraints(max_length=20)] | None = None

    def named_ids(self) -> tuple[set[int], set[int]]:
        back, households = super().named_ids()
        home = self.restore_household.existing_id if self.restore_household else None
        return back, households | ({home} if home else set())
