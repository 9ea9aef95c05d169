"""Reading the event log: the facts of some entities, up to a date, as the register knew them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .models import EventFact
from .replay import Fact


def facts_for(entity: str, entity_ids: Iterable[int], until: dt.date | None = None,
              known_at: dt.datetime | None = None) -> dict[int, list[Fact]]:
    qs = EventFact.objects.filter(entity=entity, entity_id__in=list(entity_ids))
    if until is not None:
        qs = qs.filter(effective_date__lte=until)
    if known_at is not None:
        qs = qs.filter(event__registered_at__lte=known_at)
    out: dict[int, list[Fact]] = {}
    for f in qs.values_list("entity_id", "field", "after", "effective_date", "approval_seq", "id"):
        out.setdefault(f[0], []).append(
            Fact(entity, f[0], f[1], f[2], f[3].isoformat(), f[4], f[5])
        )
    return out
