"""個人番号カード・住基カードの交付状況 for the 交付履歴照会 ([360]#1): the person's [20] card items
now and each change of them the register approved (異動明細), the read logged with its screen.
The caller decides first whether ``staff`` may see the person (支援措置)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..labels import CHOICES
from ..models import EventFact, Person

CARD_FIELDS = {"my_number_card_status": "個人番号カード", "juki_card_status": "住基カード"}


@dataclass(frozen=True)
class CardState:
    card: str
    status: str  # 交付済み・未交付・返納・失効, or "" when the register holds nothing


@dataclass(frozen=True)
class CardChange:
    card: str
    effective_date: dt.date  # the template writes it in 和暦 ([90])
    before: str
    after: str


def _label(field: str, value: object) -> str:
    return CHOICES.get(field, {}).get(str(value or ""), str(value or ""))


def card_status(person_id: int, *, screen: str) -> tuple[list[CardState], list[CardChange]]:
    row = (
        Person.objects.for_read(screen=screen, function="cards")
        .filter(pk=person_id)
        .values(*CARD_FIELDS)
        .first()
    )
    if row is None:
        return [], []
    now = [CardState(label, _label(f, row[f])) for f, label in CARD_FIELDS.items()]
    facts = (
        EventFact.objects.filter(entity="person", entity_id=person_id, field__in=list(CARD_FIELDS))
        .order_by("-effective_date", "-approval_seq")
        .values_list("field", "before", "after", "effective_date")
    )
    changes = [CardChange(CARD_FIELDS[f], d, _label(f, b), _label(f, a)) for f, b, a, d in facts]
    return now, changes


@dataclass(frozen=True)
class CopyHeld:
    made_at: object  # datetime
    line: int
    rows: int
    order: str
    admitted: bool  # in it after 審査 ([440]#1)


def inspection_copies(person_id: int) -> list[CopyHeld]:
    """The 住民基本台帳の一部の写し（閲覧用） that held ``person_id`` ([1320]), newest first."""
    from ..inspection_models import InspectionCopyEntry

    rows = (
        InspectionCopyEntry.objects.filter(person_id=person_id)
        .select_related("copy")
        .order_by("-copy__made_at", "-copy_id")
    )
    return [
        CopyHeld(
            e.copy.made_at, e.line, e.copy.rows, e.copy.order, person_id in (e.copy.admitted or [])
        )
        for e in rows
    ]
