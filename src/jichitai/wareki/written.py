"""Dates kept as written ([80]#1/#2): 不詳日 and days that are not on the calendar.

``parse_written`` reads 「昭和55年頃」, 「推定平成2年3月」, 「令和2年春」, 「令和2年5月上旬」,
「令和2年5月中旬頃」, 「年月日不詳」, 「令和2年 月日不詳」, 「令和2年5月 日不詳」, 「令和2年5月1日から5月10日頃までの間」,
「平成元年2月29日」 (a common year) … and returns the text as written with an internal date and a
precision. The internal date is the first day the text can mean (年 → 1月1日, 春 → 3月1日, 上旬 → 1日,
中旬 → 11日, 下旬 → 21日, a range → its first day, a day past the month's end → the month's last day;
「年月日不詳」 → 0001-01-01): it sorts and compares, and nothing computes a date from it ([80]#4: no
みなし生年月日; the register shows and sends the text).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass

from . import ERA_TABLE, DateInputError, era_date, parse_date

UNKNOWN_DATE = dt.date(1, 1, 1)  # 「年月日不詳」: no part known
_SEASONS = {"春": 3, "夏": 6, "秋": 9, "冬": 12}
_TENDAYS = {"上旬": 1, "中旬": 11, "下旬": 21}
_TOKENS = re.compile(r"(?:\d{1,2}月|\d{1,2}日|推定|頃|春|夏|秋|冬|上旬|中旬|下旬|月日不詳|日不詳|から|までの間|まで)*")


@dataclass(frozen=True)
class Written:
    date: dt.date  # internal date (see the module docstring)
    text: str  # as written; "" when it is a plain calendar date
    precision: str  # day | month | year (what the internal date's parts mean)


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").replace(" ", "").replace("\u3000", "").strip()


def parse_written(text: str) -> Written | None:
    """A date as a clerk writes it, 不詳 parts and odd days included; None for ""."""
    s = _normal(text)
    if not s:
        return None
    try:
        d = parse_date(s)
    except DateInputError as exc:
        if exc.message:  # an era that had ended: say so rather than keep it as written
            raise
    else:
        assert d is not None
        return Written(d, "", "day")
    written = (text or "").strip()
    if s == "年月日不詳":
        return Written(UNKNOWN_DATE, written, "year")
    names = "|".join([e.name for e in ERA_TABLE])
    m = re.match(rf"^(推定)?({names})(元|\d{{1,2}})年(.*)$", s)
    if m is None or not _TOKENS.fullmatch(m.group(4)):
        raise DateInputError(text)
    era, y, rest = m.group(2), m.group(3), m.group(4)
    year = 1 if y == "元" else int(y)
    month_m = re.search(r"(\d{1,2})月", rest)
    day_m = re.search(r"(\d{1,2})日", rest)
    month = int(month_m.group(1)) if month_m else next((v for k, v in _SEASONS.items() if k in rest), 1)
    day = int(day_m.group(1)) if day_m else next((v for k, v in _TENDAYS.items() if k in rest), 1)
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise DateInputError(text)
    gregorian_year = _gannen(era) + year - 1
    day = min(day, monthrange(gregorian_year, month)[1])  # 2月29日 of a common year → 2月28日
    d = era_date(text, era, year, month, day)
    precision = "day" if day_m else "month" if month_m else "year"
    return Written(d, written, precision)


def _gannen(era: str) -> int:
    return next(e.gannen for e in ERA_TABLE if e.name == era)
