"""[80] dates as written (不詳日, days off the calendar, the two days of two eras) and [280] the era
table as data: era-aware messages on every boundary, a new 元号 by a parameter change."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jichitai.wareki as wareki_mod
from jichitai.wareki import (
    ERA_TABLE,
    DateInputError,
    Era,
    format_date,
    parse_date,
    set_eras,
    wareki,
)
from jichitai.wareki.written import UNKNOWN_DATE, parse_written

D = dt.date


@pytest.mark.std("80#1")
@pytest.mark.parametrize(("text", "date", "precision"), [
    ("令和2年頃", D(2020, 1, 1), "year"),
    ("令和2年5月頃", D(2020, 5, 1), "month"),
    ("令和2年5月3日頃", D(2020, 5, 3), "day"),
    ("推定令和2年5月3日", D(2020, 5, 3), "day"),
    ("推定令和2年5月", D(2020, 5, 1), "month"),
    ("令和2年春", D(2020, 3, 1), "year"),
    ("令和2年5月上旬", D(2020, 5, 1), "month"),
    ("令和2年5月中旬頃", D(2020, 5, 11), "month"),
    ("年月日不詳", UNKNOWN_DATE, "year"),
    ("令和2年 月日不詳", D(2020, 1, 1), "year"),
    ("令和2年10月 日不詳", D(2020, 10, 1), "month"),
    ("令和2年10月1日から10月5日頃までの間", D(2020, 10, 1), "day"),
    ("令和2年10月推定1日から5日までの間", D(2020, 10, 1), "day"),
    ("令和2年10月1日頃から5日頃までの間", D(2020, 10, 1), "day"),
    ("昭和55年頃", D(1980, 1, 1), "year"),
    ("平成元年8月下旬", D(1989, 8, 21), "month"),
])
def test_every_unknown_date_form_is_kept_as_written_with_an_internal_date(text: str, date: dt.date,
                                                                          precision: str) -> None:
    w = parse_written(text)
    assert w is not None and w.text == text and w.date == date and w.precision == precision


@pytest.mark.std("80#1", "80#2")
@pytest.mark.parametrize(("text", "date"), [
    ("平成元年2月29日", D(1989, 2, 28)),  # 1989 is a common year
    ("令和3年2月29日", D(2021, 2, 28)),
    ("明治45年7月30日", D(1912, 7, 30)),  # also 大正元年7月30日
    ("大正15年12月25日", D(1926, 12, 25)),  # also 昭和元年12月25日
])
def test_days_off_the_calendar_and_the_two_shared_days_are_accepted(text: str, date: dt.date) -> None:
    w = parse_written(text)
    assert w is not None and w.date == date
    assert w.text == ("" if "29" not in text else text)  # a calendar day needs no text
    if "29" not in text:
        assert parse_date(text) == date


@pytest.mark.parametrize("text", ["令和2年ごろ", "令和2年5月32日", "令和2年13月", "昭和55年頃だと思う", "きのう"])
def test_other_texts_are_refused(text: str) -> None:
    with pytest.raises(DateInputError):
        parse_written(text)


def test_the_era_change_is_named_not_called_a_format_error() -> None:
    with pytest.raises(DateInputError) as exc:
        parse_date("平成31年5月1日")
    assert exc.value.message == "平成31年5月1日は令和元年5月1日です。令和元年5月1日と入力してください。"
    with pytest.raises(DateInputError) as exc:
        parse_written("令和元年4月30日頃")
    assert exc.value.message == "令和元年4月30日は平成31年4月30日です。平成31年4月30日と入力してください。"
    with pytest.raises(DateInputError) as exc:
        parse_date("昭和64年1月8日")
    assert exc.value.message == "昭和64年1月8日は平成元年1月8日です。平成元年1月8日と入力してください。"


@st.composite
def near_a_boundary(draw: st.DrawFn) -> tuple[Era, Era, dt.date]:
    i = draw(st.integers(min_value=1, max_value=len(ERA_TABLE) - 1))
    old, new = ERA_TABLE[i - 1], ERA_TABLE[i]
    day = new.start + dt.timedelta(days=draw(st.integers(min_value=-400, max_value=400)))
    return old, new, day


def _written(era: Era, d: dt.date) -> str:
    year = d.year - era.gannen + 1
    return f"{era.name}{'元' if year == 1 else year}年{d.month}月{d.day}日"


@pytest.mark.std("280#1", "80#2")
@given(near_a_boundary())
def test_every_era_boundary_reads_each_day_in_its_own_era_and_names_the_other(case: tuple[Era, Era, dt.date]) -> None:
    old, new, day = case
    right, wrong = (new, old) if day >= new.start else (old, new)
    assert parse_date(_written(right, day)) == day
    assert format_date(day) == _written(right, day).replace(f"{right.name}1年", f"{right.name}元年")
    if day.year - wrong.gannen + 1 < 1:
        return  # the later era's year 0 or less does not exist: no era to name
    text = _written(wrong, day)
    if day == new.start and new.shared_first_day:
        assert parse_date(text) == day  # [80]#2: 明治45年7月30日, 大正15年12月25日
        return
    with pytest.raises(DateInputError) as exc:
        parse_date(text)
    assert exc.value.message == f"{text}は{wareki(day)}です。{wareki(day)}と入力してください。"


@pytest.mark.std("280#2")
def test_a_new_era_is_a_parameter_change() -> None:
    new = Era("新元", "X", D(2040, 1, 1), 2040)
    old = set_eras(ERA_TABLE + (new,))
    try:
        assert format_date(D(2040, 1, 2)) == "新元元年1月2日"
        assert parse_date("X2.3.4") == D(2041, 3, 4)
        with pytest.raises(DateInputError) as exc:
            parse_date("令和22年1月2日")
        assert exc.value.message == "令和22年1月2日は新元元年1月2日です。新元元年1月2日と入力してください。"
        assert wareki_mod.era_of(D(2039, 12, 31)) == ("令和", 21)
        with pytest.raises(ValueError):
            set_eras((new, ERA_TABLE[0]))  # out of order: refused, table unchanged
        assert format_date(D(2040, 1, 2)) == "新元元年1月2日"
    finally:
        set_eras(old)
    assert format_date(D(2040, 1, 2)) == "令和22年1月2日"


@pytest.mark.std("80#3")
@given(st.dates(min_value=D(1873, 1, 1), max_value=D(2100, 12, 31)))
def test_dates_may_be_typed_in_wareki_or_seireki(day: dt.date) -> None:
    assert parse_date(wareki(day)) == parse_date(day.isoformat()) == parse_date(day.strftime("%Y/%m/%d")) == day


@st.composite
def unknown_dates(draw: st.DrawFn) -> tuple[str, dt.date, str]:
    """A day and one of [80]#1's ways of writing it with parts unknown (or approximate)."""
    day = draw(st.dates(min_value=D(1873, 1, 1), max_value=D(2100, 12, 31)))
    era = next(e for e in reversed(ERA_TABLE) if day >= e.start)
    y = day.year - era.gannen + 1
    year = f"{era.name}{'元' if y == 1 else y}年"
    first_of_month = (day.month, 1)
    if era.start > D(day.year, 1, 1) or era.start > D(day.year, day.month, 1):
        # the era began inside the year or month: a 年/月 text's first day would lie before it
        form = draw(st.sampled_from(["{y}{m}月{d}日頃", "推定{y}{m}月{d}日"]))
        expected, precision = day, "day"
    else:
        form, expected, precision = draw(st.sampled_from([
            ("{y}頃", D(day.year, 1, 1), "year"),
            ("{y} 月日不詳", D(day.year, 1, 1), "year"),
            ("{y}{m}月頃", D(day.year, *first_of_month), "month"),
            ("{y}{m}月 日不詳", D(day.year, *first_of_month), "month"),
            ("推定{y}{m}月", D(day.year, *first_of_month), "month"),
            ("{y}{m}月{d}日頃", day, "day"),
            ("{y}{m}月{d}日から{m}月{d}日頃までの間", day, "day"),
        ]))
    return form.format(y=year, m=day.month, d=day.day), expected, precision


@pytest.mark.std("80#1")
@given(unknown_dates())
def test_any_unknown_date_keeps_its_text_and_the_first_day_it_can_mean(case: tuple[str, dt.date, str]) -> None:
    text, expected, precision = case
    w = parse_written(text)
    assert w is not None and w.text == text and w.date == expected and w.precision == precision


@given(st.text(max_size=30))
def test_parse_written_never_fails_but_with_a_date_input_error(text: str) -> None:
    try:
        parse_written(text)
    except DateInputError:
        pass
