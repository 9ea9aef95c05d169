"""[710]#1 転入通知未着照会書: sent to the 転出先 municipality for a person who moved out (国内転出)
and whose 転入通知 has not come ``days`` after the 転出予定日.

One document per person of the 転入通知未着者一覧 (``selectors.move_outs.not_arrived``, the read
layer): a protected person is masked there for staff without need-to-know, so no inquiry about him
is made by them (nor is his existence told). A 職権消除 person has no 転出先: the list shows him, no
inquiry is made. Rendering (PDF) is issue 12's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jichitai.tenancy.context import current
from jichitai.tenancy.models import Municipality

from ..errors import violation
from ..selectors import move_outs
from . import RegisterDocument, document
from ._common import date_text

KIND = "move_in_notice_inquiry"
TITLE = "転入通知未着照会書"
SCREEN = "転入通知未着照会書"


def _sender() -> tuple[str, str]:
    row = (
        Municipality.objects.filter(pk=current().municipality_id)
        .values_list("code", "prefecture", "name")
        .first()
    )
    if row is None:
        return "", ""
    code, prefecture, name = row
    return str(code or ""), f"{prefecture}{name}"


def _inquiry(row: dict[str, Any], made_on: dt.date) -> RegisterDocument:
    code, sender = _sender()
    foreign = row["resident_type"] == "foreign"  # a foreign resident's dates in 西暦 ([90])
    destination = row["destination"]
    return RegisterDocument(
        kind=KIND,
        title=TITLE,
        functions=("710",),
        municipality_code=code,
        made_on=made_on,
        person_ids=(row["id"],),
        fields={
            "作成日": date_text(made_on),
            "宛先": f"{destination}を管轄する市区町村長",
            "転出先の住所コード": row["destination_code"],
            "照会元": f"{sender}長",
            "照会事項": "下記の者から転出届があり転出証明書を交付しましたが、転入通知が届いていません。"
            "転入届の有無をお知らせください。",
            "氏名": row["name"],
            "フリガナ": row["kana"],
            "生年月日": date_text(row["birth_date"], foreign=foreign),
            "性別": {"1": "男", "2": "女"}.get(row["sex"], ""),
            "転出前の住所": row["address"],
            "転出先の住所（予定）": destination,
            "転出予定年月日": date_text(row["since"], foreign=foreign),
            "経過日数": f"{row['overdue_days']}日",
        },
    )


def _inquirable(row: dict[str, Any]) -> bool:
    return not row["masked"] and row["reason"] == "転出" and bool(row["destination"])


@document(KIND, title=TITLE, functions=("710",))
def move_in_notice_inquiry(
    *,
    staff: Any,
    person_id: int,
    on: dt.date | None = None,
    days: int | None = None,
    made_on: dt.date | None = None,
) -> RegisterDocument:
    """The inquiry about one person of the 未着一覧."""
    rows = move_outs.not_arrived(staff=staff, on=on, days=days, screen=SCREEN)
    found = [r for r in rows if r["id"] == person_id and _inquirable(r)]
    if not found:
        raise violation(
            "not_found",
            "転入通知未着者一覧にいない住民です（支援措置の対象者は支援措置担当の職員が作成します）。",
            "person_id",
        )
    return _inquiry(found[0], made_on or timezone.localdate())


def inquiries(
    *,
    staff: Any,
    on: dt.date | None = None,
    days: int | None = None,
    made_on: dt.date | None = None,
) -> list[RegisterDocument]:
    """One inquiry per person of the 未着一覧 with a 転出先 (the list's order)."""
    rows = move_outs.not_arrived(staff=staff, on=on, days=days, screen=SCREEN)
    made_on = made_on or timezone.localdate()
    return [_inquiry(r, made_on) for r in rows if _inquirable(r)]
