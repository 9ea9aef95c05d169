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

import bisect
import random
from collections.abc import Iterator
from datetime import date

from .addresses import AddressBook, derive_seed, honseki_text, town_count_for
from .foreign import FOREIGN_NATIONALITIES, UNLIMITED_STATUSES, ForeignNameTable
from .identifiers import (
    _split_code,
    global_index,
    municipality_capacity,
    my_number_from_index,
    residence_card_number_from_index,
    resident_code_from_index,
)
from .models import IDEOGRAPHIC_SPACE, SyntheticHousehold, SyntheticPerson
from .names import ERA_BOUNDS, GIVEN_NAMES_FEMALE, GIVEN_NAMES_MALE, SURNAME_VARIANTS, SURNAMES

__all__ = ["DEFAULT_AS_OF", "generate_households", "generate_residents"]

# The register date the population is "as of". Fixed (not today) so output never depends on the
# clock; callers may pass another date.
DEFAULT_AS_OF = date(2025, 4, 1)

MALE = "1"
FEMALE = "2"

_YEAR = 365.2425
# Parents' age at a child's birth must be 18..45 by calendar arithmetic; day counts with a margin
# (18 years are at most 6575 days, 45 years at least 16436) make that hold for every birthday.
_MIN_PARENT_DAYS = 6576
_MAX_PARENT_DAYS = 16430

# Draft of a person before seq and identifiers are assigned:
# (family, family_kana, given, given_kana, birth ordinal, sex, relationship, nationality,
#  residence status, residence period end ordinal, alias, honseki, hittousha)
_Draft = tuple[
    str,
    str,
    str,
    str,
    int,
    str,
    str,
    str | None,
    str | None,
    int | None,
    str | None,
    str | None,
    str | None,
]

# Household kinds and their shares of households (≈ 2020 census: 38 % one person, ~2 % of residents
# foreign). Foreign singles count towards the one-person share.
_KINDS: tuple[tuple[str, float], ...] = (
    ("single", 0.358),
    ("foreign_single", 0.022),
    ("couple", 0.195),
    ("couple_children", 0.245),
    ("single_parent", 0.088),
    ("three_generations", 0.055),
    ("other", 0.026),
    ("foreign_family", 0.005),
    ("mixed", 0.006),
)

# Age (years at as_of) distributions by role, as piecewise-linear weights over (age, weight) points.
# fmt: off
_AGE_SINGLE = ((18, 2.5), (22, 3.0), (30, 2.2), (40, 1.2), (55, 1.3), (65, 1.8), (80, 1.8),
               (90, 0.8), (100, 0.06), (107, 0.002))
_AGE_COUPLE = ((24, 0.3), (35, 0.5), (50, 0.6), (60, 1.6), (75, 2.2), (85, 1.0), (95, 0.15),
               (100, 0.03), (106, 0.002))
_AGE_PARENT = ((26, 0.5), (33, 1.6), (40, 2.0), (48, 1.6), (55, 0.8), (62, 0.2))
_AGE_SINGLE_PARENT = ((24, 0.4), (33, 1.4), (42, 2.0), (50, 1.2), (60, 0.3))
_AGE_3GEN_YOUNG = ((35, 1.0), (45, 1.5), (55, 1.0), (60, 0.5))
_AGE_3GEN_OLD = ((62, 1.0), (72, 1.5), (82, 0.8), (90, 0.2))
_AGE_OTHER = ((20, 1.0), (40, 1.2), (60, 1.0), (80, 0.6), (90, 0.1))
_AGE_FOREIGN_SINGLE = ((19, 1.5), (25, 3.0), (32, 1.5), (45, 0.6), (65, 0.3), (85, 0.1))
_AGE_FOREIGN_HEAD = ((27, 0.5), (35, 1.5), (45, 1.2), (60, 0.5), (80, 0.2))
_AGE_SPECIAL_PERMANENT = ((25, 0.4), (50, 1.0), (70, 1.4), (85, 0.8), (98, 0.05))
# fmt: on

