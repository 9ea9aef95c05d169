"""発行番号 ([1040]): 発行年月日・市区町村名・発行端末名番号・発行プリンタ番号・発行された順に付された
番号・ページ数／総ページ数, one number per copy (#5), never the 発行場所 (#6).

The sequence is per municipality and day, taken in issuance's first (short) transaction: on
PostgreSQL the day's counter row is locked with SELECT … FOR UPDATE until commit; on SQLite the
first write takes the database lock. A refusal rolls its numbers back; a copy that cannot be drawn
afterwards keeps its numbers as 書損 (void), so the day's sequence has no hole.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import F

from jichitai.tenancy.context import current

from ..models import IssuanceCounter


def take(day: dt.date, count: int) -> list[int]:
    """``count`` consecutive sequence numbers of ``day`` (call inside transaction.atomic)."""
    mid = current().municipality_id
    IssuanceCounter.objects.bulk_create(
        [IssuanceCounter(municipality_id=mid, day=day, last=0)], ignore_conflicts=True
    )
    rows = IssuanceCounter.objects.filter(day=day)
    if connection.vendor != "postgresql":
        rows.update(last=F("last"))  # SQLite: take the database's write lock before reading
    row = rows.select_for_update().get()
    first = row.last + 1
    row.last += count
    row.save(update_fields=["last"])
    return list(range(first, first + count))


def copy_number(day: dt.date, municipality: str, terminal: str, printer: str, seq: int) -> str:
    """The number of one copy, without its page part: ``20200502 甲村 本庁1 プリンタ001 011``
    (a device that cannot be told stays blank, [1040]#4)."""
    return " ".join(
        [day.strftime("%Y%m%d"), municipality, terminal or "　", printer or "　", f"{seq:03d}"]
    )


def page_numbers(number: str, pages: int) -> list[str]:
    """The number as printed on each page: ``… 011 1/2``."""
    return [f"{number} {i}/{pages}" for i in range(1, pages + 1)]
