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
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Era:
    """One row of the era table ([280]#1): a new 元号 is one more row (``set_eras``), no code."""

    name: str
    initial: str
    start: dt.date  # first day shown in this era
    gannen: int  # the Gregorian year of its 元年
    # the old era's name is still right on this era's first day ([80]#2: 明治45年7月30日 and
    # 大正15年12月25日 are days of both eras; 平成 and 令和 began the day after the old era ended)
    shared_first_day: bool = False


ERA_TABLE: tuple[Era, ...] = (
    Era("明治", "M", dt.date(1873, 1, 1), 1868),
    Era("大正", "T", dt.date(1912, 7, 30), 1912, shared_first_day=True),
    Era("昭和", "S", dt.date(1926, 12, 25), 1926, shared_first_day=True),
    Era("平成", "H", dt.date(1989, 1, 8), 1989),
    Era("令和", "R", dt.date(2019, 5, 1), 2019),
)
# derived views of the table (name, initial, first day), newest last; rebuilt by set_eras
ERAS: tuple[tuple[str, str, dt.date], ...] = ()
GANNEN: dict[str, int] = {}
_BY_NAME: dict[str, dt.date] = {}


def set_eras(table: tuple[Era, ...]) -> tuple[Era, ...]:
    """Replace the era table (the [280]#2 parameter: a new 元号 is a new row); returns the old one.

    Rows must be in order, each starting after the one before. Deployments call it at start-up
    (settings) with ``ERA_TABLE + (Era(...),)``.
    """
    global ERA_TABLE, ERAS, GANNEN, _BY_NAME
    if any(b.start <= a.start for a, b in zip(table, table[1:], strict=False)):
        raise ValueError("eras must be in order of their first day")
    old, ERA_TABLE = ERA_TABLE, tuple(table)
    ERAS = tuple((e.name, e.initial, e.start) for e in ERA_TABLE)
    GANNEN = {e.name: e.gannen for e in ERA_TABLE}
    _BY_NAME = {e.name: e.start for e in ERA_TABLE} | {e.initial: e.start for e in ERA_TABLE}
    _compile()
    return old


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
_ERA = re.compile("$^")


def _compile() -> None:
    global _ERA
    names = "|".join([e.name for e in ERA_TABLE] + [e.initial for e in ERA_TABLE])
    _ERA = re.compile(rf"^({names})(元|\d{{1,2}})[年./-](\d{{1,2}})[月./-](\d{{1,2}})日?$")


class DateInputError(ValueError):
    """A date that cannot be read; ``message`` says why in Japanese when it is more than format
    (an era that had ended or not begun: 「平成31年5月1日は令和元年5月1日です。」)."""

    def __init__(self, text: str, message: str = "") -> None:
        super().__init__(text)
        self.text = text
        self.message = message


def parse_date(text: str) -> dt.date | None:
    """A date typed by a clerk: 2024-04-01, 2024/4/1, 20240401, 令和6年4月1日, R6.4.1, 令和元年5月1日.

    Full-width digits are accepted. "" → None. Raises DateInputError for anything else, including
    an era year that does not exist (平成32年) or a date before the era began; then ``message``
    names the right era. 明治45年7月30日 and 大正15年12月25日 are accepted ([80]#2).
    """
    s = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").upper()
    if not s:
        return None
    if m := _ERA.match(s):
        era, y, mo, da = m.groups()
        return era_date(text, _era_name(era), 1 if y == "元" else int(y), int(mo), int(da))
    m = _ISO.match(s) or _COMPACT.match(s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise DateInputError(text) from None
    raise DateInputError(text)


def era_date(text: str, era: str, year: int, month: int, day: int) -> dt.date:
    """The day 「{era}{year}年{month}月{day}日」 names; DateInputError (with an era-aware message)
    when that era had not begun or had ended on that day."""
    try:
        d = dt.date(GANNEN[era] + year - 1, month, day)
    except (ValueError, OverflowError):
        raise DateInputError(text) from None
    if year < 1:
        raise DateInputError(text, f"{era}{year}年という年はありません。")
    actual = era_of(d)
    if actual is not None and actual[0] == era:
        return d
    if _shared_first_day(era, d):
        return d
    if actual is None:
        raise DateInputError(text, f"{_year_text_of(era, year)}{month}月{day}日は{era}の始まる前の日付です。"
                                   "元号を確かめて入力してください。")
    written = f"{_year_text_of(era, year)}{month}月{day}日"
    raise DateInputError(text, f"{written}は{wareki(d)}です。{wareki(d)}と入力してください。")


def _year_text_of(era: str, year: int) -> str:
    return f"{era}{_year_text(year)}"


def _shared_first_day(era: str, d: dt.date) -> bool:
    """[80]#2: the first day of 大正 and of 昭和 is still written in the old era."""
    for old, new in zip(ERA_TABLE, ERA_TABLE[1:], strict=False):
        if old.name == era and new.shared_first_day and d == new.start:
            return True
    return False


def _era_name(era: str) -> str:
    for e in ERA_TABLE:
        if era in (e.name, e.initial):
            return e.name
    raise DateInputError(era)  # pragma: no cover


set_eras(ERA_TABLE)
