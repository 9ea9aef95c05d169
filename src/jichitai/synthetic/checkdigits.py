"""Check digits, re-exported from :mod:`jichitai.codes` (one rule per number for the project)."""

from jichitai.codes import (
    is_valid_municipality_code,
    is_valid_my_number,
    is_valid_resident_code,
    municipality_code_check_digit,
    my_number_check_digit,
    resident_code_check_digit,
)

__all__ = [
    "is_valid_municipality_code",
    "is_valid_my_number",
    "is_valid_resident_code",
    "municipality_code_check_digit",
    "my_number_check_digit",
    "resident_code_check_digit",
]
