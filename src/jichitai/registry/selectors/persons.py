"""Persons as staff see them: summaries for lists and one person's record ([350] 2.2.1).

Every person shown is loaded through the audited manager (a read is logged per person, with its
screen); 支援措置 masking and hidden addresses come from ``access``. A masked summary carries no
stable identifier: no id, no 宛名番号, no household, so nothing links it to anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..conventions import HEAD, PERSON_FIELDS, full_kana, full_name
from ..errors import violation
from ..labels import CHOICES
from ..models import Person, PersonStatus, SupportMeasure
from ..written_dates import birth_text as written_birth_text
from . import access, move_outs, visibility
from .addresses import HIDDEN, household_address
from .history import as_of, history, household_as_of


@dataclass(frozen=True)
class PersonSummary:
    id: int | None
    atena_no: str
    name: str
    kana: str
    birth_date: dt.date | None
    sex: str
    status: str
    status_label: str
    address: str
    household_id: int | None
    relationship: str
    masked: bool = False
    address_hidden: bool = False
    foreign: bool = False  # [90]: a foreign resident's 生年月日 is shown in 西暦 only
    # 生年月日 as every screen writes it: 和暦 (西暦 for a foreign resident, [90]), as written when
    # 不詳 ([80]); computed once here so no list can drop a 不詳 part
    birth_text: str = ""


MASKED = PersonSummary(None, "", access.MASK, "", None, "", "", "", HIDDEN, None, "", masked=True,
                       address_hidden=True)


def summarize(row: Mapping[str, Any], *, pk: int, address: str, address_hidden: bool = False) -> PersonSummary:
    """A summary of a person row (a projection's values or a row folded from the log)."""
    birth = row.get("birth_date")
    foreign = row.get("resident_type") == "foreign"
    return PersonSummary(
        id=pk, atena_no=row.get("atena_no") or "", name=full_name(row), kana=full_kana(row),
        birth_date=dt.date.fromisoformat(birth) if isinstance(birth, str) else birth,
        sex=CHOICES["sex"].get(str(row.get("sex") or ""), ""), status=row.get("status") or "",
        status_label=CHOICES["status"].get(str(row.get("status") or ""), ""),
        address=HIDDEN if address_hidden else address, household_id=row.get("household_id"),
        relationship=row.get("relationship") or "", address_hidden=address_hidden,
        foreign=foreign,
        birth_text=written_birth_text(row),
    )


def person_values(p: Person) -> dict[str, Any]:
    """As the person reads today ([50]#1: a 転出予定日 that has come reads as 転出者)."""
    return move_outs.effective({f: getattr(p, f) for f in PERSON_FIELDS})


def summaries(persons: Sequence[Person], *, staff: Any, screen: str, function: str,
              reveal: frozenset[int] = frozenset()) -> list[PersonSummary]:
    """Loaded persons as list rows: masked or not, address shown or hidden, one alert per
    protected person concerned. ``reveal``: persons already cleared (the record being viewed)."""
    masked, hidden = access.decide([p.pk for p in persons if p.pk not in reveal], {p.household_id for p in persons},
                                   staff=staff, screen=screen, function=function)
    return rows(persons, masked, hidden)


def rows(persons: Sequence[Person], masked: frozenset[int], hidden: frozenset[int]) -> list[PersonSummary]:
    return [
        MASKED if p.pk in masked else summarize(person_values(p), pk=p.pk, address=household_address(p.household),
                                                address_hidden=p.household_id in hidden)
        for p in persons
    ]


@dataclass(frozen=True)
class AsOfView:
    date: dt.date
    record: dict[str, Any]
    summary: PersonSummary
    address: str


@dataclass(frozen=True)
class PersonDetail:
    person: Person | None
    summary: PersonSummary
    household_members: list[PersonSummary]
    history: list[dict[str, Any]]
    masked: bool
    my_number_shown: bool
    support_measure: SupportMeasure | None = None
    address: str = ""
    address_hidden: bool = False
    as_of: AsOfView | None = None
    refusal: str = ""  # the Japanese reason when masked
    record: dict[str, Any] = field(default_factory=dict)
    withheld: frozenset[str] = frozenset()  # [1390]: items left out of record, as_of and history


def person_detail(
    person_id: int, *, staff: Any, screen: str = "住民照会", show_my_number: bool = False,
    as_of_date: dt.date | None = None,
) -> PersonDetail:
    """[350] one person's record, household and history; the read is logged with its screen.

    A person under 支援措置 comes back masked (``refusal`` says why) to staff without
    need-to-know, and the access is alerted either way.
    """
    if show_my_number and not access.may_see_my_number(staff):
        raise violation("my_number_role", "個人番号を表示する権限がありません。", "my_number")
    measure = access.active_measure(person_id)
    masked = measure is not None and not access.need_to_know(staff)
    if masked:
        exists = Person.objects.without_read_log("支援措置の確認（表示なし）").filter(pk=person_id).exclude(
            status=PersonStatus.VOID).exists()
        if not exists:
            raise violation("not_found", "住民が見つかりません。", "person_id")
        access.alert_access(person_id, screen=screen, function="detail", detail={"masked": True})
        return PersonDetail(None, MASKED, [], [], True, False, refusal=access.REFUSED)
    function = f"detail.as_of:{as_of_date.isoformat()}" if as_of_date else "detail"
    p = (Person.objects.for_read(screen=screen, function=function, my_number_shown=show_my_number)
         .select_related("household", "household__address").exclude(status=PersonStatus.VOID)
         .filter(pk=person_id).first())
    if p is None:
        raise violation("not_found", "住民が見つかりません。", "person_id")
    if measure is not None:
        access.alert_access(person_id, screen=screen, function="detail", detail={"masked": False})
    members = list(
        Person.objects.for_read(screen=screen, function="detail.household")
        .filter(move_outs.current(), household_id=p.household_id)
        .select_related("household", "household__address").order_by("pk")
    )
    masked, hidden = access.decide([m.pk for m in members if m.pk != p.pk], [p.household_id], staff=staff,
                                   screen=screen, function="detail.household")
    summary = summarize(person_values(p), pk=p.pk, address=household_address(p.household),
                        address_hidden=p.household_id in hidden)
    withheld = visibility.withheld_fields(staff)
    as_of_view = _as_of_view(person_id, as_of_date, staff=staff, screen=screen) if as_of_date else None
    if as_of_view is not None and withheld:
        as_of_view = replace(as_of_view, record=visibility.withhold(as_of_view.record, withheld))
    return PersonDetail(
        person=p, summary=summary, household_members=sorted(rows(members, masked, hidden), key=_head_first),
        history=[{**h, "row": visibility.withhold(h.get("row") or {}, withheld)} for h in history(person_id)],
        masked=False, my_number_shown=show_my_number, support_measure=measure, address=summary.address,
        address_hidden=summary.address_hidden, record=visibility.withhold(person_values(p), withheld),
        as_of=as_of_view, withheld=withheld,
    )


def _head_first(s: PersonSummary) -> tuple[bool, bool, int]:
    return (s.masked, s.relationship != HEAD, s.id or 0)


def _as_of_view(person_id: int, day: dt.date, *, staff: Any, screen: str) -> AsOfView | None:
    row = as_of(person_id, day)
    if row is None:
        return None
    row = move_outs.effective(row, day)  # [50]#1: on that day, a 転出予定日 come reads as 転出者
    hid = row.get("household_id")
    hh = household_as_of(int(hid), day) if hid else None
    hidden = access.hidden_addresses([hid], staff=staff, screen=screen, function="detail.as_of") if hid else frozenset()
    address = household_address(hh) if hh else ""
    summary = summarize(row, pk=person_id, address=address, address_hidden=hid in hidden)
    return AsOfView(day, row, summary, summary.address)
