"""Template filters of the register screens: ``{% load registry_tags %}``.

Registered with the template engine by :mod:`jichitai.web.registry.apps` (see ``register_library``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from jichitai import wareki as _wareki

register = template.Library()


@register.filter(name="wareki")
def wareki_filter(value: Any, precision: str = "day") -> str:
    """``{{ d|wareki }}`` → 令和6年4月1日; ``{{ d|wareki:"month" }}`` for 日不詳 ([90]: 和暦 only)."""
    return _wareki.format_date(_local(value), precision or "day")


@register.filter
def wareki_time(value: Any, seconds: str = "") -> str:
    """``{{ t|wareki_time }}`` → 令和8年12月1日 07:30, ``{{ t|wareki_time:"s" }}`` with seconds ([90]
    covers every screen; local time, since a UTC date can be the day before)."""
    if not isinstance(value, dt.datetime):
        return _wareki.format_date(value)
    local = _local(value)
    return f"{_wareki.format_date(local)} {local:%H:%M:%S}" if seconds else f"{_wareki.format_date(local)} {local:%H:%M}"


def _local(value: Any) -> Any:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter(name="seireki")
def seireki_filter(value: Any, precision: str = "day") -> str:
    """``{{ d|seireki }}`` → 2024年4月1日: only a foreign resident's 生年月日 and 在留期間の満了の日."""
    return _wareki.format_seireki(value, precision or "day")


@register.filter
def wareki_only(value: Any) -> str:
    return _wareki.wareki(value)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key, "") if hasattr(mapping, "get") else mapping[key]
    except (KeyError, IndexError, TypeError):
        return ""


@register.simple_tag
def moji_radicals() -> list:
    """The 214 部首 for the 文字選択 panel's <select> ([340]#7; cheap, loads no data)."""
    from jichitai.moji import picker

    return picker.radicals()
