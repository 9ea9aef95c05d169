"""転出の届出期間と転出先: the rules a 転出 (予定・国外) follows before it is planned.

Standard: [640] 届出日以降の異動 (#1 a 転出's 異動日 may follow its 届出日; #2 a 転出届 made more than 14
days after the 異動日 is no 届出: the 転出 is written by 職権, so the 届出 is refused and the clerk
enters a 職権消除), [650] 転出先入力 (#1 a 市区町村 alone will do; #2 from the 住所辞書 by its 住所コード,
or typed directly; #3 a 国外 address for a 国外転出).
"""

from __future__ import annotations

import datetime as dt

from jichitai.wareki import format_date

from ...errors import violation
from ..plan import Planner

REPORT_DAYS = 14  # 住民基本台帳法第24条: a 転出届 after the move, within 14 days


def refuse_late_report(p: Planner, moved_on: dt.date | None) -> None:
    """[640]#2: 届出日 more than 14 days after the 異動日 → no 転出届; 職権消除 instead."""
    moved = moved_on or p.date
    reported = p.reported or p.date
    if (reported - moved).days > REPORT_DAYS:
        raise violation(
            "late_move_out_report",
            f"届出日（{format_date(reported)}）が転出の異動日（{format_date(moved)}）から{REPORT_DAYS}日を経過しています。"
            "この転出は届出ではなく職権で記載します。職権消除で入力してください（転出先も入力できます）。",
            "reported_date")


def dictionary_destination(p: Planner, pid: int, destination: str, code: str) -> None:
    """[650]#2: a 転出先 chosen from the 住所辞書 keeps its 住所コード (and 郵便番号 when none was
    typed); the text typed after the dictionary's address (番地・方書) is the clerk's. Without a code
    the 転出先 is typed directly ([650]#1: a 市区町村 alone is enough)."""
    if not code:
        return
    from ...address_models import AddressDictionary

    entry = AddressDictionary.objects.filter(code=code).first()
    if entry is None:
        raise violation("destination_code", "住所辞書にない住所コードです。住所辞書から選んでください。", "destination_code")
    if not destination.startswith(entry.name):
        raise violation("destination_code", f"転出先は住所辞書の住所（{entry.name}）から始めてください。",
                        "destination")
    p.set("person", pid, "move_out_destination_code", code)
    if entry.postal_code and not p.persons[pid].get("move_out_destination_postal_code"):
        pc = entry.postal_code
        p.set("person", pid, "move_out_destination_postal_code", f"{pc[:3]}-{pc[3:]}")
