"""The amount normalizer and the 年度 parser: property tests (full-width digits, commas, 円)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.tax.rules import (
    MAX_AMOUNT,
    AmountError,
    check,
    fiscal_year_text,
    normalize_amount,
    parse_fiscal_year,
)

FULL = str.maketrans("0123456789,", "０１２３４５６７８９，")
amounts = st.integers(min_value=0, max_value=MAX_AMOUNT)


@given(amounts, st.booleans(), st.booleans(), st.booleans(), st.sampled_from(["", " ", "\u3000"]))
def test_every_way_of_writing_an_amount_reads_back_as_the_amount(
    n: int, grouped: bool, full_width: bool, yen: bool, pad: str
) -> None:
    text = f"{n:,}" if grouped else str(n)
    if full_width:
        text = text.translate(FULL)
    text = pad + text + ("円" if yen else "") + pad
    assert normalize_amount(text) == n


@given(st.text(max_size=20))
def test_anything_else_is_refused_with_a_rule_never_a_crash(text: str) -> None:
    try:
        value = normalize_amount(text)
    except AmountError as exc:
        assert exc.rule in {"negative", "amount_format", "amount_too_large"}
        assert exc.ja and exc.en
        return
    assert value is None or 0 <= value <= MAX_AMOUNT


@given(st.integers(min_value=1, max_value=MAX_AMOUNT))
def test_a_sign_is_refused(n: int) -> None:
    with pytest.raises(AmountError) as exc:
        normalize_amount(f"-{n}")
    assert exc.value.rule == "negative"


@pytest.mark.parametrize("text", ["1,00", "12,3456", ",100", "100,", "1.5", "１．５", "1e3", "百"])
def test_misplaced_separators_decimals_and_words_are_refused(text: str) -> None:
    with pytest.raises(AmountError):
        normalize_amount(text)


def test_too_large_is_refused() -> None:
    with pytest.raises(AmountError) as exc:
        normalize_amount(str(MAX_AMOUNT + 1))
    assert exc.value.rule == "amount_too_large"


@given(st.integers(min_value=1989, max_value=2099))
def test_the_wareki_year_reads_back(year: int) -> None:
    assert parse_fiscal_year(fiscal_year_text(year)) == year
    assert parse_fiscal_year(str(year).translate(FULL)) == year


def test_wareki_names() -> None:
    assert fiscal_year_text(2025) == "令和7年度"
    assert fiscal_year_text(2019) == "令和元年度"
    assert fiscal_year_text(2018) == "平成30年度"
    assert parse_fiscal_year("Ｒ７") == 2025
    for bad in ("令和0年度", "平成32年度", "1988", "abc", ""):
        with pytest.raises(AmountError):
            parse_fiscal_year(bad)


@given(st.sampled_from(["taxable", "exempt"]), st.lists(amounts, min_size=4, max_size=4))
def test_a_record_whose_incomes_exceed_revenue_is_refused(status: str, incomes: list[int]) -> None:
    a: dict[str, int | None] = {}
    for key, income in zip(("salary", "pension", "business", "other"), incomes, strict=True):
        a[f"{key}_revenue"], a[f"{key}_income"] = income, income + 1
    a["total_income"] = sum(i + 1 for i in incomes)
    rules = {p.rule for p in check(status, a)}
    assert "income_over_revenue" in rules and "total_income" not in rules
