"""Check digits of 個人番号, 地方公共団体コード and our synthetic 住民票コード rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.codes import (
    _mod11_weights_2_to_7,
    is_valid_municipality_code,
    is_valid_my_number,
    is_valid_resident_code,
    municipality_code_check_digit,
    my_number_check_digit,
    resident_code_check_digit,
)


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


# --- 地方公共団体コード -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "131016",
        "011002",
        "141003",
        "271004",
        "401307",
        "472018",
    ],  # 千代田区, 札幌市, 横浜市, 大阪市 …
)
def test_known_municipality_codes_are_valid(code: str) -> None:
    assert is_valid_municipality_code(code)
    assert municipality_code_check_digit(code[:5]) == int(code[5])


def test_glossary_examples() -> None:
    assert municipality_code_check_digit("13101") == 6
    assert municipality_code_check_digit("01100") == 2


@given(digits(5))
def test_municipality_code_with_its_check_digit_validates(first5: str) -> None:
    code = first5 + str(municipality_code_check_digit(first5))
    assert is_valid_municipality_code(code)


@given(digits(5), st.integers(0, 9))
def test_municipality_code_with_other_check_digit_fails(first5: str, digit: int) -> None:
    if digit != municipality_code_check_digit(first5):
        assert not is_valid_municipality_code(first5 + str(digit))


@given(digits(5))
def test_municipality_check_digit_is_last_digit_of_11_minus_r(first5: str) -> None:
    r = sum(int(c) * w for c, w in zip(first5, (6, 5, 4, 3, 2), strict=True)) % 11
    assert municipality_code_check_digit(first5) == (11 - r) % 10


# --- 個人番号 ----------------------------------------------------------------------------------


def reference_my_number_check(first11: str) -> int:
    """The glossary's definition written as literally as possible."""
    total = 0
    for n in range(1, 12):
        p = int(first11[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    return 0 if r <= 1 else 11 - r


@given(digits(11))
def test_my_number_check_digit_matches_glossary_definition(first11: str) -> None:
    assert my_number_check_digit(first11) == reference_my_number_check(first11)


@given(digits(11))
def test_my_number_with_its_check_digit_validates(first11: str) -> None:
    assert is_valid_my_number(first11 + str(my_number_check_digit(first11)))


@given(digits(11), st.integers(0, 11), st.integers(1, 9))
def test_single_digit_change_in_my_number_is_detected(first11: str, pos: int, delta: int) -> None:
    """Any change of one digit is detected, except the documented mod-11 blind spot.

    Because remainders 0 and 1 both give check digit 0, a change that moves the remainder from 0
    to 1 (or back) keeps the number valid. Every other single-digit change is caught.
    """
    valid = first11 + str(my_number_check_digit(first11))
    changed = valid[:pos] + str((int(valid[pos]) + delta) % 10) + valid[pos + 1 :]
    if pos < 11:
        blind_spot = {_mod11_weights_2_to_7(first11), _mod11_weights_2_to_7(changed[:11])} == {0, 1}
        assert is_valid_my_number(changed) == blind_spot
    else:
        assert not is_valid_my_number(changed)  # a changed check digit never validates


def test_my_number_blind_spot_example() -> None:
    # Both are "valid": the first digit differs, remainders are 0 and 1, check digit 0 for both.
    assert is_valid_my_number("595748906820")
    assert is_valid_my_number("795748906820")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "12345678901",
        "1234567890123",
        "12345678901a",
        "１２３４５６７８９０１８",
        None,
        123456789018,
    ],
)
def test_invalid_my_number_shapes(value: object) -> None:
    assert not is_valid_my_number(value)


def test_full_width_digits_are_rejected_everywhere() -> None:
    with pytest.raises(ValueError):
        my_number_check_digit("１２３４５６７８９０１")
    with pytest.raises(ValueError):
        municipality_code_check_digit("１３１０１")
    assert not is_valid_municipality_code("１３１０１６")
    assert not is_valid_resident_code("１２３４５６７８９０１")


# --- 住民票コード (our synthetic rule) -------------------------------------------------------------


@given(digits(10))
def test_resident_code_with_its_check_digit_validates(first10: str) -> None:
    assert is_valid_resident_code(first10 + str(resident_code_check_digit(first10)))


@given(digits(10), st.integers(0, 9))
def test_resident_code_with_other_check_digit_fails(first10: str, digit: int) -> None:
    if digit != resident_code_check_digit(first10):
        assert not is_valid_resident_code(first10 + str(digit))


@given(digits(10))
def test_resident_code_rule_is_mod11_weights_2_to_7(first10: str) -> None:
    weights = (2, 3, 4, 5, 6, 7, 2, 3, 4, 5)
    r = sum(int(c) * w for c, w in zip(reversed(first10), weights, strict=True)) % 11
    assert resident_code_check_digit(first10) == (0 if r <= 1 else 11 - r)
