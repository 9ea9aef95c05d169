"""Check digits of 地方公共団体コード and 個人番号 (property-based)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jichitai.codes import (
    is_valid_municipality_code,
    is_valid_my_number,
    municipality_code_check_digit,
    my_number_check_digit,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def test_known_municipality_codes() -> None:
    assert is_valid_municipality_code("131016")  # 千代田区
    assert is_valid_municipality_code("011002")  # 札幌市
    assert not is_valid_municipality_code("131017")
    assert not is_valid_municipality_code("13101")
    assert not is_valid_municipality_code("１３１０１６")  # full-width digits are refused


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_municipality_code_with_its_check_digit_validates(first5: str) -> None:
    code = first5 + str(municipality_code_check_digit(first5))
    assert is_valid_municipality_code(code)
    wrong = (int(code[5]) + 1) % 10
    assert not is_valid_municipality_code(code[:5] + str(wrong))


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_my_number_with_its_check_digit_validates(first11: str) -> None:
    number = first11 + str(my_number_check_digit(first11))
    assert is_valid_my_number(number)


@given(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.integers(min_value=0, max_value=10),
    st.integers(min_value=1, max_value=9),
)
def test_my_number_detects_any_single_digit_error(first11: str, pos: int, delta: int) -> None:
    number = first11 + str(my_number_check_digit(first11))
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    # weights 2..7 are all coprime to 11, so every single-digit change moves the sum mod 11;
    # only when both remainders collapse to check digit 0 (r in {0, 1}) can a change hide.
    before = my_number_check_digit(first11)
    after = my_number_check_digit(changed[:11])
    if before == after:
        assert before == 0
    else:
        assert not is_valid_my_number(changed)


def test_my_number_known_example() -> None:
    # 12345678901 -> weights from the right: check digit computed by hand = 8
    assert my_number_check_digit("12345678901") == 8
