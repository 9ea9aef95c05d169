"""Reading registrations: the inquiry, the certificates' entry point, and 職権抹消.

職権抹消 is computed at read time: a registration whose person no longer reads as a resident
(転出・死亡・消除; a 転出予定日 that has come counts, [50]#1) is never used, whoever asks; and
``expunge_departed`` writes the 職権抹消 down (a batch job or the staff screen runs it). We chose
this over a call from the register's approval so the register keeps not knowing about seals
(tests/test_layers.py: seals imports registry, never the reverse) and a removal that is later
取消 (記載取消) is judged on the register as it then reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from jichitai.registry.selectors.service_person import ServicePerson, statuses

from .errors import SealError
from .models import RegistrationState, SealCard, SealEvent, SealRegistration
from .service import STATUS_LABELS, active_card, expunge, person_for

NAME_CHANGED = "登録者の氏名が住民記録と異なります。登録事項の変更を行ってから発行してください。"


@dataclass(frozen=True)
class SealView:
    registration: SealRegistration
    card: SealCard
    person: ServicePerson
    name_changed: bool
    departed: str  # "" or why the registration is (to be) 職権抹消
    events: list[SealEvent]


def departure(person: ServicePerson) -> str:
    if person.status == "resident":
        return ""
    return f"住民でなくなったため職権抹消の対象です（{STATUS_LABELS.get(person.status, person.status)}）。"


def inquire(number: str, *, staff: Any) -> SealView:
    """照会 by card number (the card must be in force)."""
    card = active_card(number)
    reg = card.registration
    person = person_for(reg.person_id, staff=staff, function="inquiry")
    return SealView(
        reg,
        card,
        person,
        name_changed=person.name != reg.registered_name,
        departed=departure(person),
        events=list(reg.events.select_related("staff")),
    )


@dataclass(frozen=True)
class CertificateSeal:
    """What a 印鑑登録証明書 prints of the registration (the impression at its measured size)."""

    person_id: int
    image: bytes
    image_type: str  # image/png or image/jpeg
    name: str  # the registered name (equal to the register's: checked)
    width_mm: Decimal
    height_mm: Decimal


def card_holder(card_number: str) -> int:
    """The person id of the card in force ``card_number`` (no person is read or shown: the
    certificate compares it with the person asked for before reading anyone); SealError else."""
    if not (card_number or "").strip():
        raise SealError("印鑑登録証の番号が必要です。", "card_number")
    return active_card(card_number).registration.person_id


def seal_certificate(card_number: str, *, staff: Any) -> CertificateSeal:
    """印鑑登録証明書: the registration of a card in force whose registration stands; SealError
    with the Japanese reason otherwise."""
    if not (card_number or "").strip():
        raise SealError("印鑑登録証の番号が必要です。", "card_number")
    card = active_card(card_number)
    reg = card.registration
    if reg.state != RegistrationState.ACTIVE:
        raise SealError(f"この印鑑登録は{reg.get_state_display()}されています。", "card_number")
    person = person_for(reg.person_id, staff=staff, function="certificate")
    reason = departure(person)
    if reason:
        raise SealError("登録者は" + reason, "card_number")
    if person.name != reg.registered_name:
        raise SealError(NAME_CHANGED, "card_number")
    return CertificateSeal(
        reg.person_id,
        bytes(reg.image),
        reg.image_type,
        reg.registered_name,
        reg.impression_width_mm,
        reg.impression_height_mm,
    )


def seal_for_certificate(card_number: str, *, staff: Any) -> tuple[int, bytes, str]:
    """(person id, the impression, the registered name): :func:`seal_certificate` in short."""
    seal = seal_certificate(card_number, staff=staff)
    return seal.person_id, seal.image, seal.name


def expunge_departed(*, staff: Any = None) -> int:
    """職権抹消 of every registration in force whose person left the register; returns how many."""
    with transaction.atomic():
        active = list(
            SealRegistration.objects.select_for_update().filter(state=RegistrationState.ACTIVE)
        )
        status = statuses([r.person_id for r in active])
        gone = [r for r in active if status.get(r.person_id, "void") != "resident"]
        for reg in gone:
            expunge(reg, staff=staff, status=status.get(reg.person_id, "void"))
    return len(gone)
