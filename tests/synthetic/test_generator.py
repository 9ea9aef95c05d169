"""The synthetic household generator: determinism, exact counts, realism and identifier uniqueness."""

from __future__ import annotations

import re
import types
from collections import Counter
from datetime import date
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.synthetic import (
    DEFAULT_AS_OF,
    SyntheticHousehold,
    SyntheticPerson,
    generate_households,
    generate_residents,
    is_valid_my_number,
    is_valid_resident_code,
)
from jichitai.synthetic.foreign import LIMITED_STATUSES, UNLIMITED_STATUSES
from jichitai.synthetic.names import MOJI_JOHO_IVS

CITY = "141003"  # 横浜市
TOWN = "013030"  # a 町 in 北海道
SAMPLE = 30_000

RELATIONSHIPS = {
    "世帯主", "妻", "夫", "子", "父", "母", "子の子", "兄", "姉", "弟", "妹", "縁故者", "同居人",
    "妻（未届）", "妻の子", "子の妻",
}  # fmt: skip


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@cache
def sample(
    code: str = CITY, residents: int = SAMPLE, seed: int = 0
) -> tuple[SyntheticHousehold, ...]:
    return tuple(generate_households(code, residents, seed))


def people(households: tuple[SyntheticHousehold, ...]) -> list[SyntheticPerson]:
    return [p for h in households for p in h.members]


# --- API contract ------------------------------------------------------------------------------


def test_is_a_lazy_iterator() -> None:
    it = generate_households(CITY, 3_700_000)
    assert isinstance(it, types.GeneratorType)
    first = next(it)
    assert first.seq == 1 and first.members[0].seq == 1


def test_bad_arguments_fail_immediately() -> None:
    with pytest.raises(ValueError, match="check digit"):
        generate_households("131017", 10)
    with pytest.raises(ValueError, match="non-negative"):
        generate_households(CITY, -1)
    with pytest.raises(ValueError, match="at most"):
        generate_households(TOWN, 70_000)  # a 町 code holds 65,536


def test_zero_residents() -> None:
    assert list(generate_households(CITY, 0)) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    residents=st.integers(1, 400),
    seed=st.integers(0, 2**32),
    code=st.sampled_from([CITY, TOWN, "131016", "472018"]),
)
def test_exact_count_monotonic_seq_and_one_head(residents: int, seed: int, code: str) -> None:
    households = list(generate_households(code, residents, seed))
    members = [p for h in households for p in h.members]
    assert len(members) == residents
    assert [h.seq for h in households] == list(range(1, len(households) + 1))
    assert [p.seq for p in members] == list(range(1, residents + 1))
    for h in households:
        assert h.members and h.head is h.members[0]
        assert [p.relationship for p in h.members].count("世帯主") == 1
        assert h.head.relationship == "世帯主"


def test_deterministic_and_seed_sensitive() -> None:
    a = list(generate_households(TOWN, 2_000, seed=7))
    b = list(generate_households(TOWN, 2_000, seed=7))
    c = list(generate_households(TOWN, 2_000, seed=8))
    assert a == b
    assert people(tuple(a)) != people(tuple(c))


def test_people_of_a_small_run_are_a_prefix_of_a_larger_run() -> None:
    small = people(tuple(generate_households(CITY, 500)))
    large = people(sample())[: len(small)]
    # The last household of the small run may be trimmed; everything else must be identical.
    assert small[:-10] == large[: len(small) - 10]


def test_different_municipalities_get_different_people() -> None:
    a = people(sample(CITY, 3_000))
    b = people(sample(TOWN, 3_000))
    names_a = [(p.full_name, p.birth_date) for p in a]
    names_b = [(p.full_name, p.birth_date) for p in b]
    assert names_a != names_b
    assert len(set(names_a) & set(names_b)) < 30  # common names may coincide, sequences do not


def test_generate_residents_is_the_flat_view() -> None:
    flat = list(generate_residents(TOWN, 300))
    assert [p for _h, p in flat] == people(tuple(generate_households(TOWN, 300)))
    assert all(p in h.members for h, p in flat)


