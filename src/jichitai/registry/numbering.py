"""宛名番号・世帯番号 ([130] 1.1.13): a simple sequence and, as the last digit, a check digit.

[130]#2: every digit but the last is a simple sequence (the per-municipality counter, see
``events.writer.reserve``); the last is a modulus 11 check digit, weights 2–7 (M11W2-7): the
body's digits from the right are weighted 2, 3, 4, 5, 6, 7, 2, 3, …, r = Σ mod 11, and the check
digit is 11 − r, with "余りが０の場合、検査付番は０".

Remainder 1 (11 − 1 = 10, two digits) is not named by the standard's text. Our reading: 0 as well,
as the 個人番号 rule does (番号法施行令 8条); skipping those sequence numbers would break the
"単純連番" the same sentence asks for. So a check digit 0 stands for remainder 0 or 1, and a
single-digit error that moves the remainder between 0 and 1 is not detected (tested).

The rule applies to new numbers only ("新規付番に限り"): numbers given before it (the counter
zero-padded, no check digit) stay as they are. New numbers never collide with them: the number for
sequence n is 10·n + check ≥ 10·n, and the counter only grows.
"""

from __future__ import annotations

ATENA_NO_DIGITS = 12  # 宛名番号: 11-digit sequence + check digit
HOUSEHOLD_NO_DIGITS = 10  # 世帯番号: 9-digit sequence + check digit

__all__ = [
    "ATENA_NO_DIGITS",
    "HOUSEHOLD_NO_DIGITS",
    "atena_no",
    "check_digit",
    "household_no",
    "is_valid",
    "number_problem",
]


def check_digit(body: str) -> int:
    """M11W2-7 check digit of ``body`` (ASCII digits): 0 when the remainder is 0 or 1, else 11 − r."""
    if not (isinstance(body, str) and body and body.isascii() and body.isdigit()):
        raise ValueError(f"the body of a number must be ASCII digits, got {body!r}")
    total = sum((ord(ch) - 48) * ((n % 6) + 2) for n, ch in enumerate(reversed(body)))
    r = total % 11
    return 0 if r <= 1 else 11 - r


def _number(seq: int, digits: int) -> str:
    if not 1 <= seq < 10 ** (digits - 1):
        raise ValueError(f"sequence {seq} does not fit {digits - 1} digits")
    body = f"{seq:0{digits - 1}d}"
    return body + str(check_digit(body))


def atena_no(seq: int) -> str:
    """The 宛名番号 for counter value ``seq`` (12 digits, the last a check digit)."""
    return _number(seq, ATENA_NO_DIGITS)


def household_no(seq: int) -> str:
    """The 世帯番号 for counter value ``seq`` (10 digits, the last a check digit)."""
    return _number(seq, HOUSEHOLD_NO_DIGITS)


def is_valid(number: object, digits: int) -> bool:
    """True when ``number`` is ``digits`` ASCII digits whose last is the check digit of the rest."""
    return number_problem(number, digits) is None


def number_problem(number: object, digits: int) -> str | None:
    """What is wrong with a typed number, in Japanese (None: nothing)."""
    if not isinstance(number, str) or len(number) != digits or not (number.isascii() and number.isdigit()):
        return f"{digits}桁の半角数字で入力してください。"
    if int(number[:-1]) == 0:
        return "連番の部分が0です。"
    if check_digit(number[:-1]) != ord(number[-1]) - 48:
        return "検査数字（最下位の1桁）が正しくありません。"
    return None
