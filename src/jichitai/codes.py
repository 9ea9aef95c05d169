"""Check digits for Japanese public identifiers: 個人番号, 地方公共団体コード, 住民票コード.

Pure functions over ASCII digit strings, stdlib only, so any layer (tenancy validation, registry,
layouts, the synthetic generator) can import them; the lead may move this module to a shared
package. They must never accept anything but ASCII digits: ``str.isdigit`` alone would let
full-width "１" and other Unicode digits through, so every check also requires ``isascii``.

- 個人番号 (My Number): the algorithm is the public one (番号法施行令 8条, glossary.md).
- 地方公共団体コード: the published JIS X 0401/総務省 rule (glossary.md).
- 住民票コード: the national algorithm is not published to us. ``resident_code_check_digit`` is
  *our synthetic rule* (a modulus-11, weights 2-7 scheme, see below) used for generated data only;
  do not use it to reject real 住民票コード.

Known limits (tested): a modulus-11 scheme that folds remainders 0 and 1 onto the same check digit
cannot detect a single-digit error that moves the remainder between 0 and 1. This holds for
個人番号 and for our 住民票コード rule. For 地方公共団体コード, remainders 0 and 10 both give 1.
"""

from __future__ import annotations

__all__ = [
    "is_valid_municipality_code",
    "is_valid_my_number",
    "is_valid_resident_code",
    "municipality_code_check_digit",
    "my_number_check_digit",
    "resident_code_check_digit",
]


def _require_digits(s: str, length: int, what: str) -> None:
    if not (isinstance(s, str) and len(s) == length and s.isascii() and s.isdigit()):
        raise ValueError(f"{what} must be exactly {length} ASCII digits, got {s!r}")


def _is_digits(s: object, length: int) -> bool:
    return isinstance(s, str) and len(s) == length and s.isascii() and s.isdigit()


def _mod11_weights_2_to_7(digits: str) -> int:
    """Return (Σ P(n)·Q(n)) mod 11, P(n) the n-th digit from the right, Q(n) = 2..7, 2..7, ….

    For n ≤ 11 this is exactly the 個人番号 weight: Q(n) = n+1 for n ≤ 6 and n−5 for n ≥ 7.
    """
    total = 0
    for n, ch in enumerate(reversed(digits), start=1):
        total += (ord(ch) - 48) * ((n - 1) % 6 + 2)
    return total % 11


def my_number_check_digit(first11: str) -> int:
    """Check digit of a 個人番号 from its first 11 digits.

    r = Σ P(n)·Q(n) mod 11 (P(n): n-th digit from the right, Q(n) = n+1 for n ≤ 6, n−5 for n ≥ 7);
    the check digit is 0 when r ≤ 1, else 11 − r.
    """
    _require_digits(first11, 11, "the first 11 digits of a 個人番号")
    r = _mod11_weights_2_to_7(first11)
    return 0 if r <= 1 else 11 - r


def is_valid_my_number(s: object) -> bool:
    """True when ``s`` is 12 ASCII digits whose last digit is the 個人番号 check digit."""
    if not _is_digits(s, 12):
        return False
    assert isinstance(s, str)
    return my_number_check_digit(s[:11]) == ord(s[11]) - 48


def municipality_code_check_digit(first5: str) -> int:
    """Check digit of a 地方公共団体コード from its 5 leading digits.

    Multiply the digits by 6, 5, 4, 3, 2, sum, r = sum mod 11; the check digit is the last digit of
    11 − r (so r = 0 gives 1 and r = 1 gives 0). 13101 → 6 (千代田区 131016), 01100 → 2 (札幌市).
    """
    _require_digits(first5, 5, "the first 5 digits of a 地方公共団体コード")
    r = sum((ord(ch) - 48) * w for ch, w in zip(first5, (6, 5, 4, 3, 2), strict=True)) % 11
    return (11 - r) % 10


def is_valid_municipality_code(s: object) -> bool:
    """True when ``s`` is 6 ASCII digits whose last digit is the 地方公共団体コード check digit."""
    if not _is_digits(s, 6):
        return False
    assert isinstance(s, str)
    return municipality_code_check_digit(s[:5]) == ord(s[5]) - 48


def resident_code_check_digit(first10: str) -> int:
    """Check digit of a *synthetic* 住民票コード from its first 10 digits (our rule, not the national one).

    Same modulus-11 shape as 個人番号: weights 2,3,4,5,6,7,2,3,4,5 from the rightmost digit,
    r = Σ mod 11, check digit 0 when r ≤ 1 else 11 − r. The national algorithm for 住民票コード is
    not published to us, so real codes must not be validated with this function.
    """
    _require_digits(first10, 10, "the first 10 digits of a 住民票コード")
    r = _mod11_weights_2_to_7(first10)
    return 0 if r <= 1 else 11 - r


def is_valid_resident_code(s: object) -> bool:
    """True when ``s`` is 11 ASCII digits valid under our synthetic 住民票コード rule."""
    if not _is_digits(s, 11):
        return False
    assert isinstance(s, str)
    return resident_code_check_digit(s[:10]) == ord(s[10]) - 48
