"""Persons as register documents read them (住民票コード通知票, 市町村通知 …): one logged read, the
支援措置 decision applied (a protected person comes back as ``None`` to staff without need-to-know,
his address with him)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..conventions import PERSON_FIELDS
from ..models import Person
from . import access
from .addresses import household_address


@dataclass(frozen=True)
class DocumentPerson:
    id: int
    values: dict[str, Any]  # the row's items (dates as dates)
    address: str
    katagaki: str = ""  # the 方書 inside ``address`` (a 記載事項証明書 may omit it on request)


def document_persons(
    person_ids: Iterable[int], *, staff: Any, screen: str, function: str
) -> dict[int, DocumentPerson | None]:
    """``person_ids`` → the person (None: masked for ``staff``); ids not found are left out."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    found = list(
        Person.objects.for_read(screen=screen, function=function)
        .select_related("household", "household__address")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    masked, hidden = access.decide(
        [p.pk for p in found],
        {p.household_id for p in found},
        staff=staff,
        screen=screen,
        function=function,
    )
    out: dict[int, DocumentPerson | None] = {}
    for p in found:
        if p.pk in masked or p.household_id in hidden:
            out[p.pk] = None
            continue
        out[p.pk] = DocumentPerson(
            p.pk,
            {f: getattr(p, f) for f in PERSON_FIELDS},
            household_address(p.household) if p.household_id else "",
            (p.household.katagaki or "") if p.household_id else "",
        )
    return out


def foreign_by_card(numbers: Iterable[str]) -> dict[str, list[int]]:
    """Current residents holding each 在留カード番号 or 特別永住者証明書番号 (matching a notice to the
    register; nothing is shown, so no read is logged: the 確認票 reads them through
    :func:`document_persons`)."""
    from django.db.models import Q

    wanted = sorted({n for n in numbers if n})
    out: dict[str, list[int]] = {n: [] for n in wanted}
    if not wanted:
        return out
    rows = (
        Person.objects.without_read_log("法務省通知の照合（画面表示なし）")
        .filter(
            Q(residence_card_no__in=wanted) | Q(special_permanent_cert_no__in=wanted),
            status="resident",
        )
        .order_by("pk")
        .values_list("pk", "residence_card_no", "special_permanent_cert_no")
    )
    for pk, card, cert in rows:
        for n in {card, cert} & set(wanted):
            out[n].append(pk)
    return out


def foreign_ids(person_ids: Iterable[int]) -> set[int]:
    """Of ``person_ids``, those who are or ever were foreign residents (a 帰化's old record counts;
    nothing shown, so no read logged)."""
    from ..models import EventFact

    ids = sorted(set(person_ids))
    now = set(
        Person.objects.without_read_log("市町村通知の対象確認（画面表示なし）")
        .filter(pk__in=ids, resident_type="foreign")
        .values_list("pk", flat=True)
    )
    facts = EventFact.objects.filter(entity="person", entity_id__in=ids, field="resident_type")
    return now | {
        int(pid)
        for pid, before, after in facts.values_list("entity_id", "before", "after")
        if "foreign" in (before, after)
    }


def on_day(person: DocumentPerson, day: Any) -> DocumentPerson:
    """``person`` (already cleared by :func:`document_persons`) as the register read on ``day``:
    a notice line says the address of its 異動, not today's (a person with no log: as today)."""
    from .history import as_of, household_as_of

    row = as_of(person.id, day)
    if row is None:
        return person
    household = household_as_of(row["household_id"], day) if row.get("household_id") else None
    return DocumentPerson(
        person.id,
        {**person.values, **row},
        household_address(household) if household else person.address,
    )