# --- identifiers -------------------------------------------------------------------------------


def test_identifiers_valid_and_unique_across_municipalities() -> None:
    everyone = people(sample()) + people(sample(TOWN, 20_000)) + people(sample("131016", 5_000))
    my_numbers = [p.my_number for p in everyone]
    resident_codes = [p.resident_code for p in everyone]
    assert all(is_valid_my_number(n) for n in my_numbers)
    assert all(is_valid_resident_code(c) for c in resident_codes)
    assert len(set(my_numbers)) == len(everyone)
    assert len(set(resident_codes)) == len(everyone)
    cards = [p.residence_card_number for p in everyone if p.residence_card_number]
    assert len(set(cards)) == len(cards)


# --- realism -----------------------------------------------------------------------------------


def test_household_shape_sex_and_foreign_shares() -> None:
    households = sample()
    everyone = people(households)
    single = sum(len(h.members) == 1 for h in households) / len(households)
    assert 0.34 <= single <= 0.42
    male = sum(p.sex == "1" for p in everyone) / len(everyone)
    assert 0.46 <= male <= 0.54
    assert {p.sex for p in everyone} == {"1", "2"}
    foreign = sum(p.is_foreign for p in everyone) / len(everyone)
    assert 0.012 <= foreign <= 0.03
    assert 2.0 <= len(everyone) / len(households) <= 2.6


def test_relationships_are_from_the_register_vocabulary() -> None:
    counts = Counter(p.relationship for p in people(sample()))
    assert set(counts) <= RELATIONSHIPS
    for rel in ("妻", "夫", "子", "父", "母", "子の子", "妻（未届）", "妻の子", "縁故者", "同居人"):
        assert counts[rel] > 0, rel


def test_ages_are_consistent() -> None:
    households = sample()
    over_100 = 0
    for h in households:
        head = h.head
        by_rel: dict[str, list[SyntheticPerson]] = {}
        for p in h.members:
            by_rel.setdefault(p.relationship, []).append(p)
            assert p.birth_date <= DEFAULT_AS_OF
            over_100 += age_on(p.birth_date, DEFAULT_AS_OF) >= 100
        assert age_on(head.birth_date, DEFAULT_AS_OF) >= 18
        spouses = by_rel.get("妻", []) + by_rel.get("夫", [])
        for spouse in spouses:
            assert abs((spouse.birth_date - head.birth_date).days) <= 13 * 366
            assert age_on(spouse.birth_date, DEFAULT_AS_OF) >= 18
        # Children of the 世帯主 (and spouse): each parent was 18-45 at the birth.
        for child in by_rel.get("子", []):
            for parent in [head, *spouses]:
                assert 18 <= age_on(parent.birth_date, child.birth_date) <= 45
        for child in by_rel.get("妻の子", []):
            for parent in by_rel.get("妻", []):
                assert 18 <= age_on(parent.birth_date, child.birth_date) <= 45
        # Grandchildren: born to the 子 and 子の妻 living in the household.
        for grandchild in by_rel.get("子の子", []):
            for parent in by_rel.get("子", []) + by_rel.get("子の妻", []):
                assert 18 <= age_on(parent.birth_date, grandchild.birth_date) <= 45
        # The 世帯主 was born when 父 and 母 were 18-45.
        for parent in by_rel.get("父", []) + by_rel.get("母", []):
            assert 18 <= age_on(parent.birth_date, head.birth_date) <= 45
    assert over_100 >= 3  # a few centenarians (~0.07 % in Japan)


