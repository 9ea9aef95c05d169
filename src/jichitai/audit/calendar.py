"""休業日 for the log analysis ([1370]#4): weekends, 国民の祝日 (current law, with 振替休日 and
国民の休日) and 年末年始 (12月29日–1月3日), as a town hall's counters are closed. Special one-year
moves of holidays (e.g. the 2020/2021 Olympics) are not modelled."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


def _nth_monday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


def _equinox(year: int, base: float) -> int:
    return int(base + 0.242194 * (year - 1980) - int((year - 1980) / 4))


@lru_cache(maxsize=64)
def holidays(year: int) -> frozenset[dt.date]:
    """国民の祝日 of ``year`` (1980–2099 for the equinoxes), with 振替休日 and 国民の休日."""
    d = dt.date
    days = {d(year, 1, 1), _nth_monday(year, 1, 2), d(year, 2, 11), d(year, 3, _equinox(year, 20.8431)),
            d(year, 4, 29), d(year, 5, 3), d(year, 5, 4), d(year, 5, 5), _nth_monday(year, 7, 3),
            d(year, 9, _equinox(year, 23.2488)), _nth_monday(year, 9, 3), _nth_monday(year, 10, 2),
            d(year, 11, 3), d(year, 11, 23)}
    if year >= 2016:
        days.add(d(year, 8, 11))  # 山の日
    if year >= 2020:
        days.add(d(year, 2, 23))  # 天皇誕生日 (令和)
    elif 1989 <= year <= 2018:
        days.add(d(year, 12, 23))
    # 国民の休日: a weekday between two holidays
    between = {x + dt.timedelta(days=1) for x in days
               if x + dt.timedelta(days=2) in days and x + dt.timedelta(days=1) not in days}
    days |= {x for x in between if x.weekday() != 6}
    for x in sorted(days):  # 振替休日: a Sunday holiday moves to the next day that is not one
        if x.weekday() == 6:
            nxt = x + dt.timedelta(days=1)
            while nxt in days:
                nxt += dt.timedelta(days=1)
            days.add(nxt)
    return frozenset(days)


def is_day_off(day: dt.date) -> bool:
    if day.weekday() >= 5:
        return True
    if (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3):
        return True
    return day in holidays(day.year)
