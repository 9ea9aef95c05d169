"""[1330] 無作為抽出・条件指定抽出: residents drawn at random by 性別, 生年月日, 地区, 人数 and
日本人・外国人の別, with their 宛名シール (labels as data: 郵便番号, 住所, 氏名; printing is issue 12).

Used for surveys (世論調査, 裁判員 …): the list leaves the office, so a protected person and anyone
of a household with a protected member are never drawn, whoever runs it
(``selectors.rosters.third_party_rows``). A draw is repeatable with its seed (reported in the counts).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from ..errors import RegistryError, RuleViolation
from ..selectors.rosters import third_party_rows
from .common import BatchResult, Params, Progress, csv_file, log, tick
from .inspection import FILTER_PARAMS, line, roster_filter, seed_of

MAX_COUNT = 100_000
LIST_FILE, LABEL_FILE = "無作為抽出.csv", "宛名シール.csv"
HEADER = ("番号", "氏名", "生年月日", "性別", "住所")
LABEL_HEADER = ("番号", "郵便番号", "住所", "宛名")


def _postal(code: str) -> str:
    digits = code.replace("-", "")
    return f"〒{digits[:3]}-{digits[3:]}" if len(digits) == 7 else code


def run(params: Mapping[str, Any], progress: Progress | None = None) -> BatchResult:
    p = Params(params, (*FILTER_PARAMS, "count", "seed"))
    flt = roster_filter(p)
    count = p.integer("count", "抽出人数", low=1, high=MAX_COUNT)
    seed = seed_of(p)
    p.check()
    assert count is not None
    pool = list(third_party_rows(flt))
    tick(progress, 0, len(pool))
    if not pool:
        raise RegistryError(
            RuleViolation(
                "empty", "条件に当てはまる住民がいません。条件を見直してください。", "towns"
            )
        )
    # draw over a fixed order (住所順), then list the chosen in 住所順: the seed alone repeats the draw
    chosen = set(random.Random(seed).sample(range(len(pool)), min(count, len(pool))))
    drawn = [r for i, r in enumerate(pool) if i in chosen]
    tick(progress, len(pool), len(pool))
    files = {
        LIST_FILE: csv_file(HEADER, (line(n, r) for n, r in enumerate(drawn, start=1))),
        LABEL_FILE: csv_file(
            LABEL_HEADER,
            (
                (n, _postal(r.postal_code), r.address, f"{r.name}　様")
                for n, r in enumerate(drawn, start=1)
            ),
        ),
    }
    log("random_sample", rows=len(drawn), requested=count, towns=list(flt.towns))
    short = "" if len(drawn) == count else f"（条件に当てはまる住民が{count}人に満たないため全員）"
    return BatchResult(
        {"rows": len(drawn), "requested": count, "seed": seed},
        f"無作為抽出しました（{len(drawn)}人）{short}。宛名シールのデータを作成しました。",
        files,
    )
