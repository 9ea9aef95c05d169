"""抑止の連携 ([420]#1, [410]#9): the feed of hold and 支援措置 set/release for the 宛名システム等,
the コンビニ交付 kiosk and the 住基ネット CS, read by a cursor.

The reader keeps ``next_cursor`` and asks again with ``since``; each change comes once. Rows carry
ids, 宛名番号・世帯番号, process, level and dates — never a reason or a 加害者等. A change about a
person under 支援措置 is shown only to staff with need-to-know (and alerted); to others it is left
out. Every read is logged.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Schema

from jichitai.registry import hold_feed

from .routing import COMMON_ERRORS, endpoint
from .schemas import ErrorOut


class HoldChangeOut(Schema):
    seq: int
    at: str
    action: str  # set / release
    source: str  # hold / support
    process: str  # entry / issuance / inquiry, or all for a 支援措置
    level: str  # error / alert
    person_id: int | None
    atena_no: str
    household_id: int | None
    household_no: str
    start_date: str
    end_date: str | None


class HoldFeedOut(Schema):
    target: str
    changes: list[HoldChangeOut]
    next_cursor: int
    more: bool


@endpoint(
    "get",
    "/holds/changes",
    "list_hold_changes",
    response={200: HoldFeedOut, 422: ErrorOut, **COMMON_ERRORS},
    summary="抑止の設定・解除の連携データ（宛名システム等・コンビニ交付・住基ネットCS向け、カーソル方式）",
    tags=["holds"],
)
def list_hold_changes(
    request: HttpRequest,
    since: int = Query(0, ge=0, le=2**62),
    target: Literal["atena", "kiosk", "cs"] = "atena",
    limit: int = Query(500, ge=1, le=hold_feed.MAX_LIMIT),
) -> Any:
    """Changes after ``since`` (oldest first): ``atena`` every hold and 支援措置; ``kiosk`` and
    ``cs`` those that stop 証明書発行. A 一時解除 is never sent ([410]#2)."""
    feed = hold_feed.changes(since=since, target=target, staff=request.user, limit=limit)
    return HoldFeedOut(
        target=target,
        changes=[HoldChangeOut(**r) for r in feed.rows],
        next_cursor=feed.next_cursor,
        more=feed.more,
    )
