"""Check digits of the national identifiers (pure, stdlib only).

Used by models, imports and the synthetic generator alike so that one rule exists per number.
Never accept a number without its check digit verified.
"""

from __future__ import annotations

_MUNI_WEIGHTS = (6, 5, 4, 3, 2)


def municipality_code_check_digit(first5: str) -> int:
    """地方公共団体コード: weights 6..2, sum mod 11, last digit of (11 - remainder)."""
    if len(first5) != 5 or not first5.isascii() or not first5.isdigit():
        raise ValueError(f"expected 5 ASCII digits, got {first5!r}")
    total = sum(int(d) * w for d, w in zip(first5, _MUNI_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def is_valid_municipality_code(code: str) -> bool:
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    return municipality_code_check_digit(code[:5]) == int(code[5])


def my_number_check_digit(first11: str) -> int:
    """個人番号: P(n) n-th digit from the right, Q(n)=n+1 (n<=6) or n-5 (n>=7)."""
    if len(first11) != 11 or not first11.isascii() or not first11.isdigit():
        raise ValueError(f"expected 11 ASCII digits, got {first11!r}")
    r = 0
    for n in range(1, 12):
        p = int(first11[11 - n])
        q = n + 1 if n <= 6 else n - 5
        r += p * q
    r %= 11
    return 0 if r <= 1 else 11 - r


def is_valid_my_number(number: str) -> bool:
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return my_number_check_digit(number[:11]) == int(number[11])
