"""和暦 (Japanese era) dates: shown on screens and documents, and accepted as input. Pure (stdlib only).

Eras from 明治 on. 明治 starts here on 1873-01-01 (the day Japan adopted the Gregorian calendar;
earlier 明治 dates were lunar-calendar dates and are shown in 西暦 only). The first year of an era is
written 元年. Display ([90]): ``令和6年4月1日`` (和暦 only); ``format_seireki`` ``2024年4月1日`` only for a foreign
resident's 生年月日 and 在留期間の満了の日.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

# (name, initial, first day shown in this era); newest last
ERAS: tuple[tuple[str, str, dt.date], ...] = (
    ("明治", "M", dt.date(1873, 1, 1)),
    ("大正", "T", dt.date(1912, 7, 30)),
    ("昭和", "S", dt.date(1926, 12, 25)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("令和", "R", dt.date(2019, 5, 1)),
)
# the Gregorian year of each era's 元年 (明治元年 is 1868, though 明治 dates are shown from 明治6年)
GANNEN = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_BY_NAME = {name: start for name, _, start in ERAS} | {ini: start for _, ini, start in ERAS}


def era_of(d: dt.date) -> tuple[str, int] | None:
    """(era name, era year) of ``d``; None before 1873-01-01."""
    for name, _, start in reversed(ERAS):
        if d >= start:
            return name, d.year - GANNEN[name] + 1
    return None


def _year_text(year: int) -> str:
    return "元年" if year == 1 else f"{year}年"


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def wareki(value: Any) -> str:
    """``令和6年4月1日`` (和暦 only); the ISO date when before 明治6年; "" for no date."""
    d = _as_date(value)
    if d is None:
        return ""
    era = era_of(d)
    if era is None:
        return d.isoformat()
    return f"{era[0]}{_year_text(era[1])}{d.month}月{d.day}日"


def format_date(value: Any, precision: str = "day") -> str:
    """和暦 only, as the standard's [90] wants on screens and certificates: ``令和6年4月1日``.

    ``precision`` "month" / "year" for a 生年月日 with unknown parts: ``昭和55年5月日不詳``,
    ``昭和55年月日不詳``. A date before 明治 has no era here and is written in 西暦.
    """
    d = _as_date(value)
    if d is None:
        return "" if not value else str(value)
    era = era_of(d)
    if era is None:
        return format_seireki(d, precision)
    year = f"{era[0]}{_year_text(era[1])}"
    if precision == "year":
        return f"{year}月日不詳"
    if precision == "month":
        return f"{year}{d.month}月日不詳"
    return wareki(d)


def format_seireki(value: Any, precision: str = "day") -> str:
    """西暦 only: ``1980年5月1日`` ([90]: a foreign resident's 生年月日 and 在留期間の満了の日)."""
    d = _as_date(value)
    if d is None:
        return "" if not value else str(value)
    if precision == "year":
        return f"{d.year}年月日不詳"
    if precision == "month":
        return f"{d.year}年{d.month}月日不詳"
    return f"{d.year}年{d.month}月{d.day}日"


_ISO = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ERA = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHR])(元|\d{1,2})[年./-](\d{1,2})[月./-](\d{1,2})日?$")


class DateInputError(ValueError):
    pass


def parse_date(text: str) -> dt.date | None:
    """A date typed by a clerk: 2024-04-01, 2024/4/1, 20240401, 令和6年4月1日, R6.4.1, 令和元年5月1日.

    Full-width digits are accepted. "" → None. Raises DateInputError for anything else, including
    an era year that does not exist (平成32年) or a date before the era began.
    """
    s = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").upper()
    if not s:
        return None
    if m := _ERA.match(s):
        era, y, mo, da = m.groups()
        start = _BY_NAME[era]
        year = 1 if y == "元" else int(y)
        try:
            d = dt.date(GANNEN[_era_name(era)] + year - 1, int(mo), int(da))
        except ValueError:
            raise DateInputError(text) from None
        if year < 1 or d < start or era_of(d) is None or era_of(d)[0] != _era_name(era):  # type: ignore[index]
            raise DateInputError(text)
        return d
    m = _ISO.match(s) or _COMPACT.match(s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise DateInputError(text) from None
    raise DateInputError(text)


def _era_name(era: str) -> str:
    for name, ini, _ in ERAS:
        if era in (name, ini):
            return name
    raise DateInputError(era)  # pragma: no cover
