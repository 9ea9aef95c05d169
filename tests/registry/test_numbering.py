"""宛名番号・世帯番号 with the M11W2-7 check digit ([130]): the rule, and every path that issues them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai import importer
from jichitai.registry import numbering
from jichitai.registry.models import Counter, Household, Person

from .conftest import D, move_in_family, people


def _reference(body: str) -> int:
    """The standard's words, spelled out: weights 2..7 from the right, 余り0 → 0, else 11 − 余り."""
    weights = [2, 3, 4, 5, 6, 7]
    r = sum(int(c) * weights[i % 6] for i, c in enumerate(reversed(body))) % 11
    return 0 if r in (0, 1) else 11 - r


@pytest.mark.std("130#2")
@given(st.integers(min_value=1, max_value=10**11 - 1))
def test_atena_no_is_the_sequence_and_its_check_digit(seq: int) -> None:
    n = numbering.atena_no(seq)
    assert len(n) == 12 and int(n[:-1]) == seq
    assert int(n[-1]) == _reference(n[:-1])
    assert numbering.is_valid(n, 12)


@pytest.mark.std("130#2")
@given(st.integers(min_value=1, max_value=10**9 - 1))
def test_household_no_is_the_sequence_and_its_check_digit(seq: int) -> None:
    n = numbering.household_no(seq)
    assert len(n) == 10 and int(n[:-1]) == seq and numbering.is_valid(n, 10)


@pytest.mark.std("130#2")
@given(st.integers(min_value=1, max_value=10**11 - 1), st.integers(0, 10), st.integers(1, 9))
def test_a_single_digit_error_is_caught_unless_it_moves_the_remainder_between_0_and_1(
    seq: int, pos: int, delta: int
) -> None:
    n = numbering.atena_no(seq)
    wrong = n[:pos] + str((int(n[pos]) + delta) % 10) + n[pos + 1:]
    if int(wrong[:-1]) == 0:
        return
    r_before = sum(int(c) * ((i % 6) + 2) for i, c in enumerate(reversed(n[:-1]))) % 11
    r_after = sum(int(c) * ((i % 6) + 2) for i, c in enumerate(reversed(wrong[:-1]))) % 11
    # the documented limit: remainders 0 and 1 share the check digit 0
    assert numbering.is_valid(wrong, 12) == ({r_before, r_after} == {0, 1})


@pytest.mark.std("130#2")
@given(st.text(max_size=14))
def test_the_validator_never_raises_and_accepts_only_ascii_digits(text: str) -> None:
    problem = numbering.number_problem(text, 12)
    if problem is None:
        assert len(text) == 12 and text.isascii() and text.isdigit()


def test_known_values_and_messages() -> None:
    # body 00000000001: 1×2 = 2, 11 − 2 = 9
    assert numbering.atena_no(1) == "000000000019"
    # body 00000000006: 6×2 = 12 → r 1 → 0 (our reading for remainder 1)
    assert numbering.atena_no(6) == "000000000060"
    # body 000000011: 1×2 + 1×3 = 5 → 6
    assert numbering.household_no(11) == "0000000116"
    assert numbering.number_problem("０００００００００００１９", 12) == "12桁の半角数字で入力してください。"
    assert "検査数字" in str(numbering.number_problem("000000000018", 12))
    with pytest.raises(ValueError):
        numbering.atena_no(0)
    with pytest.raises(ValueError):
        numbering.check_digit("１")


@pytest.mark.std("130#1", "130#2")
def test_the_event_path_issues_checked_numbers_and_keeps_old_ones(office, office_b) -> None:
    from jichitai.tenancy.context import activate

    with activate(office.ctx()):
        # a register from before the rule: the counter stands at 57, its numbers had no check digit
        Counter.objects.create(name="atena_no", value=57)
        Counter.objects.create(name="household_no", value=9)
        move_in_family(office, D(2020, 4, 1))
        persons = people()
        assert [p.atena_no for p in persons] == [numbering.atena_no(n) for n in (58, 59, 60)]
        assert all(numbering.is_valid(p.atena_no, 12) for p in persons)
        hh = Household.objects.get()
        assert hh.household_no == numbering.household_no(10) and numbering.is_valid(hh.household_no, 10)
    with activate(office_b.ctx()):
        # the other municipality has its own sequence and sees none of A's rows
        assert not Person.objects.without_read_log("test").exists()
        move_in_family(office_b, D(2020, 4, 1))
        assert [p.atena_no for p in people()] == [numbering.atena_no(n) for n in (1, 2, 3)]


@pytest.mark.std("130#1", "130#2")
def test_the_bulk_loader_issues_checked_numbers(office) -> None:
    from jichitai.tenancy.context import activate

    importer.load_bulk(office.municipality, 30, 3, clerk=office.clerk, approver=office.approver,
                       effective_date=dt.date(2024, 4, 1))
    with activate(office.ctx()):
        numbers = list(Person.objects.without_read_log("test").values_list("atena_no", flat=True))
        assert numbers and all(numbering.is_valid(n, 12) for n in numbers)
        assert all(numbering.is_valid(n, 10) for n in Household.objects.values_list("household_no", flat=True))
