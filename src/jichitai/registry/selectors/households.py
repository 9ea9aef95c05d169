"""A household with its members, now (projection) or on a date (event log), as staff may see it:
protected members masked, the address hidden when any current member is protected."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..conventions import HEAD
from ..errors import violation
from ..models import Household, Person, PersonStatus
from . import access, move_outs
from .addresses import HIDDEN, household_address
from .history import household_as_of
from .persons import MASKED, PersonSummary, rows, summarize


@dataclass(frozen=True)
class HouseholdDetail:
    id: int
    household_no: str
    active: bool
    address: str
    address_hidden: bool
    address_id: int | None
    banchi: str
    katagaki: str
    head_id: int | None
    members: list[PersonSummary]
    as_of: dt.date | None = None
    headless: bool = False  # [100]: 世帯主なし (not the same as a head hidden by a 支援措置)
    head_shown: str = ""  # the head as screens name them: a name, 「世帯主なし」 or （非表示）


def household_detail(household_id: int, *, staff: Any, screen: str = "世帯照会",
                     as_of: dt.date | None = None) -> HouseholdDetail:
    """世帯照会: the household now, or as the log says it was on ``as_of``. Each member shown is
    logged as a read; RegistryError ``not_found`` when there is no such household (then)."""
    if as_of is None:
        hh = Household.objects.filter(pk=household_id).first()
        if hh is None:
            raise violation("not_found", "世帯が見つかりません。", "household_id")
        persons = list(
            Person.objects.for_read(screen=screen, function="household.members")
            .filter(move_outs.current(), household_id=household_id)
            .select_related("household", "household__address").order_by("pk")
        )
        masked, hidden = access.decide([p.pk for p in persons], [household_id], staff=staff, screen=screen,
                                       function="household.members")
        members = rows(persons, masked, hidden)
        row: dict[str, Any] = {f: getattr(hh, f) for f in ("household_no", "address_id", "banchi", "katagaki",
                                                            "head_id", "active")}
    else:
        folded = household_as_of(household_id, as_of)
        if folded is None:
            raise violation("not_found", "世帯が見つかりません。", "household_id")
        row = folded
        members, hidden = _members_then(folded["members"], household_id, staff=staff, screen=screen)
    hide = household_id in hidden or any(m.masked for m in members)
    head_hidden = hide and _head_masked(members)
    return HouseholdDetail(
        id=household_id, household_no=row.get("household_no") or "", active=bool(row.get("active")),
        address=HIDDEN if hide else household_address(row), address_hidden=hide,
        address_id=None if hide else row.get("address_id"), banchi="" if hide else row.get("banchi") or "",
        katagaki="" if hide else row.get("katagaki") or "",
        head_id=None if head_hidden else row.get("head_id"),
        members=sorted(members, key=lambda s: (s.masked, s.relationship != HEAD, s.id or 0)), as_of=as_of,
        headless=row.get("head_id") is None, head_shown=_head_shown(row.get("head_id"), members, head_hidden),
    )


def _head_shown(head_id: Any, members: list[PersonSummary], hidden: bool) -> str:
    if head_id is None:
        return HEADLESS
    if hidden:
        return HIDDEN
    return next((m.name for m in members if m.id == head_id), "—")


HEADLESS = "世帯主なし"


def _head_masked(members: list[PersonSummary]) -> bool:
    return not any(m.relationship == HEAD for m in members if not m.masked)


def _members_then(found: list[dict[str, Any]], household_id: int, *, staff: Any,
                  screen: str) -> tuple[list[PersonSummary], frozenset[int]]:
    ids = [m["person_id"] for m in found]
    # 閲覧記録: load through the audited manager so every member shown is logged
    list(Person.objects.for_read(screen=screen, function="household").filter(pk__in=ids).only("pk"))
    masked, hidden = access.decide(ids, [household_id], staff=staff, screen=screen, function="household")
    members = [MASKED if m["person_id"] in masked else summarize(m, pk=m["person_id"], address="") for m in found]
    return members, hidden


def removed_members(household_id: int, *, staff: Any, screen: str = "世帯照会") -> list[PersonSummary]:
    """[430] members removed from the household (転出・死亡・職権消除), for the household screen:
    each shown is logged as a read; a protected one is masked like any other row."""
    persons = list(
        Person.objects.for_read(screen=screen, function="household.removed")
        .filter(household_id=household_id)
        .exclude(move_outs.current()).exclude(status=PersonStatus.VOID)
        .select_related("household", "household__address").order_by("removed_on", "pk")
    )
    masked, _ = access.decide([p.pk for p in persons], (), staff=staff, screen=screen, function="household.removed")
    return rows(persons, masked, frozenset({household_id}))
