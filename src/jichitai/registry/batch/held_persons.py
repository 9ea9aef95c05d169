"""[1290] 抑止対象者一覧: the holds in force (異動入力・証明書発行・照会; person or household) as a CSV
file, and for staff with need-to-know the persons under 支援措置 too.

For staff without need-to-know, a hold on a protected person or on a household with a protected
member is a masked line (process and level only: no name, number, address, date or reason), as on
the 抑止管理 screen, and no 支援措置 is listed (``selectors.rosters.held_rows``). [1290]#2 (split by
行政区) binds 指定都市 only: there are no wards here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jichitai.wareki import format_date

from ..selectors.rosters import held_rows
from .common import BatchResult, Params, Progress, csv_file, log, staff_id, tick

FILE = "抑止対象者一覧.csv"
HEADER = (
    "番号",
    "抑止する処理",
    "抑止レベル",
    "対象",
    "氏名（世帯は世帯主）",
    "宛名番号・世帯番号",
    "住所",
    "開始日",
    "終了日（予定）",
    "理由",
    "状態",
)


def _date(d: Any) -> str:
    return format_date(d) if d else ""


def run(params: Mapping[str, Any], progress: Progress | None = None) -> BatchResult:
    Params(params, ()).check()
    rows = held_rows(staff=staff_id())
    data = csv_file(
        HEADER,
        (
            (
                n,
                r["process"],
                r["level"],
                r["subject"],
                r["name"],
                r["number"],
                r["address"],
                _date(r["start"]),
                _date(r["end"]),
                r["reason"],
                r["state"],
            )
            for n, r in enumerate(rows, start=1)
        ),
    )
    tick(progress, len(rows), len(rows))
    log("held_persons", rows=len(rows))
    return BatchResult(
        {"rows": len(rows)}, f"抑止対象者一覧を作成しました（{len(rows)}件）。", {FILE: data}
    )
