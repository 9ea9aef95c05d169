"""Synthetic residents for demos, tests and benchmarks (issue 2, item 7).

Pure Python, stdlib only: no Django, no third-party packages, no files read at run time (the MJ /
IVD data under /work/shared is only used by tests to check the embedded constants). It must never
produce or hold real personal data: every name, date, address and number is invented, and the
numbers are merely format-valid.

Public API::

    generate_households(municipality_code, residents, seed=0, *, as_of=DEFAULT_AS_OF)
        -> Iterator[SyntheticHousehold]
    generate_residents(...) -> Iterator[tuple[SyntheticHousehold, SyntheticPerson]]
    my_number_check_digit / is_valid_my_number, municipality_code_check_digit /
    is_valid_municipality_code, resident_code_check_digit / is_valid_resident_code
    my_number_for / resident_code_for / residence_card_number_for (mint more unique numbers)
    municipality_capacity(code)

See docs/synthetic.md.
"""

from .checkdigits import (
    is_valid_municipality_code,
    is_valid_my_number,
    is_valid_resident_code,
    municipality_code_check_digit,
    my_number_check_digit,
    resident_code_check_digit,
)
from .generator import DEFAULT_AS_OF, generate_households, generate_residents
from .identifiers import (
    municipality_capacity,
    my_number_for,
    residence_card_number_for,
    resident_code_for,
)
from .models import SyntheticAddress, SyntheticHousehold, SyntheticPerson

__all__ = [
    "DEFAULT_AS_OF",
    "SyntheticAddress",
    "SyntheticHousehold",
    "SyntheticPerson",
    "generate_households",
    "generate_residents",
    "is_valid_municipality_code",
    "is_valid_my_number",
    "is_valid_resident_code",
    "municipality_capacity",
    "municipality_code_check_digit",
    "my_number_check_digit",
    "my_number_for",
    "residence_card_number_for",
    "resident_code_check_digit",
    "resident_code_for",
]
