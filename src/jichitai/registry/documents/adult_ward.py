"""[1310]#2 成年被後見人の転出に関する通知書: sent to the 転入地 when a 成年被後見人 moves out.

One document per person (never a list of 成年被後見人: [1310]#3 is a must-not). Read through the
read layer (``selectors.rosters.moving_ward``): a protected person's notice is made only by staff
with need-to-know. Rendering is issue 12's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jichitai.tenancy.context import current
from jichitai.tenancy.models import Municipality
from jichitai.wareki import format_date

from ..errors import violation
from ..selectors.rosters import moving_ward
from . import RegisterDocument, document

KIND = "adult_ward_move_out_notice"
TITLE = "成年被後見人の転出に関する通知書"
SCREEN = "成年被後見人転出通知"


def municipality_code() -> str:
    """The 地方公共団体コード of the municipality the document is made for."""
    code = (
        Municipality.objects.filter(pk=current().municipality_id)
        .values_list("code", flat=True)
        .first()
    )
    return str(code or "")


@document(KIND, title=TITLE, functions=("1310",))
def adult_ward_notice(
    *, staff: Any, person_id: int, made_on: dt.date | None = None
) -> RegisterDocument:
    row = moving_ward(person_id, staff=staff, screen=SCREEN)
    if row is None:
        raise violation(
            "not_found",
            "転出した成年被後見人が見つかりません（支援措置の対象者は支援措置担当の職員が作成します）。",
            "person_id",
        )
    made_on = made_on or timezone.localdate()
    return RegisterDocument(
        kind=KIND,
        title=TITLE,
        functions=("1310",),
        municipality_code=municipality_code(),
        made_on=made_on,
        person_ids=(row["id"],),
        fields={
            "作成日": format_date(made_on),
            "宛先": f"{row['destination']}（転入地の市区町村長）",
            "氏名": row["name"],
            "フリガナ": row["kana"],
            "生年月日": row["birth_text"],
            "性別": row["sex"],
            "転出前の住所": row["address"],
            "転出先の住所": row["destination"],
            "転出予定年月日": format_date(row["planned_on"]),
            "記載事項": "成年被後見人である旨",
        },
    )
