"""One synthetic person at a time: the people random stream and the name, age and nationality
tables it draws from. A draft is a plain tuple (``weights.Draft``); ``generator`` numbers it.

Every draw goes through ``self.rng`` in a fixed order: moving, adding or reordering a call changes
all output after it, so a refactoring here must compare a digest of the output before and after.
"""

from __future__ import annotations

import bisect
import random
from datetime import date

from .addresses import derive_seed, honseki_text
from .foreign import FOREIGN_NATIONALITIES, UNLIMITED_STATUSES, ForeignNameTable
from .models import IDEOGRAPHIC_SPACE
from .names import ERA_BOUNDS, GIVEN_NAMES_FEMALE, GIVEN_NAMES_MALE, SURNAME_VARIANTS, SURNAMES
from .weights import FEMALE, MALE, MAX_PARENT_DAYS, MIN_PARENT_DAYS, YEAR, Draft, lookup_table

__all__ = ["PersonDrafts"]


class PersonDrafts:
    """The people stream of one run and the helpers that draw a name, a birth date, a person."""

    def __init__(self, code5: str, seed: int, as_of: date) -> None:
        self.as_of = as_of.toordinal()
        self.prefecture_index = int(code5[:2]) - 1
        # People and addresses use separate streams so that the people of a small run are a
        # prefix of a larger run with the same seed (only the address dictionary size differs).
        self.rng = random.Random(derive_seed("people", code5, seed))

        # surnames: (written, kana, ((variant, cumulative share), …))
        rows = []
        for written, kana, _w in SURNAMES:
            cum = 0.0
            variants = []
            for spelling, share in SURNAME_VARIANTS.get(written, ()):
                cum += share
                variants.append((spelling, cum))
            rows.append((written, kana, tuple(variants)))
        self.surnames = tuple(rows[i] for i in lookup_table([w for *_, w in SURNAMES], 16384))

        self.era_starts = [date(y, 1, 1).toordinal() for y in ERA_BOUNDS]

        def by_rank(era: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
            return tuple(era[i] for i in lookup_table([1.0 / (r + 4) for r in range(len(era))]))

        self.given = {
            MALE: tuple(by_rank(e) for e in GIVEN_NAMES_MALE),
            FEMALE: tuple(by_rank(e) for e in GIVEN_NAMES_FEMALE),
        }
        self.nationalities = tuple(
            FOREIGN_NATIONALITIES[i]
            for i in lookup_table([t.weight for t in FOREIGN_NATIONALITIES], 1000)
        )

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
        return self.as_of - int((age + rnd()) * YEAR)

    def _sex(self, male_share: float = 0.5) -> str:
        return MALE if self.rng.random() < male_share else FEMALE

    def _parent_name(self, family: str, child_birth: int) -> str:
        """An invented father's full name (筆頭者 of a child still in the parents' 戸籍)."""
        given, _ = self._given(MALE, child_birth - int(30 * YEAR))
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
    ) -> Draft:
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
        birth = head_birth + int(gap * YEAR) if head_sex == MALE else head_birth - int(gap * YEAR)
        return min(birth, self.as_of - 18 * 366)

    def _children_births(
        self,
        parents: tuple[int, ...],
        count: int,
        max_age: float = 33.0,
    ) -> list[int]:
        """Birth ordinals of up to ``count`` children, each parent aged 18-45 at every birth."""
        rnd = self.rng.random
        lo = max(max(parents) + MIN_PARENT_DAYS, self.as_of - int(max_age * YEAR))
        hi = min(min(parents) + MAX_PARENT_DAYS, self.as_of)
        if lo > hi:
            return []
        first = min(parents) + int((24 + 12 * rnd()) * YEAR)
        birth = min(max(first, lo), hi)
        births = [birth]
        for _ in range(count - 1):
            birth += int((1.2 + 4 * rnd()) * YEAR)
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
    ) -> list[Draft]:
        out: list[Draft] = []
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
    ) -> Draft:
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
