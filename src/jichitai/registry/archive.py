"""9.3 除票用データベースへの移行 ([1300]#1, #2; [50]#5, #7): 除票 whose 消除 is 5 years past move
from the register's database into the 除票用データベース (archive_models.py) and are deleted from
the register's database in the same transaction, in batches, so the counter never waits.

What moves, per person: the person's row (its last record, with the read layer's 転出予定日 rule
applied, [50]#1), every field change of its history (異動明細) and the 除票's own items. What stays:
the 異動 log entries (append-only; the 処理年月日順 of [50]#8) and the households.

What does not move (counted as ``kept``): a 除票 that still has rows tied to it in the register —
a 支援措置 (active or not: its protection and its record are managed where the 支援措置 rules
apply, selectors/access.py), a 抑止, 備考, 留意事項 or 再製 — and the head of a current household.
Never deletes anything it has not copied in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .archive_models import AFTER_YEARS, KEEP_YEARS, ArchivedRecord
from .holds_models import Hold
from .models import EventFact, Household, Person, PersonStatus, SupportMeasure
from .records_models import EventRemark, PersonNote, Reissue
from .selectors import move_outs

REMOVED = (PersonStatus.MOVED_OUT, PersonStatus.DEAD, PersonStatus.DELETED)
# ArchivedRecord.history: one list per 異動明細 in this column order, in 本登録順
HISTORY_COLUMNS = ("event_id", "field", "before", "after", "effective_date", "approval_seq")
EXEMPT = "除票用データベースへの移行（画面に表示しない、移行の操作ログあり）"


def cutoff(today: dt.date | None = None, years: int = AFTER_YEARS) -> dt.date:
    """The last 消除日 that is "５年を経過した" on ``today``."""
    return (today or timezone.localdate()) - relativedelta(years=years)


def _linked() -> Q:
    """Rows in the register that tie a person to it (they keep the 除票 where it is)."""
    ties = [
        m.objects.filter(person_id=OuterRef("pk"))
        for m in (SupportMeasure, Hold, EventRemark, PersonNote, Reissue)
    ]
    q = Q(Exists(Household.objects.filter(head_id=OuterRef("pk"), active=True)))
    for t in ties:
        q |= Q(Exists(t))
    return q


def due(until: dt.date) -> Any:
    """The 除票 whose 消除日 (or 転出予定日 come, [50]#1) is on or before ``until`` (key queryset)."""
    removed = Q(status__in=REMOVED, removed_on__lte=until) | move_outs.gone(until)
    return Person.objects.filter(removed).order_by("pk")


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v) for k, v in row.items()
    }


def _addresses(household_ids: set[int]) -> dict[int, tuple[str, str]]:
    rows = Household.objects.filter(pk__in=household_ids).values_list(
        "pk", "household_no", "address__name", "banchi", "katagaki"
    )
    return {
        pk: (no, f"{town or ''}{banchi}{' ' + kata if kata else ''}".strip())
        for pk, no, town, banchi, kata in rows
    }


def _record(
    row: dict[str, Any], facts: list[dict[str, Any]], where: tuple[str, str]
) -> ArchivedRecord:
    row = move_outs.effective(row)
    removed_on = (
        row["removed_on"]
        if isinstance(row["removed_on"], dt.date)
        else dt.date.fromisoformat(str(row["removed_on"]))
    )
    status = str(row["status"])
    return ArchivedRecord(
        person_id=row["id"],
        atena_no=row["atena_no"],
        family_name=row["family_name"],
        given_name=row["given_name"],
        family_name_kana=row["family_name_kana"],
        given_name_kana=row["given_name_kana"],
        name_key=row["name_key"],
        kana_key=row["kana_key"],
        birth_date=row["birth_date"],
        sex=row["sex"],
        resident_type=row["resident_type"],
        status=status,
        removed_on=removed_on,
        resident_code=row["resident_code"],
        household_no=where[0],
        last_address=where[1][:400],
        record=_json(row),
        history=[[v.isoformat() if isinstance(v, dt.date) else v for v in f] for f in facts],
        removal={
            "reason": PersonStatus(status).label,
            "removed_on": removed_on.isoformat(),
            "planned_destination": row["move_out_destination"],
            "confirmed_destination": row["move_out_confirmed_destination"],
            "move_out_planned_on": _json({"d": row["move_out_planned_on"]})["d"],
            "notified_on": _json({"d": row["move_in_notice_on"]})["d"],
        },
        keep_until=removed_on + relativedelta(years=KEEP_YEARS),
    )


def move_batch(ids: list[int], until: dt.date) -> int:
    """Copy then delete one batch, in one transaction; returns how many moved."""
    with transaction.atomic():
        rows = list(
            due(until)
            .filter(pk__in=ids)
            .exclude(_linked())
            .select_for_update()
            .without_read_log(EXEMPT)
            .values()
        )
        if not rows:
            return 0
        moving = [r["id"] for r in rows]
        facts: dict[int, list[list[Any]]] = defaultdict(list)
        for f in (
            EventFact.objects.filter(entity="person", entity_id__in=moving)
            .order_by("approval_seq", "pk")
            .values(
                "entity_id",
                "event_id",
                "field",
                "before",
                "after",
                "effective_date",
                "approval_seq",
            )
        ):
            # compact rows (HISTORY_COLUMNS): a person's history is ~35 changes, half the bytes
            facts[f["entity_id"]].append([f[c] for c in HISTORY_COLUMNS])
        where = _addresses({r["household_id"] for r in rows})
        ArchivedRecord.objects.bulk_create(
            [_record(r, facts[r["id"]], where.get(r["household_id"], ("", ""))) for r in rows]
        )
        EventFact.objects.filter(entity="person", entity_id__in=moving).delete()
        Household.objects.filter(head_id__in=moving, active=False).update(head=None)
        Person.objects.without_read_log(EXEMPT).filter(pk__in=moving).delete()
    return len(moving)


def archive_removed(
    *,
    today: dt.date | None = None,
    years: int = AFTER_YEARS,
    batch_size: int = 500,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Move every due 除票 in batches of ``batch_size`` (each its own transaction)."""
    until = cutoff(today, years)
    ids = list(due(until).values_list("pk", flat=True)[: limit or None])
    moved = 0
    for start in range(0, len(ids), batch_size):
        moved += move_batch(ids[start : start + batch_size], until)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return {"due": len(ids), "moved": moved, "kept": len(ids) - moved}
