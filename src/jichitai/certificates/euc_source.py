"""証明書の交付履歴 as an EUC data source ([1360]#1, #3: 「証明書の交付履歴」 is named by the standard
as an item searched in chapter 2 that EUC must offer). One row per 交付対象者 of each issuance, with
the issuance's items of [300]#1; registered with the register's EUC catalogue in ready().

支援措置: an issuance about a protected person is left out whole for staff without need-to-know
(as on the 交付履歴照会 screen), decided by the register's read layer (the EUC ``Shield``), so it is
neither a row nor counted; names and 宛名番号 are read through the register's selectors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from jichitai.registry.euc.catalogue import Item, Source, register
from jichitai.registry.selectors.euc_source import CHUNK, Shield, subjects

NAME = "issuances"
_I = frozenset({NAME})
ITEMS: tuple[Item, ...] = (
    Item("issuance_on", "交付年月日", "date", _I, standard=False),
    Item("issuance_time", "交付時刻", "text", _I, standard=False),
    Item("issuance_kind", "証明書の種別", "text", _I, standard=False),
    Item("issuance_atena_no", "交付対象者_宛名番号", "code", _I, standard=False),
    Item("issuance_subject", "交付対象者_氏名", "text", _I, standard=False),
    Item("issuance_requester_kind", "請求者の区分", "text", _I, standard=False),
    Item("issuance_requester", "請求者", "text", _I, standard=False),
    Item("issuance_copies", "部数", "number", _I, standard=False),
    Item("issuance_pages", "枚数", "number", _I, standard=False),
    Item("issuance_numbers", "発行番号", "text", _I, standard=False),
    Item("issuance_place", "交付場所", "text", _I, standard=False),
    Item("issuance_terminal", "端末名", "text", _I, standard=False),
    Item("issuance_staff", "処理者（ユーザID）", "text", _I, standard=False),
    Item("issuance_status", "交付の状態", "text", _I, standard=False),
    Item("issuance_disposed_on", "処分年月日", "date", _I, standard=False),
)


def rows(shield: Shield) -> Iterator[dict[str, Any]]:
    """Every 交付履歴 of the municipality, oldest first, one row per 交付対象者."""
    from .issuance.request import REQUESTER_KINDS
    from .kinds import titles
    from .models import Issuance

    kinds, statuses = titles(), dict(Issuance.STATUSES)
    qs = Issuance.objects.select_related("staff").order_by("issued_at", "pk")
    chunk: list[Issuance] = []
    for issuance in qs.iterator(chunk_size=CHUNK):
        chunk.append(issuance)
        if len(chunk) == CHUNK:
            yield from _rows(chunk, shield, kinds, statuses, REQUESTER_KINDS)
            chunk = []
    yield from _rows(chunk, shield, kinds, statuses, REQUESTER_KINDS)


def _rows(
    chunk: list[Any],
    shield: Shield,
    kinds: dict[str, str],
    statuses: dict[str, str],
    requesters: dict[str, str],
) -> Iterator[dict[str, Any]]:
    people = subjects(int(p) for i in chunk for p in i.subject_ids)
    for issuance in chunk:
        ids = [int(p) for p in issuance.subject_ids]
        if not all([shield.admits(p) for p in ids]):  # every subject decided (and alerted) once
            continue
        at = timezone.localtime(issuance.issued_at)
        base = {
            "issuance_on": at.date(),
            "issuance_time": at.strftime("%H:%M:%S"),
            "issuance_kind": kinds.get(issuance.kind, issuance.kind),
            "issuance_requester_kind": requesters.get(
                issuance.requester_kind, issuance.requester_kind
            ),
            "issuance_requester": issuance.requester_name,
            "issuance_copies": issuance.copies,
            "issuance_pages": issuance.pages,
            "issuance_numbers": " ".join(issuance.numbers),
            "issuance_place": issuance.place,
            "issuance_terminal": issuance.terminal,
            "issuance_staff": issuance.staff.username,
            "issuance_status": statuses.get(issuance.status, ""),
            "issuance_disposed_on": timezone.localtime(issuance.disposed_at).date()
            if issuance.disposed_at
            else None,
        }
        for pid in ids:
            person = people.get(pid, {})
            yield shield.finish(
                {
                    **base,
                    "issuance_atena_no": person.get("atena_no", ""),
                    "issuance_subject": person.get("name", ""),
                },
                None,
                None,
            )


SOURCE = Source(NAME, "証明書の交付履歴（交付対象者ごと）", rows)


def install() -> None:
    register(SOURCE, ITEMS)
