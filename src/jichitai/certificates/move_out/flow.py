"""[660]#1: the 転出's own flow leads to its 転出証明書. An approved 転出届 (or the 職権消除 of a late
転出 with a 転出先) gives the counter's request for it: the kind, its persons and the 届出人 side
(the 世帯主 among them, else the one person), so the clerk issues it in one step."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from jichitai.registry.models import EventStatus, RegistryEvent
from jichitai.registry.selectors.event_persons import event_persons
from jichitai.registry.selectors.move_out_certificates import LATE, PLANNED

from .rules import JUNZURU, TENSHUTSU

SCREEN = "異動入力確認票"
NEXT = "転出証明書を発行してください（異動入力確認票の「転出証明書を発行する」から）。"


def certificate_kind(event: RegistryEvent) -> str:
    """The certificate an approved 転出 gives: 転出証明書, 準ずる証明書 or none ("")."""
    if event.status != EventStatus.APPROVED:
        return ""
    if event.kind == PLANNED:
        return TENSHUTSU
    if event.kind == LATE and str((event.request or {}).get("destination") or "").strip():
        return JUNZURU
    return ""


def issue_params(event: RegistryEvent, *, staff: Any) -> dict[str, str] | None:
    """The counter form's fields for this 転出's certificate (None: the event gives none). Persons
    hidden from ``staff`` by a 支援措置 are not named (nor is anything about them)."""
    kind = certificate_kind(event)
    if not kind:
        return None
    persons = [
        p
        for p in event_persons(
            event, staff=staff, screen=SCREEN, function="certificates.move_out.flow"
        )
        if not p.masked and p.id is not None
    ]
    if not persons:
        return None
    head = next((p for p in persons if p.head), None)
    ids = [p.id for p in persons]
    requester = head.id if head is not None else ids[0]
    return {
        "kind": kind,
        "subject_ids": "、".join(str(i) for i in ids),
        "requester_kind": "self" if len(ids) == 1 else "household",
        "requester_person_id": str(requester),
    }


def issue_query(event: RegistryEvent, *, staff: Any) -> str:
    """``issue_params`` as the counter URL's query ("" when there is none)."""
    params = issue_params(event, staff=staff)
    return urlencode(params) if params else ""
