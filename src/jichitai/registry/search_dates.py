"""[340]#4/#8 生年月日 as a search condition: 和暦 or 西暦, a whole date, a year and month, or a year.

The condition is a closed range of days: 「昭和55年5月1日」「S55.5.1」「1980-05-01」 one day;
「1980年5月」「昭和55年5月」 a month; 「1980」「1980年」「昭和55年」「S55」 a year. An era year is
replaced by its Gregorian year and cut to the era's own days (昭和64年 is 1989-01-01 … 01-07).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from jichitai.wareki import ERAS, GANNEN, DateInputError, parse_date

_ERA_NAMES = {name: name for name, _, _ in ERAS} | {ini: name for name, ini, _ in ERAS}
_PART = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHR])?(\d{1,4}|元)年?(?:[./-]?(\d{1,2})月?)?$")


def _era_bounds(name: str) -> tuple[dt.date, dt.date]:
    names = [n for n, _, _ in ERAS]
    i = names.index(name)
    end = ERAS[i + 1][2] - dt.timedelta(days=1) if i + 1 < len(ERAS) else dt.date.max
    return ERAS[i][2], end


def birth_range(text: str) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of the condition typed, None for ""; DateInputError otherwise."""
    s = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").upper()
    if not s:
        return None
    try:
        d = parse_date(s)
    except DateInputError:
        d = None
    if d is not None:
        return d, d
    m = _PART.match(s)
    if not m:
        raise DateInputError(text)
    era, y, mo = m.groups()
    if era is None and (y == "元" or len(y) != 4):
        raise DateInputError(text)  # a bare 2-digit year is ambiguous: 和暦 needs its era
    year = 1 if y == "元" else int(y)
    lo_bound, hi_bound = dt.date.min, dt.date.max
    if era is not None:
        name = _ERA_NAMES[era]
        lo_bound, hi_bound = _era_bounds(name)
        year = GANNEN[name] + year - 1
    if not 1 <= year <= 9999:
        raise DateInputError(text)
    if mo is None:
        lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
    else:
        month = int(mo)
        if not 1 <= month <= 12:
            raise DateInputError(text)
        lo, hi = dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    lo, hi = max(lo, lo_bound), min(hi, hi_bound)
    if lo > hi:
        raise DateInputError(text)  # 平成32年: that era year does not exist
    return lo, hi
