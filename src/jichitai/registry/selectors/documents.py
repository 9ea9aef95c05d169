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


def document_persons(person_ids: Iterable[int], *, staff: Any, screen: str,
                     function: str) -> dict[int, DocumentPerson | None]:
    """``person_ids`` → the person (None: masked for ``staff``); ids not found are left out."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    found = list(Person.objects.for_read(screen=screen, function=function)
                 .select_related("household", "household__address").filter(pk__in=ids).order_by("pk"))
    masked, hidden = access.decide([p.pk for p in found], {p.household_id for p in found}, staff=staff,
                                   screen=screen, function=function)
    out: dict[int, DocumentPerson | None] = {}
    for p in found:
        if p.pk in masked or p.household_id in hidden:
            out[p.pk] = None
            continue
        out[p.pk] = DocumentPerson(p.pk, {f: getattr(p, f) for f in PERSON_FIELDS},
                                   household_address(p.household) if p.household_id else "")
    return out
