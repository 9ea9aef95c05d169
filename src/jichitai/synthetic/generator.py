"""Deterministic, streaming generator of synthetic households for one municipality.

What it is for: demo data, tests and benchmarks need realistic residents — household shapes,
consistent ages, names with MJ variant characters and IVS, foreign residents, unique 個人番号 and
住民票コード — from 300 up to 3,700,000 per municipality. ``generate_households`` yields one
household at a time and keeps only a few kilobytes of tables, so memory does not grow with size.

Guarantees (tested):
- Same (municipality code, residents, seed, as_of) → identical output, on any machine (only
  ``random.Random`` seeded from blake2b digests; no ``hash()``, no clock, no set iteration order).
- Exactly ``residents`` people; the last household is trimmed (members after the head are dropped).
- Person and household seq start at 1 and increase by one.
- Every household has exactly one 世帯主, first. Children are born when each of their parents
  (in the household) was 18-45; spouses are close in age.
- 個人番号 and 住民票コード are check-digit valid and unique, also across municipalities
  (see ``identifiers``).

Must never: produce real personal data, read /work/shared or any file at run time, use Django or
third-party packages, or hold all households in memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from .addresses import AddressBook, derive_seed, town_count_for
from .identifiers import (
    _split_code,
    global_index,
    municipality_capacity,
    my_number_from_index,
    residence_card_number_from_index,
    resident_code_from_index,
)
from .kinds import HouseholdKinds
from .models import SyntheticHousehold, SyntheticPerson

__all__ = ["DEFAULT_AS_OF", "generate_households", "generate_residents"]

# The register date the population is "as of". Fixed (not today) so output never depends on the
# clock; callers may pass another date.
DEFAULT_AS_OF = date(2025, 4, 1)


def _validated(municipality_code: str, residents: int) -> str:
    _split_code(municipality_code)  # raises ValueError with a clear message
    if isinstance(residents, bool) or not isinstance(residents, int) or residents < 0:
        raise ValueError(f"residents must be a non-negative int, got {residents!r}")
    capacity = municipality_capacity(municipality_code)
    if residents > capacity:
        raise ValueError(
            f"municipality {municipality_code} can hold at most {capacity:,} synthetic residents "
            f"with unique identifiers (see jichitai.synthetic.identifiers), asked for {residents:,}"
        )
    return municipality_code[:5]


def generate_households(
    municipality_code: str,
    residents: int,
    seed: int = 0,
    *,
    as_of: date = DEFAULT_AS_OF,
) -> Iterator[SyntheticHousehold]:
    """Yield synthetic households of one municipality until exactly ``residents`` people exist.

    ``municipality_code`` is a 地方公共団体コード, 6 digits with a valid check digit (or its 5
    leading digits); the prefecture part must be 01-47. Raises ``ValueError`` immediately (not on
    first ``next``) for a bad code, a negative count, or more residents than the code's capacity.
    """
    code5 = _validated(municipality_code, residents)
    return _Generator(code5, residents, seed, as_of).households()


def generate_residents(
    municipality_code: str,
    residents: int,
    seed: int = 0,
    *,
    as_of: date = DEFAULT_AS_OF,
) -> Iterator[tuple[SyntheticHousehold, SyntheticPerson]]:
    """Flat view of ``generate_households``: (household, person) for every resident, in seq order."""
    households = generate_households(municipality_code, residents, seed, as_of=as_of)
    return ((h, p) for h in households for p in h.members)


class _Generator(HouseholdKinds):
    """All precomputed tables and the two random streams of one generation run."""

    def __init__(self, code5: str, residents: int, seed: int, as_of: date) -> None:
        super().__init__(code5, seed, as_of)
        self.code5 = code5
        self.residents = residents
        self.address_rng = random.Random(derive_seed("addresses", code5, seed))
        self.book = AddressBook(code5, seed, town_count_for(residents))
        self.index_base = global_index(code5, 1) if residents else 0

    def households(self) -> Iterator[SyntheticHousehold]:
        rnd = self.rng.random
        kind_table = self.kind_table
        n_kinds = len(kind_table)
        builders = self.builders
        book_sample = self.book.sample
        address_rng = self.address_rng
        base = self.index_base - 1  # person seq s has global index base + s
        fromordinal = date.fromordinal
        person = SyntheticPerson
        household = SyntheticHousehold
        my_number = my_number_from_index
        resident_code = resident_code_from_index
        card_number = residence_card_number_from_index

        remaining = self.residents
        household_seq = 0
        person_seq = 0
        while remaining > 0:
            drafts = builders[kind_table[int(rnd() * n_kinds)]]()
            if len(drafts) > remaining:
                drafts = drafts[:remaining]
            remaining -= len(drafts)
            household_seq += 1
            address = book_sample(address_rng, 0.7 if len(drafts) == 1 else 0.3)
            members = []
            for (
                fam,
                fam_kana,
                given,
                given_kana,
                birth,
                sex,
                rel,
                nat,
                status,
                end,
                alias,
                honseki,
                hittousha,
            ) in drafts:
                person_seq += 1
                index = base + person_seq
                members.append(
                    person(
                        person_seq,
                        fam,
                        given,
                        fam_kana,
                        given_kana,
                        fromordinal(birth),
                        sex,
                        rel,
                        nat,
                        status,
                        None if end is None else fromordinal(end),
                        None if nat is None else card_number(index),
                        alias,
                        my_number(index),
                        resident_code(index),
                        honseki,
                        hittousha,
                    )
                )
            yield household(household_seq, address, tuple(members))
