"""交付履歴照会 ([360]): a person's issuances, and 処分 of a wrongly issued certificate ([300]#1)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.registry.selectors import access, cards

from ..models import Issuance, NoticePrint
from ..verify import codes


def person_history(person_id: int, *, staff: Any) -> list[Issuance]:
    """[360]#1: the issuances that printed ``person_id``, newest first. A protected person's
    history is shown to staff with need-to-know only (others get an empty list, as for anyone
    never issued for)."""
    if access.screen_persons(
        [person_id], staff=staff, screen="交付履歴照会", function="certificates.history"
    ):
        return []
    return list(
        Issuance.objects.filter(subjects__person_id=person_id).order_by("-issued_at", "-pk")
    )


def person_notices(person_id: int, *, staff: Any) -> list[NoticePrint]:
    """[360]#1: the 通知票 printed for ``person_id`` (住民票コード通知票・変更・修正通知票 and the
    other register notices, from the notice print log), newest first; the same 支援措置 rule."""
    if access.screen_persons(
        [person_id], staff=staff, screen="交付履歴照会", function="certificates.history"
    ):
        return []
    # person_ids is a JSON list: filtered here so SQLite and PostgreSQL answer alike
    rows = NoticePrint.objects.order_by("-printed_at", "-pk")
    return [
        r
        for r in rows.only("printed_at", "title", "pages", "staff_id", "person_ids")
        if person_id in (r.person_ids or [])
    ]


def person_cards(person_id: int, *, staff: Any) -> tuple[list[Any], list[Any]]:
    """[360]#1: 個人番号カード・住基カードの交付状況 (now, and each approved change); nothing about a
    person ``staff`` sees masked."""
    if access.screen_persons(
        [person_id], staff=staff, screen="交付履歴照会", function="certificates.cards"
    ):
        return [], []
    return cards.card_status(person_id, screen="交付履歴照会")


def person_inspection_copies(person_id: int, *, staff: Any) -> list[Any]:
    """[360]#1: the 住民基本台帳の一部の写し（閲覧用） that held the person ([1320]); the same rule."""
    if access.screen_persons(
        [person_id], staff=staff, screen="交付履歴照会", function="certificates.inspection"
    ):
        return []
    return cards.inspection_copies(person_id)


def search(**items: Any) -> list[Issuance]:
    """[360]#2: 照会 by the items of [300]#1 (発行番号, 種別, 端末名, ユーザID, 交付年月日); the full
    search is :func:`history_search.search_history`. ``staff`` is required."""
    from .history_search import HistoryQuery, search_history

    day = items.get("day")
    query = HistoryQuery(
        day_from=day,
        day_to=day,
        kind=items.get("kind") or "",
        number=str(items.get("number") or ""),
        staff_id=items.get("staff_id"),
        terminal=items.get("terminal") or "",
    )
    return search_history(query, staff=items["staff"]).rows


def dispose(history_id: int, *, reason: str) -> Issuance:
    """処分情報 ([300]#1): a wrongly issued certificate was taken back and destroyed; the row stays
    and its copies' 検証コード read 失効 from now on."""
    with transaction.atomic():
        row = Issuance.objects.select_for_update().get(pk=history_id)
        row.disposed_at, row.disposed_reason = timezone.now(), reason.strip()[:200]
        row.save(update_fields=["disposed_at", "disposed_reason"])
        codes.revoke_issuance(row.pk, row.disposed_at)  # the public page says 失効 (no reason)
    return row