def test_foreign_residents_have_residence_data() -> None:
    foreigners = [p for p in people(sample()) if p.is_foreign]
    assert len({p.nationality for p in foreigners}) >= 5
    for p in foreigners:
        assert p.residence_status in LIMITED_STATUSES | UNLIMITED_STATUSES
        assert re.fullmatch(r"[A-Z]{2}[0-9]{8}[A-Z]{2}", p.residence_card_number or "")
        if p.residence_status in UNLIMITED_STATUSES:
            assert p.residence_period_end is None
        else:
            assert p.residence_period_end is not None and p.residence_period_end > DEFAULT_AS_OF
        assert p.honseki is None and p.hittousha is None
    for p in people(sample()):
        if not p.is_foreign:
            assert p.residence_status is None and p.residence_card_number is None
            assert p.honseki and p.hittousha


def test_kana_is_katakana() -> None:
    kana = re.compile(r"[ァ-ヶー\u3000]+")
    for p in people(sample()):
        assert kana.fullmatch(p.family_name_kana) and kana.fullmatch(p.given_name_kana)


def test_mj_variants_and_ivs_appear_and_only_moji_joho_ivs() -> None:
    embedded = {chr(b) + chr(v) for b, v, _mj in MOJI_JOHO_IVS.values()}
    family_names = Counter(p.family_name for p in people(sample()))
    text = "".join(family_names)
    for ch in ("髙", "\ufa11", "邉", "邊", "齋", "\U00020bb7"):
        assert ch in text, ch
    seen_ivs = set()
    for name in family_names:
        for i, ch in enumerate(name):
            if 0xE0100 <= ord(ch) <= 0xE01EF:
                seen_ivs.add(name[i - 1] + ch)
    assert seen_ivs and seen_ivs <= embedded
    assert sum(family_names[n] for n in family_names if "辻" in n or "葛" in n) > 0


def test_addresses() -> None:
    households = sample(TOWN, 5_000)
    towns = {h.address.town_name for h in households}
    assert 10 <= len(towns) <= 200
    for h in households:
        a = h.address
        assert re.fullmatch(r"\d{3}-\d{4}", a.postal_code)
        assert re.fullmatch(r"\d{7}", a.town_code)
        assert re.fullmatch(r"\d+番\d+号|\d+番地(\d+)?", a.lot)
        assert (a.block is None) == a.town_code.endswith("000")
        if a.block is not None:
            assert 1 <= a.block <= 5 and "丁目" in a.text
    # A large city gets a larger address dictionary than a small town.
    assert len({h.address.town_name for h in sample()}) > len(towns)


def test_hittousha_is_consistent_within_a_family() -> None:
    checked = 0
    for h in sample():
        head = h.head
        by_rel: dict[str, list[SyntheticPerson]] = {}
        for p in h.members:
            by_rel.setdefault(p.relationship, []).append(p)
        if head.is_foreign:
            continue
        husband = head if head.sex == "1" else next(iter(by_rel.get("夫", [])), None)
        if husband is not None and not husband.is_foreign and ("妻" in by_rel or "夫" in by_rel):
            # A married couple (both Japanese) shares one 戸籍 headed by the husband here, with
            # their unmarried children (a 子 living with his own wife 子の妻 heads his own).
            children = [] if "子の妻" in by_rel else by_rel.get("子", [])
            for p in [head, *by_rel.get("妻", []), *by_rel.get("夫", []), *children]:
                if not p.is_foreign:
                    assert p.hittousha == husband.full_name, (h.seq, p.relationship)
                    checked += 1
        for father in by_rel.get("父", []):
            for p in by_rel.get("父", []) + by_rel.get("母", []):
                assert p.hittousha == father.full_name
        for son in by_rel.get("子の妻", []) and by_rel.get("子", []):
            assert son.hittousha == son.full_name
            for p in by_rel.get("子の妻", []) + by_rel.get("子の子", []):
                assert p.hittousha == son.full_name
    assert checked > 1000


def test_as_of_moves_the_whole_population() -> None:
    day = date(2000, 1, 1)
    households = list(generate_households(TOWN, 3_000, as_of=day))
    assert households != list(generate_households(TOWN, 3_000))
    for p in people(tuple(households)):
        assert p.birth_date <= day
        if p.residence_period_end is not None:
            assert p.residence_period_end > day
