"""Collision-free synthetic identifiers: capacity layout, Feistel bijection, fast check digits."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.synthetic import identifiers as ids
from jichitai.synthetic.checkdigits import (
    is_valid_my_number,
    is_valid_resident_code,
    municipality_code_check_digit,
)


def test_capacity_blocks_are_disjoint_and_fit_in_ten_digits() -> None:
    blocks = []
    for prefecture in range(1, ids.MAX_PREFECTURE + 1):
        for city in range(1000):
            code = f"{prefecture:02d}{city:03d}"
            base, cap = ids._block(code)
            blocks.append((base, cap))
    blocks.sort()
    for (base, cap), (next_base, _) in zip(blocks, blocks[1:], strict=False):
        assert base + cap <= next_base
    last_base, last_cap = blocks[-1]
    assert last_base + last_cap <= 10**10


@pytest.mark.parametrize(
    ("code", "at_least"),
    [
        ("141003", 3_700_000),  # 横浜市 (政令指定都市)
        ("131121", 940_000),  # 世田谷区
        ("122041", 650_000),  # 船橋市
        ("013030", 50_000),  # a 町 in 北海道
    ],
)
def test_capacity_covers_real_sizes(code: str, at_least: int) -> None:
    assert ids.municipality_capacity(code) >= at_least


def test_six_digit_code_must_have_valid_check_digit() -> None:
    with pytest.raises(ValueError, match="check digit"):
        ids.municipality_capacity("131017")
    with pytest.raises(ValueError, match="01-47"):
        ids.municipality_capacity("99999" + str(municipality_code_check_digit("99999")))
    with pytest.raises(ValueError):
        ids.municipality_capacity("13-01")


def test_global_index_bounds() -> None:
    cap = ids.municipality_capacity("13101")
    assert ids.global_index("13101", 1) + cap - 1 == ids.global_index("13101", cap)
    with pytest.raises(ValueError):
        ids.global_index("13101", 0)
    with pytest.raises(ValueError):
        ids.global_index("13101", cap + 1)


@pytest.mark.parametrize(("a", "b"), [(7, 13), (10, 10), (26, 3), (1, 50)])
def test_feistel_is_a_bijection_on_small_domains(a: int, b: int) -> None:
    keys = ids._round_tables("test", 4)
    image = [ids._feistel(x, a, b, keys) for x in range(a * b)]
    assert sorted(image) == list(range(a * b))
    assert [ids._feistel_inverse(y, a, b, keys) for y in image] == list(range(a * b))


@given(st.integers(0, 10**10 - 1))
def test_unrolled_identifiers_equal_the_generic_feistel(index: int) -> None:
    mn = ids._feistel(index, 100_000, 1_000_000, ids._MY_NUMBER_ROUNDS)
    rc = ids._feistel(index, 100_000, 100_000, ids._RESIDENT_CODE_ROUNDS)
    assert ids.my_number_from_index(index)[:11] == f"{mn:011d}"
    assert ids.resident_code_from_index(index)[:10] == f"{rc:010d}"
    assert ids._feistel_inverse(mn, 100_000, 1_000_000, ids._MY_NUMBER_ROUNDS) == index


@given(st.integers(0, 10**10 - 1))
def test_fast_check_digits_agree_with_checkdigits_module(index: int) -> None:
    assert is_valid_my_number(ids.my_number_from_index(index))
    assert is_valid_resident_code(ids.resident_code_from_index(index))


@given(st.integers(0, 10**10 - 1))
def test_residence_card_number_shape(index: int) -> None:
    assert re.fullmatch(r"[A-Z]{2}[0-9]{8}[A-Z]{2}", ids.residence_card_number_from_index(index))


def test_numbers_unique_over_a_dense_range() -> None:
    start = ids.global_index("141003", 1)
    rng = range(start, start + 50_000)
    assert len({ids.my_number_from_index(i) for i in rng}) == len(rng)
    assert len({ids.resident_code_from_index(i) for i in rng}) == len(rng)
    assert len({ids.residence_card_number_from_index(i) for i in rng}) == len(rng)


def test_public_minting_helpers() -> None:
    assert ids.my_number_for("131016", 5) == ids.my_number_from_index(ids.global_index("13101", 5))
    assert is_valid_resident_code(ids.resident_code_for("131016", 5))
    assert ids.my_number_for("131016", 5) != ids.my_number_for("011002", 5)
