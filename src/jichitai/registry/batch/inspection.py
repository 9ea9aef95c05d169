"""[1320] 住民基本台帳の一部の写し（閲覧用）: the residents a third party may inspect (住基法第11条の2),
chosen by conditions, in 住所順, 五十音順 or a random order, as a CSV file ([1320]#2; PDF is issue 12).

Must never: show anyone under 支援措置, or anyone of a household with a protected member, whoever
runs it — 閲覧 is for third parties, so "支援対象者を除く" is not a choice here but always so
(``selectors.rosters.third_party_rows``): the 閲覧 of a protected person is an error ([440]#1)
that only the 支援措置責任者 lifts, after 審査, for a while (``support.release_inspection``): a copy
made meanwhile holds her, names her in ``InspectionCopy.admitted`` and alerts. Every copy made is
recorded with the persons in it ([360]#1: a person's 交付履歴 shows the 閲覧用写し that held her). The file holds the four items of 法第11条 (氏名, 生年月日,
性別, 住所) and a line number: no 宛名番号 or any other identifier.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Mapping
from typing import Any

from .. import support
from ..errors import RegistryError, RuleViolation
from ..inspection_models import InspectionCopy, InspectionCopyEntry
from ..selectors.rosters import RosterFilter, RosterRow, third_party_rows
from .common import BatchResult, Params, Progress, csv_file, log, tick

ORDERS = {"address": "住所順", "kana": "五十音順", "random": "ランダム順"}
SEXES = {"": "指定なし", "1": "男", "2": "女"}
RESIDENT_TYPES = {"": "指定なし", "japanese": "日本人住民", "foreign": "外国人住民"}
FILTER_PARAMS = ("towns", "sex", "born_from", "born_to", "resident_type")
HEADER = ("番号", "氏名", "生年月日", "性別", "住所")
FILE = "閲覧用写し.csv"


def roster_filter(p: Params) -> RosterFilter:
    """The conditions of [1320]#1 / [1330]#1 (地区 = 町字コード, 性別, 生年月日の範囲, 日本人・外国人)."""
    flt = RosterFilter(
        towns=p.codes("towns"),
        sex=p.choice("sex", "性別", SEXES),
        born_from=p.date("born_from", "生年月日（から）"),
        born_to=p.date("born_to", "生年月日（まで）"),
        resident_type=p.choice("resident_type", "日本人・外国人の別", RESIDENT_TYPES),
    )
    if flt.born_from and flt.born_to and flt.born_from > flt.born_to:
        p.errors.append(
            RuleViolation("range", "生年月日の範囲が逆です（から ≦ まで）。", "born_from")
        )
    return flt


def seed_of(p: Params) -> int:
    """The random order's seed: given (to repeat a draw), else a fresh one reported in the counts."""
    given = p.integer("seed", "乱数の種", low=0, high=2**31 - 1, default=-1)
    return secrets.randbelow(2**31) if given in (None, -1) else given


def line(n: int, r: RosterRow) -> tuple[Any, ...]:
    return (n, r.name, r.birth_text, r.sex, r.address)


def record_copy(
    rows: list[RosterRow], order: str, data: bytes, admitted: set[int]
) -> InspectionCopy:
    """The copy and who is in it, at which line ([360]#1); each admitted protected person alerted."""
    held = sorted({r.key for r in rows} & admitted)
    copy = InspectionCopy.objects.create(
        rows=len(rows), order=order, sha256=hashlib.sha256(data).hexdigest(), admitted=held
    )
    InspectionCopyEntry.objects.bulk_create(
        (
            InspectionCopyEntry(copy=copy, person_id=r.key, line=n)
            for n, r in enumerate(rows, start=1)
        ),
        batch_size=2000,
    )
    for pid in held:
        support.alert_access(
            pid, screen="閲覧用写しの作成", function="inspection.admitted", detail={"copy": copy.pk}
        )
    return copy


def run(params: Mapping[str, Any], progress: Progress | None = None) -> BatchResult:
    p = Params(params, (*FILTER_PARAMS, "order", "seed"))
    flt = roster_filter(p)
    order = p.choice("order", "並び順", ORDERS, "address")
    seed = seed_of(p)
    p.check()
    admitted = support.inspection_admitted()
    rows = list(third_party_rows(flt, admitted=admitted))
    if order == "kana":
        rows.sort(key=lambda r: (r.kana, r.birth_date, r.key))
    elif order == "random":
        random.Random(seed).shuffle(rows)
    tick(progress, len(rows), len(rows))
    if not rows:
        raise RegistryError(
            RuleViolation(
                "empty", "条件に当てはまる住民がいません。条件を見直してください。", "towns"
            )
        )
    data = csv_file(HEADER, (line(n, r) for n, r in enumerate(rows, start=1)))
    copy = record_copy(rows, order, data, admitted)
    log(
        "inspection_copy",
        rows=len(rows),
        order=order,
        towns=list(flt.towns),
        copy=copy.pk,
        admitted=len(copy.admitted),
    )
    counts = {"rows": len(rows)} | ({"seed": seed} if order == "random" else {})
    return BatchResult(
        counts, f"閲覧用写しを作成しました（{len(rows)}件・{ORDERS[order]}）。", {FILE: data}
    )