_TABLE = 4096  # size of the O(1) lookup tables used for weighted choices


def _lookup_table(weights: list[float], size: int = _TABLE) -> tuple[int, ...]:
    """Indexes repeated in proportion to ``weights`` (each at least once), for ``t[int(r*len)]``."""
    total = sum(weights)
    table: list[int] = []
    for i, w in enumerate(weights):
        table.extend([i] * max(1, round(size * w / total)))
    return tuple(table)


def _age_table(points: tuple[tuple[int, float], ...]) -> tuple[int, ...]:
    ages = list(range(points[0][0], points[-1][0] + 1))
    weights = []
    for age in ages:
        for (a0, w0), (a1, w1) in zip(points, points[1:], strict=False):
            if a0 <= age <= a1:
                weights.append(w0 + (w1 - w0) * (age - a0) / (a1 - a0))
                break
    return tuple(ages[i] for i in _lookup_table(weights))


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


class _Generator:
    """All precomputed tables and the two random streams of one generation run."""

    def __init__(self, code5: str, residents: int, seed: int, as_of: date) -> None:
        self.code5 = code5
        self.residents = residents
        self.as_of = as_of.toordinal()
        self.prefecture_index = int(code5[:2]) - 1
        # People and addresses use separate streams so that the people of a small run are a
        # prefix of a larger run with the same seed (only the address dictionary size differs).
        self.rng = random.Random(derive_seed("people", code5, seed))
        self.address_rng = random.Random(derive_seed("addresses", code5, seed))
        self.book = AddressBook(code5, seed, town_count_for(residents))
        self.index_base = global_index(code5, 1) if residents else 0

        kinds = [k for k, _ in _KINDS]
        self.kind_table = tuple(kinds[i] for i in _lookup_table([w for _, w in _KINDS], 1000))

        # surnames: (written, kana, ((variant, cumulative share), …))
        rows = []
        for written, kana, _w in SURNAMES:
            cum = 0.0
            variants = []
            for spelling, share in SURNAME_VARIANTS.get(written, ()):
                cum += share
                variants.append((spelling, cum))
            rows.append((written, kana, tuple(variants)))
        self.surnames = tuple(rows[i] for i in _lookup_table([w for *_, w in SURNAMES], 16384))

        self.era_starts = [date(y, 1, 1).toordinal() for y in ERA_BOUNDS]

        def by_rank(era: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
            return tuple(era[i] for i in _lookup_table([1.0 / (r + 4) for r in range(len(era))]))

        self.given = {
            MALE: tuple(by_rank(e) for e in GIVEN_NAMES_MALE),
            FEMALE: tuple(by_rank(e) for e in GIVEN_NAMES_FEMALE),
        }
        self.nationalities = tuple(
            FOREIGN_NATIONALITIES[i]
            for i in _lookup_table([t.weight for t in FOREIGN_NATIONALITIES], 1000)
        )
        self.age_single = _age_table(_AGE_SINGLE)
        self.age_couple = _age_table(_AGE_COUPLE)
        self.age_parent = _age_table(_AGE_PARENT)
        self.age_single_parent = _age_table(_AGE_SINGLE_PARENT)
        self.age_3gen_young = _age_table(_AGE_3GEN_YOUNG)
        self.age_3gen_old = _age_table(_AGE_3GEN_OLD)
        self.age_other = _age_table(_AGE_OTHER)
        self.age_foreign_single = _age_table(_AGE_FOREIGN_SINGLE)
        self.age_foreign_head = _age_table(_AGE_FOREIGN_HEAD)
        self.age_special_permanent = _age_table(_AGE_SPECIAL_PERMANENT)
        self.builders = {
            "single": self._single,
            "foreign_single": self._foreign_single,
            "couple": self._couple,
            "couple_children": self._couple_children,
            "single_parent": self._single_parent,
            "three_generations": self._three_generations,
            "other": self._other,
            "foreign_family": self._foreign_family,
            "mixed": self._mixed,
        }

    # --- main loop -----------------------------------------------------------------------------
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

    # --- small helpers -------------------------------------------------------------------------
    def _surname(self) -> tuple[str, str]:
        written, kana, variants = self.surnames[int(self.rng.random() * len(self.surnames))]
        if variants:
            u = self.rng.random()
            for spelling, cum in variants:
                if u < cum:
                    return spelling, kana
        return written, kana

    def _given(self, sex: str, birth: int) -> tuple[str, str]:
        table = self.given[sex][bisect.bisect_right(self.era_starts, birth)]
        return table[int(self.rng.random() * len(table))]

    def _birth(self, ages: tuple[int, ...]) -> int:
        rnd = self.rng.random
        age = ages[int(rnd() * len(ages))]
        return self.as_of - int((age + rnd()) * _YEAR)

    def _sex(self, male_share: float = 0.5) -> str:
        return MALE if self.rng.random() < male_share else FEMALE

    def _parent_name(self, family: str, child_birth: int) -> str:
        """An invented father's full name (筆頭者 of a child still in the parents' 戸籍)."""
        given, _ = self._given(MALE, child_birth - int(30 * _YEAR))
        return family + IDEOGRAPHIC_SPACE + given

    def _honseki(self) -> str:
        return honseki_text(self.rng, self.prefecture_index)

    def _jp(
        self,
        family: tuple[str, str],
        sex: str,
        birth: int,
        rel: str,
        honseki: str | None,
        hittousha: str | None,
        avoid: tuple[str, ...] = (),
    ) -> _Draft:
        given, kana = self._given(sex, birth)
        if given in avoid:  # siblings rarely share a given name; one redraw is enough
            given, kana = self._given(sex, birth)
        return (
            family[0],
            family[1],
            given,
            kana,
            birth,
            sex,
            rel,
            None,
            None,
            None,
            None,
            honseki,
            hittousha,
        )

    def _spouse_birth(self, head_birth: int, head_sex: str) -> int:
        """Wives are on average ~2 years younger than husbands, mostly within −4..+8 years."""
        gap = max(-6.0, min(12.0, self.rng.gauss(2.0, 3.0)))
        birth = head_birth + int(gap * _YEAR) if head_sex == MALE else head_birth - int(gap * _YEAR)
        return min(birth, self.as_of - 18 * 366)

    def _children_births(
        self,
        parents: tuple[int, ...],
        count: int,
        max_age: float = 33.0,
    ) -> list[int]:
        """Birth ordinals of up to ``count`` children, each parent aged 18-45 at every birth."""
        rnd = self.rng.random
        lo = max(max(parents) + _MIN_PARENT_DAYS, self.as_of - int(max_age * _YEAR))
        hi = min(min(parents) + _MAX_PARENT_DAYS, self.as_of)
        if lo > hi:
            return []
        first = min(parents) + int((24 + 12 * rnd()) * _YEAR)
        birth = min(max(first, lo), hi)
        births = [birth]
        for _ in range(count - 1):
            birth += int((1.2 + 4 * rnd()) * _YEAR)
            if birth > hi:
                break
            births.append(birth)
        return births

    def _child_count(self) -> int:
        u = self.rng.random()
        return 1 if u < 0.42 else 2 if u < 0.85 else 3 if u < 0.98 else 4

    def _children(
        self,
        family: tuple[str, str],
        parents: tuple[int, ...],
        honseki: str | None,
        hittousha: str | None,
        rel: str = "子",
        count: int | None = None,
        max_age: float = 33.0,
    ) -> list[_Draft]:
        out: list[_Draft] = []
        names: tuple[str, ...] = ()
        for birth in self._children_births(parents, count or self._child_count(), max_age):
            child = self._jp(family, self._sex(), birth, rel, honseki, hittousha, names)
            names += (child[2],)
            out.append(child)
        return out

    def _foreigner(
        self,
        table: ForeignNameTable,
        family: tuple[str, str],
        sex: str,
        birth: int,
        rel: str,
        status: str,
    ) -> _Draft:
        rnd = self.rng.random
        pool = table.male if sex == MALE else table.female
        given, kana = pool[int(rnd() * len(pool))]
        end = None if status in UNLIMITED_STATUSES else self.as_of + 30 + int(rnd() * 1066)
        alias = None
        if status == "特別永住者" and rnd() < 0.7:
            # 特別永住者 often register a Japanese 通称 (alias) used in daily life.
            alias = self._surname()[0] + IDEOGRAPHIC_SPACE + self._given(sex, birth)[0]
        return (
            family[0],
            family[1],
            given,
            kana,
            birth,
            sex,
            rel,
            table.nationality,
            status,
            end,
            alias,
            None,
            None,
        )

    def _nationality(self) -> ForeignNameTable:
        return self.nationalities[int(self.rng.random() * len(self.nationalities))]

    def _foreign_family_name(self, table: ForeignNameTable) -> tuple[str, str]:
        return table.family[int(self.rng.random() * len(table.family))]

    # --- household kinds -----------------------------------------------------------------------
    def _single(self) -> list[_Draft]:
        birth = self._birth(self.age_single)
        age = (self.as_of - birth) / _YEAR
        # Young people living alone are more often men, the very old more often (widowed) women.
        sex = self._sex(0.57 if age < 60 else 0.45 if age < 75 else 0.3)
        family = self._surname()
        if age < 30:
            hittousha = self._parent_name(family[0], birth)
        elif sex == FEMALE and age >= 65:
            hittousha = family[0] + IDEOGRAPHIC_SPACE + self._given(MALE, birth - int(3 * _YEAR))[0]
        else:
            hittousha = None  # filled in as the person's own name below
        draft = self._jp(family, sex, birth, "世帯主", self._honseki(), hittousha)
        if hittousha is None:
            draft = draft[:12] + (draft[0] + IDEOGRAPHIC_SPACE + draft[2],)
        return [draft]

    def _couple_heads(
        self, ages: tuple[int, ...]
    ) -> tuple[list[_Draft], tuple[str, str], int, int, str, str]:
        """世帯主 and spouse; most couples register the husband as 世帯主, a few the wife."""
        family = self._surname()
        honseki = self._honseki()
        husband_birth = self._birth(ages)
        wife_birth = self._spouse_birth(husband_birth, MALE)
        husband, husband_kana = self._given(MALE, husband_birth)
        hittousha = family[0] + IDEOGRAPHIC_SPACE + husband
        h = (family[0], family[1], husband, husband_kana, husband_birth, MALE)
        wife_given = self._given(FEMALE, wife_birth)
        w = (family[0], family[1], wife_given[0], wife_given[1], wife_birth, FEMALE)
        members: list[_Draft]
        if self.rng.random() < 0.04:
            members = [
                w + ("世帯主", None, None, None, None, honseki, hittousha),
                h + ("夫", None, None, None, None, honseki, hittousha),
            ]
        else:
            members = [
                h + ("世帯主", None, None, None, None, honseki, hittousha),
                w + ("妻", None, None, None, None, honseki, hittousha),
            ]
        return members, family, husband_birth, wife_birth, honseki, hittousha

    def _couple(self) -> list[_Draft]:
        members, *_ = self._couple_heads(self.age_couple)
        return members

    def _couple_children(self) -> list[_Draft]:
        members, family, hb, wb, honseki, hittousha = self._couple_heads(self.age_parent)
        if members[0][5] == MALE and self.rng.random() < 0.03:
            # Remarriage: the wife's child from an earlier marriage keeps its father's surname
            # and 戸籍 (筆頭者 = that father), 続柄 妻の子.
            child_family = self._surname()
            stepchild = self._children(
                child_family,
                (wb,),
                self._honseki(),
                self._parent_name(child_family[0], wb),
                "妻の子",
                1,
            )
            return (
                members + stepchild + self._children(family, (hb, wb), honseki, hittousha, count=1)
            )
        return members + self._children(family, (hb, wb), honseki, hittousha)

    def _single_parent(self) -> list[_Draft]:
        birth = self._birth(self.age_single_parent)
        sex = self._sex(0.15)
        family = self._surname()
        honseki = self._honseki()
        head = self._jp(family, sex, birth, "世帯主", honseki, None)
        own = head[0] + IDEOGRAPHIC_SPACE + head[2]
        # A divorced mother heads her own 戸籍; the children usually join it.
        head = head[:12] + (own,)
        return [head] + self._children(family, (birth,), honseki, own)

    def _three_generations(self) -> list[_Draft]:
        rnd = self.rng.random
        if rnd() < 0.5:
            # Son's family with his parents (父/母 of the 世帯主).
            members, family, hb, wb, honseki, hittousha = self._couple_heads(self.age_3gen_young)
            children = self._children(family, (hb, wb), honseki, hittousha)
            mother = hb - int((22 + 16 * rnd()) * _YEAR)
            father = max(
                mother - int(max(-3.0, min(8.0, self.rng.gauss(2.5, 3))) * _YEAR),
                hb - _MAX_PARENT_DAYS,
            )
            father = min(father, hb - _MIN_PARENT_DAYS)
            # The father is the 筆頭者 of the parents' 戸籍, whether or not he still lives here.
            father_draft = self._jp(family, MALE, father, "父", honseki, None)
            father_name = father_draft[0] + IDEOGRAPHIC_SPACE + father_draft[2]
            elders: list[_Draft] = []
            u = rnd()
            if u < 0.65:
                elders.append(father_draft[:12] + (father_name,))
            if u >= 0.1:
                elders.append(self._jp(family, FEMALE, mother, "母", honseki, father_name))
            return members + children + elders
        # Elderly 世帯主 with a married son, his wife and their children (子, 子の妻, 孫).
        members, family, hb, wb, honseki, hittousha = self._couple_heads(self.age_3gen_old)
        if rnd() < 0.3:
            members = members[:1]  # widowed 世帯主
        son_birth = self._children_births((hb, wb), 1, max_age=60.0)
        if not son_birth:
            return members
        son = self._jp(family, MALE, son_birth[0], "子", honseki, None)
        son_name = son[0] + IDEOGRAPHIC_SPACE + son[2]
        son = son[:12] + (son_name,)  # a married son heads his own 戸籍
        daughter_in_law_birth = self._spouse_birth(son_birth[0], MALE)
        daughter_in_law = self._jp(
            family, FEMALE, daughter_in_law_birth, "子の妻", honseki, son_name
        )
        grandchildren = self._children(
            family, (son_birth[0], daughter_in_law_birth), honseki, son_name, "孫"
        )
        return members + [son, daughter_in_law] + grandchildren

    def _other(self) -> list[_Draft]:
        rnd = self.rng.random
        u = rnd()
        birth = self._birth(self.age_other)
        family = self._surname()
        honseki = self._honseki()
        if u < 0.35:
            # Unmarried siblings: still in their parents' 戸籍 (筆頭者 = father).
            father = self._parent_name(family[0], birth)
            sex = self._sex()
            head = self._jp(family, sex, birth, "世帯主", honseki, father)
            out = [head]
            for _ in range(1 + int(rnd() < 0.25)):
                gap = int((1 + 6 * rnd()) * _YEAR) * (1 if rnd() < 0.5 else -1)
                sib_birth = min(birth + gap, self.as_of - 1)
                sib_sex = self._sex()
                older = sib_birth < birth
                rel = ("兄" if older else "弟") if sib_sex == MALE else ("姉" if older else "妹")
                out.append(self._jp(family, sib_sex, sib_birth, rel, honseki, father, (head[2],)))
            return out
        head = self._jp(family, MALE, birth, "世帯主", honseki, None)
        head = head[:12] + (head[0] + IDEOGRAPHIC_SPACE + head[2],)
        if u < 0.65:
            # Common-law wife (妻(未届)): her own surname and 戸籍.
            partner_birth = self._spouse_birth(birth, MALE)
            partner_family = self._surname()
            partner = self._jp(
                partner_family,
                FEMALE,
                partner_birth,
                "妻(未届)",
                self._honseki(),
                self._parent_name(partner_family[0], partner_birth),
            )
            return [head, partner]
        # A relative (縁故者, e.g. a niece) or an unrelated lodger (同居人).
        rel = "縁故者" if u < 0.8 else "同居人"
        other_birth = self._birth(self.age_other)
        other_family = family if rel == "縁故者" and rnd() < 0.5 else self._surname()
        other = self._jp(
            other_family,
            self._sex(),
            other_birth,
            rel,
            self._honseki(),
            self._parent_name(other_family[0], other_birth),
        )
        return [head, other]

    def _foreign_single(self) -> list[_Draft]:
        table = self._nationality()
        status = table.single_statuses[int(self.rng.random() * len(table.single_statuses))]
        ages = self.age_special_permanent if status == "特別永住者" else self.age_foreign_single
        birth = self._birth(ages)
        return [
            self._foreigner(
                table, self._foreign_family_name(table), self._sex(0.55), birth, "世帯主", status
            )
        ]

    def _foreign_family(self) -> list[_Draft]:
        rnd = self.rng.random
        table = self._nationality()
        status = table.family_head_statuses[int(rnd() * len(table.family_head_statuses))]
        ages = self.age_special_permanent if status == "特別永住者" else self.age_foreign_head
        hb = self._birth(ages)
        family = self._foreign_family_name(table)
        head = self._foreigner(table, family, MALE, hb, "世帯主", status)
        wb = self._spouse_birth(hb, MALE)
        # Chinese, Korean and Vietnamese wives keep their own family name.
        keeps_own = table.nationality in ("中国", "韓国", "ベトナム")
        wife_family = self._foreign_family_name(table) if keeps_own else family
        dependent = status if status in UNLIMITED_STATUSES else table.dependent_status
        out = [head, self._foreigner(table, wife_family, FEMALE, wb, "妻", dependent)]
        for birth in self._children_births((hb, wb), self._child_count(), 25.0):
            out.append(self._foreigner(table, family, self._sex(), birth, "子", dependent))
        return out

    def _mixed(self) -> list[_Draft]:
        """A Japanese national married to a foreign national; the children are Japanese."""
        rnd = self.rng.random
        table = self._nationality()
        family = self._surname()
        honseki = self._honseki()
        jp_sex = self._sex(0.7)
        jp_birth = self._birth(self.age_parent)
        # Marrying a foreign national opens a new 戸籍 with the Japanese spouse as 筆頭者.
        head = self._jp(family, jp_sex, jp_birth, "世帯主", honseki, None)
        own = head[0] + IDEOGRAPHIC_SPACE + head[2]
        head = head[:12] + (own,)
        spouse_sex = FEMALE if jp_sex == MALE else MALE
        spouse_birth = self._spouse_birth(jp_birth, jp_sex)
        status = "日本人の配偶者等" if rnd() < 0.6 else "永住者"
        spouse = self._foreigner(
            table,
            self._foreign_family_name(table),
            spouse_sex,
            spouse_birth,
            "妻" if spouse_sex == FEMALE else "夫",
            status,
        )
        return [head, spouse] + self._children(family, (jp_birth, spouse_birth), honseki, own)
