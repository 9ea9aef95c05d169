"""[1310] 成年被後見人: the 転出 notices of a period as a batch ([1310]#2), one file per notice.

[1310]#1 (the 設定) is the person item 成年被後見人の該当有無 (``adult_ward``), set by 職権修正.
[1310]#3 is a must-not: no 一覧表 of 成年被後見人 — this batch writes one document per person and
no list (no file names anyone; the run counts only), EUC offers no such item, and no route lists
them (``tests/registry/test_batch_lists.py``). Staff without need-to-know get no notice for a
protected person: the support staff runs the same batch for those.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from ..documents import build
from ..documents.adult_ward import KIND, SCREEN
from ..errors import RegistryError, RuleViolation
from ..selectors.rosters import moving_wards
from .common import BatchResult, Params, Progress, document_file, log, staff_id, tick


def run(params: Mapping[str, Any], progress: Progress | None = None) -> BatchResult:
    p = Params(params, ("since", "until"))
    since = p.date("since", "転出予定日（から）", required=True)
    until = p.date("until", "転出予定日（まで）", required=True)
    if since and until and since > until:
        p.errors.append(
            RuleViolation("range", "転出予定日の範囲が逆です（から ≦ まで）。", "since")
        )
    p.check()
    assert since is not None and until is not None
    staff = staff_id()
    found = moving_wards(since, until, staff=staff, screen=SCREEN)
    today = timezone.localdate()
    files: dict[str, bytes] = {}
    for n, row in enumerate(found, start=1):
        try:
            doc = build(KIND, staff=staff, person_id=row["id"], made_on=today)
        except RegistryError:
            continue  # protected since the read: made by the support staff
        files[f"成年被後見人転出通知_{n:04d}.json"] = document_file(doc)
        tick(progress, n, len(found))
    log("adult_ward_notices", notices=len(files), since=since.isoformat(), until=until.isoformat())
    return BatchResult(
        {"notices": len(files)},
        f"成年被後見人の転出に関する通知書を{len(files)}通作成しました（1通ずつ・一覧表は作成しません）。",
        files,
    )
