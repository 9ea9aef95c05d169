"""和暦: era boundaries, 元年, and round trips between display and input (property-based)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.wareki import (
    ERAS,
    GANNEN,
    DateInputError,
    era_of,
    format_date,
    format_seireki,
    parse_date,
    wareki,
)

D = dt.date
dates = st.dates(min_value=D(1873, 1, 1), max_value=D(2100, 12, 31))


@pytest.mark.parametrize(("day", "text"), [
    (D(1873, 1, 1), "明治6年1月1日"),
    (D(1912, 7, 29), "明治45年7月29日"),
    (D(1912, 7, 30), "大正元年7月30日"),
    (D(1926, 12, 24), "大正15年12月24日"),
    (D(1926, 12, 25), "昭和元年12月25日"),
    (D(1989, 1, 7), "昭和64年1月7日"),
    (D(1989, 1, 8), "平成元年1月8日"),
    (D(2019, 4, 30), "平成31年4月30日"),
    (D(2019, 5, 1), "令和元年5月1日"),
    (D(2024, 4, 1), "令和6年4月1日"),
])
def test_era_boundaries(day: dt.date, text: str) -> None:
    assert wareki(day) == text
    assert format_date(day) == text


def test_before_meiji_6_and_empty_values() -> None:
    assert format_date(D(1872, 12, 31)) == "1872年12月31日"  # no era before 明治6年 here
    assert format_date(None) == "" and format_date("") == ""
    # [90]#1/#3: 和暦 only, never 西暦 beside it
    assert format_date("2024-04-01") == "令和6年4月1日"
    assert format_date(D(1980, 5, 1), "month") == "昭和55年5月日不詳"
    assert format_date(D(1980, 5, 1), "year") == "昭和55年月日不詳"
    # [90]#2/#4: 西暦 only for a foreign resident's 生年月日 and 在留期間の満了の日
    assert format_seireki("2024-04-01") == "2024年4月1日"
    assert format_seireki(D(1980, 5, 1), "month") == "1980年5月日不詳"
    assert format_seireki(D(1980, 5, 1), "year") == "1980年月日不詳"


@given(dates)
def test_display_parses_back_to_the_same_day(day: dt.date) -> None:
    assert parse_date(wareki(day)) == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(format_date(day)) == day


@pytest.mark.std("90#1", "90#3")
@given(dates, st.sampled_from(["day", "month", "year"]))
def test_screen_dates_are_wareki_only(day: dt.date, precision: str) -> None:
    """[90]#3 must not: 西暦 or 和暦・西暦併記 for a Japanese resident's dates."""
    text = format_date(day, precision)
    assert text.startswith(era_of(day)[0])  # type: ignore[index]
    assert "（" not in text and "-" not in text and str(day.year) not in text


@pytest.mark.std("90#2", "90#4")
@given(dates, st.sampled_from(["day", "month", "year"]))
def test_foreign_residents_dates_are_seireki_only(day: dt.date, precision: str) -> None:
    """[90]#4 must not: 和暦 for a foreign resident's 生年月日 and 在留期間の満了の日."""
    text = format_seireki(day, precision)
    assert text.startswith(f"{day.year}年")
    assert not any(era in text for era, *_ in ERAS)


@given(dates)
def test_era_year_is_positive_and_first_year_is_gannen(day: dt.date) -> None:
    era = era_of(day)
    assert era is not None
    name, year = era
    start = next(s for n, _, s in ERAS if n == name)
    assert start <= day and year == day.year - GANNEN[name] + 1 >= 1
    assert ("元年" in wareki(day)) == (year == 1)
    # the next era has not begun yet
    later = [s for _, _, s in ERAS if s > start]
    assert not later or day < min(later)


@given(dates)
def test_consecutive_days_stay_in_an_era_or_start_the_next_with_gannen(day: dt.date) -> None:
    nxt = day + dt.timedelta(days=1)
    (a, ya), (b, yb) = era_of(day), era_of(nxt)  # type: ignore[misc]
    if a == b:
        assert yb in (ya, ya + 1)
    else:
        assert yb == 1 and [n for n, _, _ in ERAS].index(b) == [n for n, _, _ in ERAS].index(a) + 1


@given(dates)
def test_initial_and_dotted_input(day: dt.date) -> None:
    name, year = era_of(day)  # type: ignore[misc]
    initial = next(i for n, i, _ in ERAS if n == name)
    assert parse_date(f"{initial}{year}.{day.month}.{day.day}") == day
    assert parse_date(f"{initial.lower()}{year}/{day.month}/{day.day}") == day
    assert parse_date(day.strftime("%Y%m%d")) == day


@pytest.mark.parametrize("text", ["平成32年1月1日", "令和元年4月30日", "昭和0年1月1日", "2024-02-30", "きのう", "R6.13.1"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(DateInputError):
        parse_date(text)


def test_full_width_input() -> None:
    assert parse_date("令和６年４月１日") == D(2024, 4, 1)
    assert parse_date("２０２４－０４－０１") == D(2024, 4, 1)
    assert parse_date("  ") is None


def test_template_filter() -> None:
    from django.template import Context, Template

    out = Template('{% load registry_tags %}{{ d|wareki }}|{{ d|wareki:"month" }}').render(
        Context({"d": D(2019, 5, 1)}))
    assert out == "令和元年5月1日|令和元年5月日不詳"
