"""印鑑登録の処理: 登録, 登録事項の変更, 亡失, 再交付, 廃止 — each one transaction that writes the
change log (SealEvent) and the audit log together (an entry exists exactly when the change did).

Persons are read only through the register's read layer (``service_person``): a person under
支援措置 is refused to staff without need-to-know, another municipality's persons are not found.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from jichitai.audit.recording import record
from jichitai.registry.errors import RegistryError
from jichitai.registry.events.writer import reserve
from jichitai.registry.selectors.service_person import ServicePerson, service_person

from . import cards, eligibility, images
from .errors import SealError
from .models import (
    CardState,
    RegistrationState,
    SealCard,
    SealEvent,
    SealEventKind,
    SealRegistration,
)

SCREEN = "印鑑登録"
ALREADY = "この方には既に印鑑登録があります（廃止してから新たに登録してください）。"


def person_for(person_id: int, *, staff: Any, function: str) -> ServicePerson:
    """The person through the read layer; its refusals as SealError."""
    try:
        return service_person(person_id, staff=staff, screen=SCREEN, function=function)
    except RegistryError as exc:
        raise SealError(exc.violations[0].message, "person_id") from exc


def log(
    reg: SealRegistration,
    kind: str,
    *,
    staff: Any,
    card: str = "",
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> SealEvent:
    """One change: the registration's history and the audit chain."""
    event = SealEvent.objects.create(
        registration=reg,
        kind=kind,
        card_number=card,
        reason=reason,
        detail=detail or {},
        staff=staff,
    )
    record(
        "operation",
        f"seals.{kind}",
        subject_type="person",
        subject_id=reg.person_id,
        screen=SCREEN,
        function=kind,
        detail={"registration": reg.pk, "card": card, "reason": reason, **(detail or {})},
    )
    return event


def new_card(reg: SealRegistration) -> SealCard:
    """A card with the next number of the municipality's counter (a row lock to the end of the
    transaction: two registrations at once never get one number)."""
    return SealCard.objects.create(
        registration=reg, number=cards.card_number(reserve(cards.COUNTER))
    )


def register(
    person_id: int,
    image: bytes,
    width_mm: Decimal,
    height_mm: Decimal,
    *,
    staff: Any,
    reason: str = "",
) -> SealCard:
    """登録: checks the person, the image and the size; returns the new 印鑑登録証."""
    checked = images.check_image(image)
    images.check_size(width_mm, height_mm)
    # the read (and a 支援措置 alert) before the transaction: a refusal must not roll its alert back
    person = person_for(person_id, staff=staff, function="register")
    eligibility.check(person, timezone.localdate())
    with transaction.atomic():
        if SealRegistration.objects.filter(
            person_id=person.id, state=RegistrationState.ACTIVE
        ).exists():
            raise SealError(ALREADY, "person_id")
        try:
            with transaction.atomic():
                reg = SealRegistration.objects.create(
                    person_id=person.id,
                    registered_name=person.name,
                    registered_kana=person.kana,
                    image=checked.data,
                    image_sha256=checked.sha256,
                    image_type=checked.content_type,
                    width_px=checked.width,
                    height_px=checked.height,
                    impression_width_mm=width_mm,
                    impression_height_mm=height_mm,
                    registered_by=staff,
                )
        except IntegrityError as exc:  # a registration for the same person committed meanwhile
            raise SealError(ALREADY, "person_id") from exc
        card = new_card(reg)
        log(
            reg,
            SealEventKind.REGISTER,
            staff=staff,
            card=card.number,
            reason=reason,
            detail={
                "sha256": checked.sha256,
                "name": person.name,
                "size_mm": [str(width_mm), str(height_mm)],
            },
        )
    return card


def active_card(number: str, *, lock: bool = False) -> SealCard:
    """The card ``number`` (typed) if it is the one in force, else SealError in Japanese."""
    try:
        canonical = cards.parse_card_number(number)
    except cards.CardNumberError as exc:
        raise SealError(str(exc), "card_number") from exc
    qs = SealCard.objects.select_related("registration")
    card = (qs.select_for_update() if lock else qs).filter(number=canonical).first()
    if card is None:
        raise SealError("この番号の印鑑登録証はありません。", "card_number")
    if card.state != CardState.ACTIVE:
        raise SealError(
            f"この印鑑登録証は{card.get_state_display()}により使えません。", "card_number"
        )
    return card


def cleared(number: str, *, staff: Any, function: str) -> ServicePerson:
    """The card's person, read (and a 支援措置 refusal alerted) before the change's transaction,
    so that a refusal keeps its alert."""
    return person_for(active_card(number).registration.person_id, staff=staff, function=function)


