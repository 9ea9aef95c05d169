"""Small helpers the document builders share (the municipality, dates as documents print them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jichitai.wareki import format_date, format_seireki


def municipality_code() -> str:
    from jichitai.tenancy.context import current
    from jichitai.tenancy.models import Municipality

    code = (
        Municipality.objects.filter(pk=current().municipality_id)
        .values_list("code", flat=True)
        .first()
    )
    return code or ""


def date_text(value: Any, *, foreign: bool = False) -> str:
    """和暦 on documents; a foreign resident's dates in 西暦 ([90])."""
    if not value:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return format_seireki(day) if foreign else format_date(day)
