"""Weights and shapes of the synthetic population: household kinds, age distributions by role,
the day arithmetic for parents' ages, and the O(1) lookup tables that turn weights into choices.

Pure data and two small functions; no random stream lives here (see ``drafts`` and ``generator``).
Changing a number here changes every generated population (demo, tests and benchmarks alike).
"""

from __future__ import annotations

__all__ = [
    "AGE_3GEN_OLD", "AGE_3GEN_YOUNG", "AGE_COUPLE", "AGE_FOREIGN_HEAD", "AGE_FOREIGN_SINGLE",
    "AGE_OTHER", "AGE_PARENT", "AGE_SINGLE", "AGE_SINGLE_PARENT", "AGE_SPECIAL_PERMANENT",
    "FEMALE", "HOUSEHOLD_KINDS", "MALE", "MAX_PARENT_DAYS", "MIN_PARENT_DAYS", "YEAR", "Draft",
    "age_table", "lookup_table",
]  # fmt: skip

MALE = "1"
FEMALE = "2"

YEAR = 365.2425
# Parents' age at a child's birth must be 18..45 by calendar arithmetic; day counts with a margin
# (18 years are at most 6575 days, 45 years at least 16436) make that hold for every birthday.
MIN_PARENT_DAYS = 6576
MAX_PARENT_DAYS = 16430

# Draft of a person before seq and identifiers are assigned:
# (family, family_kana, given, given_kana, birth ordinal, sex, relationship, nationality,
#  residence status, residence period end ordinal, alias, honseki, hittousha)
Draft = tuple[
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
HOUSEHOLD_KINDS: tuple[tuple[str, float], ...] = (
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
AGE_SINGLE = ((18, 2.5), (22, 3.0), (30, 2.2), (40, 1.2), (55, 1.3), (65, 1.8), (80, 1.8),
               (90, 0.8), (100, 0.06), (107, 0.002))
AGE_COUPLE = ((24, 0.3), (35, 0.5), (50, 0.6), (60, 1.6), (75, 2.2), (85, 1.0), (95, 0.15),
               (100, 0.03), (106, 0.002))
AGE_PARENT = ((26, 0.5), (33, 1.6), (40, 2.0), (48, 1.6), (55, 0.8), (62, 0.2))
AGE_SINGLE_PARENT = ((24, 0.4), (33, 1.4), (42, 2.0), (50, 1.2), (60, 0.3))
AGE_3GEN_YOUNG = ((35, 1.0), (45, 1.5), (55, 1.0), (60, 0.5))
AGE_3GEN_OLD = ((62, 1.0), (72, 1.5), (82, 0.8), (90, 0.2))
AGE_OTHER = ((20, 1.0), (40, 1.2), (60, 1.0), (80, 0.6), (90, 0.1))
AGE_FOREIGN_SINGLE = ((19, 1.5), (25, 3.0), (32, 1.5), (45, 0.6), (65, 0.3), (85, 0.1))
AGE_FOREIGN_HEAD = ((27, 0.5), (35, 1.5), (45, 1.2), (60, 0.5), (80, 0.2))
AGE_SPECIAL_PERMANENT = ((25, 0.4), (50, 1.0), (70, 1.4), (85, 0.8), (98, 0.05))
# fmt: on

TABLE_SIZE = 4096  # size of the O(1) lookup tables used for weighted choices


def lookup_table(weights: list[float], size: int = TABLE_SIZE) -> tuple[int, ...]:
    """Indexes repeated in proportion to ``weights`` (each at least once), for ``t[int(r*len)]``."""
    total = sum(weights)
    table: list[int] = []
    for i, w in enumerate(weights):
        table.extend([i] * max(1, round(size * w / total)))
    return tuple(table)


def age_table(points: tuple[tuple[int, float], ...]) -> tuple[int, ...]:
    ages = list(range(points[0][0], points[-1][0] + 1))
    weights = []
    for age in ages:
        for (a0, w0), (a1, w1) in zip(points, points[1:], strict=False):
            if a0 <= age <= a1:
                weights.append(w0 + (w1 - w0) * (age - a0) / (a1 - a0))
                break
    return tuple(ages[i] for i in lookup_table(weights))