def _end_card(card: SealCard, state: str) -> None:
    card.state, card.ended_at = state, timezone.now()
    card.save(update_fields=["state", "ended_at"])


def _end(reg: SealRegistration, state: str, reason: str) -> None:
    reg.state, reg.ended_at, reg.end_reason = state, timezone.now(), reason[:200]
    reg.save(update_fields=["state", "ended_at", "end_reason"])


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise SealError(f"{what}の理由を入力してください。", "reason")
    return reason[:200]


def abolish(number: str, *, staff: Any, reason: str) -> SealRegistration:
    """廃止 (the resident's 廃止申請): the registration and its card end."""
    reason = _reason(reason, "廃止")
    cleared(number, staff=staff, function="abolish")
    with transaction.atomic():
        card = active_card(number, lock=True)
        reg = card.registration
        _end_card(card, CardState.ABOLISHED)
        _end(reg, RegistrationState.ABOLISHED, reason)
        log(reg, SealEventKind.ABOLISH, staff=staff, card=card.number, reason=reason)
    return reg


def report_lost(number: str, *, staff: Any, reason: str, reissue: bool) -> SealCard | None:
    """亡失: the card dies at once; with ``reissue`` a new card (new number) is given."""
    reason = _reason(reason, "亡失の届出")
    cleared(number, staff=staff, function="lost")
    with transaction.atomic():
        card = active_card(number, lock=True)
        reg = card.registration
        _end_card(card, CardState.LOST)
        log(reg, SealEventKind.LOST, staff=staff, card=card.number, reason=reason)
        if not reissue:
            return None
        fresh = new_card(reg)
        log(
            reg,
            SealEventKind.REISSUE,
            staff=staff,
            card=fresh.number,
            reason=reason,
            detail={"replaces": card.number},
        )
    return fresh


def reissue(registration_id: int, *, staff: Any, reason: str) -> SealCard:
    """再交付 of a registration whose card was reported lost earlier (no card in force)."""
    reason = _reason(reason, "再交付")
    active = SealRegistration.objects.filter(pk=registration_id, state=RegistrationState.ACTIVE)
    found = active.values_list("person_id", flat=True).first()
    if found is None:
        raise SealError("登録中の印鑑登録が見つかりません。", "registration_id")
    person_for(found, staff=staff, function="reissue")  # before the transaction: keeps its alert
    with transaction.atomic():
        reg = active.select_for_update().first()
        if reg is None:
            raise SealError("登録中の印鑑登録が見つかりません。", "registration_id")
        if reg.cards.filter(state=CardState.ACTIVE).exists():
            raise SealError(
                "有効な印鑑登録証があります。亡失の届出を先に受け付けてください。",
                "registration_id",
            )
        fresh = new_card(reg)
        log(reg, SealEventKind.REISSUE, staff=staff, card=fresh.number, reason=reason)
    return fresh


def change_name(number: str, *, staff: Any, reason: str = "") -> SealRegistration:
    """登録事項の変更: the registered name follows the register's (after 氏名の変更 etc.)."""
    person = cleared(number, staff=staff, function="change")
    with transaction.atomic():
        card = active_card(number, lock=True)
        reg = card.registration
        if (person.name, person.kana) == (reg.registered_name, reg.registered_kana):
            raise SealError(
                "登録氏名は住民記録の氏名と同じです（変更はありません）。", "card_number"
            )
        before = {"name": reg.registered_name, "kana": reg.registered_kana}
        reg.registered_name, reg.registered_kana = person.name, person.kana
        reg.save(update_fields=["registered_name", "registered_kana"])
        log(
            reg,
            SealEventKind.CHANGE,
            staff=staff,
            card=card.number,
            reason=reason or "氏名の変更",
            detail={"before": before, "after": {"name": person.name, "kana": person.kana}},
        )
    return reg


def expunge(reg: SealRegistration, *, staff: Any, status: str) -> None:
    """職権抹消 of an active registration whose person left the register (``status``)."""
    reason = f"住民基本台帳から消除されたため（{STATUS_LABELS.get(status, status)}）"
    for card in reg.cards.filter(state=CardState.ACTIVE):
        _end_card(card, CardState.EXPUNGED)
    _end(reg, RegistrationState.EXPUNGED, reason)
    log(reg, SealEventKind.EXPUNGE, staff=staff, reason=reason, detail={"status": status})


STATUS_LABELS = {"moved_out": "転出", "dead": "死亡", "deleted": "職権消除", "void": "記載取消"}
