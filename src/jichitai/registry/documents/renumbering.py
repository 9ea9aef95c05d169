"""[1340]#1 住居表示の実施等のお知らせ: the 事前・事後の通知 to a household whose address is renumbered.

One document per household, addressed to its 世帯主 (never a list: [1340]#3 forbids a list of the
area's 氏名・住所・世帯主か否か). Read through the read layer (``selectors.rosters.household_head``): a
household with a protected member gets its notice only from staff with need-to-know. Rendering is
issue 12's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jichitai.wareki import format_date

from ..errors import violation
from ..selectors.rosters import household_head
from . import RegisterDocument, document
from .adult_ward import municipality_code

KIND = "address_renumbering_notice"
TITLE = "住居表示の実施等に伴う住所の変更のお知らせ"
SCREEN = "住所一括変更の通知"
TIMINGS = {"before": "事前通知", "after": "事後通知"}


@document(KIND, title=TITLE, functions=("1340",))
def renumbering_notice(
    *,
    staff: Any,
    household_id: int,
    before: str,
    after: str,
    effective: dt.date,
    timing: str = "after",
    made_on: dt.date | None = None,
) -> RegisterDocument:
    head = household_head(household_id, staff=staff, screen=SCREEN)
    if head is None:
        raise violation(
            "not_found",
            "通知の宛先（世帯主）が見つかりません（支援措置の対象者がいる世帯は支援措置担当の職員が作成します）。",
            "household_id",
        )
    made_on = made_on or timezone.localdate()
    verb = "変わります" if timing == "before" else "変わりました"
    return RegisterDocument(
        kind=KIND,
        title=TITLE,
        functions=("1340",),
        municipality_code=municipality_code(),
        made_on=made_on,
        person_ids=(head["id"],),
        fields={
            "作成日": format_date(made_on),
            "区分": TIMINGS[timing],
            "宛先": f"{head['name']}　様",
            "変更前の住所": before,
            "変更後の住所": after,
            "実施日": format_date(effective),
            "本文": f"住居表示の実施等により、{format_date(effective)}からお住まいの住所の表示が{verb}。"
            "お引越しの届出は必要ありません。",
        },
    )
