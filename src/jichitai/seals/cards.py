"""印鑑登録証の番号: 7 digits of a per-municipality sequence and a check digit (8 digits).

The check digit is the register's M11W2-7 (registry.numbering), so a mistyped digit at the counter
or on the certificate request is caught before any lookup. A typed number may carry full-width
digits, spaces and hyphens (as printed on the card: 1234-5678); they are normalised away.
"""

from __future__ import annotations

import unicodedata

from jichitai.registry.numbering import check_digit

DIGITS = 8
COUNTER = "seal_card"

REQUIRED = "印鑑登録証の番号が必要です。"
SHAPE = f"印鑑登録証の番号は{DIGITS}桁の数字です。"
CHECK = "印鑑登録証の番号の検査数字が正しくありません。番号を確かめてください。"


class CardNumberError(ValueError):
    """A typed card number that cannot be one; ``str(error)`` is the Japanese message."""


def card_number(seq: int) -> str:
    """The number for counter value ``seq`` (1 ≤ seq < 10**7)."""
    if not 1 <= seq < 10 ** (DIGITS - 1):
        raise ValueError(f"sequence {seq} does not fit {DIGITS - 1} digits")
    body = f"{seq:0{DIGITS - 1}d}"
    return body + str(check_digit(body))


def parse_card_number(text: object) -> str:
    """The canonical number of a typed one, or CardNumberError with the Japanese message."""
    if not isinstance(text, str):
        raise CardNumberError(REQUIRED)
    cleaned = "".join(
        ch for ch in unicodedata.normalize("NFKC", text) if ch not in " -\u2010\u2212\u30fc\t"
    )
    if not cleaned:
        raise CardNumberError(REQUIRED)
    if len(cleaned) != DIGITS or not (cleaned.isascii() and cleaned.isdigit()):
        raise CardNumberError(SHAPE)
    if int(cleaned[:-1]) == 0 or check_digit(cleaned[:-1]) != int(cleaned[-1]):
        raise CardNumberError(CHECK)
    return cleaned
