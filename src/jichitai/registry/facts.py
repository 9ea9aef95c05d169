"""Reading the event log: the facts of some entities, up to a date, as the register knew them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast

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
    # ``after`` read as its JSON text and decoded here: most values are plain strings, which need
    # no JSON parser (the ORM's converter parsed each one, most of a large read's cost)
    rows = qs.annotate(after_json=Cast("after", TextField())).values_list(
        "entity_id", "field", "after_json", "effective_date", "approval_seq", "id"
    )
    for f in rows:
        out.setdefault(f[0], []).append(
            Fact(entity, f[0], f[1], _json(f[2]), f[3].isoformat(), f[4], f[5])
        )
    return out


def _json(text: str | None) -> Any:
    """A JSON text as its value (SQL NULL as None): a string without escapes by slicing."""
    if text is None:
        return None
    if text[:1] == '"' and "\\" not in text:
        return text[1:-1]
    return json.loads(text)
