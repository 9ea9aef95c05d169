"""交付履歴照会 by the items of [300]#1 ([360]#2): 交付日, 交付場所, 交付対象者, 種別, 記載事項, 枚数,
発行番号, 端末名, 処理者 (ユーザID), 処分, and the 請求者区分 and 請求者名. Only the current municipality's rows (the tenant manager); a row about a
支援措置-protected person is left out for staff without need-to-know (decided and alerted by the
register's read layer, registry.selectors.access)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from jichitai.accounts.models import Staff
from jichitai.registry.selectors import access

from ..models import Issuance

LIMIT = 200
SCREEN = "交付履歴照会（検索）"


@dataclass(frozen=True)
class HistoryQuery:
    day_from: dt.date | None = None
    day_to: dt.date | None = None
    kind: str = ""
    requester_kind: str = ""
    requester_name: str = ""  # part of the name
    number: str = ""  # part of a 発行番号
    staff: str = ""  # 処理者: part of the login name or 氏名
    staff_id: int | None = None
    terminal: str = ""  # part of the 端末名
    place: str = ""  # part of the 交付場所
    disposed: str = ""  # "yes" 処分済 / "no" 未処分 / "" both
    subject_id: int | None = None  # 交付対象者 (住民ID)
    item: str = ""  # 記載事項: an item printed (e.g. 個人番号)
    pages: int | None = None  # 枚数

    def is_empty(self) -> bool:
        return self == HistoryQuery()


@dataclass(frozen=True)
class Found:
    rows: list[Issuance]
    truncated: bool  # more than LIMIT matched before the 支援措置 rule


def _filtered(q: HistoryQuery) -> Any:
    qs = Issuance.objects.all()
    if q.day_from:
        qs = qs.filter(issued_at__date__gte=q.day_from)
    if q.day_to:
        qs = qs.filter(issued_at__date__lte=q.day_to)
    exact = {
        "kind": q.kind,
        "requester_kind": q.requester_kind,
        "staff_id": q.staff_id,
        "subjects__person_id": q.subject_id,
        "pages": q.pages,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v})
    parts = {
        "requester_name__icontains": q.requester_name,
        "terminal__icontains": q.terminal,
        "place__icontains": q.place,
    }
    qs = qs.filter(**{k: v for k, v in parts.items() if v})
    if q.number:
        qs = qs.filter(prints__number__icontains=q.number)
    if q.staff:
        staff_ids = Staff.objects.filter(
            Q(username__icontains=q.staff) | Q(display_name__icontains=q.staff)
        ).values_list("pk", flat=True)
        qs = qs.filter(staff_id__in=list(staff_ids[:500]))
    if q.disposed in ("yes", "no"):
        qs = qs.filter(disposed_at__isnull=q.disposed == "no")
    return qs.distinct()


def search_history(q: HistoryQuery, *, staff: Any) -> Found:
    """The matching 交付履歴 rows, newest first, that ``staff`` may see."""
    ordered = _filtered(q).select_related("fee").order_by("-issued_at", "-pk")
    if q.item:
        # the printed items are a JSON list: matched here, the same on SQLite and PostgreSQL
        found = []
        for row in ordered.iterator(chunk_size=500):
            if q.item in row.items:
                found.append(row)
                if len(found) > LIMIT:
                    break
    else:
        found = list(ordered[: LIMIT + 1])
    truncated = len(found) > LIMIT
    found = found[:LIMIT]
    masked = access.screen_persons(
        {int(p) for r in found for p in r.subject_ids},
        staff=staff,
        screen=SCREEN,
        function="certificates.history",
    )
    return Found([r for r in found if not masked & {int(p) for p in r.subject_ids}], truncated)
