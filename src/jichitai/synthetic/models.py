"""Plain value objects produced by the synthetic resident generator.

These are frozen, slotted dataclasses with no behaviour beyond formatting helpers, so that the
registry, the demo loader, layouts and benchmarks can consume them without importing Django. They
must never hold real personal data: every instance comes from ``jichitai.synthetic.generator``.

Conventions (documented once, here):
- Names are stored exactly as a register would hold them: Unicode, possibly with MJ variant
  characters (髙, 﨑, 邉, 𠮷 …) and Moji_Joho IVS sequences (e.g. 葛 U+845B + U+E0102).
- ふりがな are **katakana** (full-width, long vowels written out, e.g. サトウ). Multi-word foreign
  readings are separated by an ideographic space U+3000.
- ``full_name`` joins 氏 and 名 with an ideographic space U+3000, as 住民票 print does; romanized
  foreign names (e.g. ``NGUYEN`` / ``VAN NAM``) keep ASCII spaces inside the given name.
- 性別 codes: ``"1"`` male, ``"2"`` female (the 住民基本台帳 / JIS X 5031 convention).
- ``nationality`` is ``None`` for Japanese nationals; foreign residents carry 国籍・地域, 在留資格,
  在留期間の満了日 (``None`` for 永住者 and 特別永住者, whose stay is not limited) and the
  在留カード番号 (for 特別永住者 the number of the 特別永住者証明書, same shape).
- ``honseki`` (本籍) and ``hittousha`` (筆頭者) are ``None`` for foreign residents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["IDEOGRAPHIC_SPACE", "SyntheticAddress", "SyntheticHousehold", "SyntheticPerson"]

IDEOGRAPHIC_SPACE = "\u3000"

_KANJI_DIGITS = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    """1..99 in kanji (三, 十二, 二十五) as used for 丁目."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _KANJI_DIGITS[tens] + "十")
    return head + ("" if ones == 0 else _KANJI_DIGITS[ones])


@dataclass(frozen=True, slots=True)
class SyntheticAddress:
    """住所 inside the municipality (the municipality itself is implied by the generator call).

    ``town_code`` is shaped like a 7-digit 町字ID of the アドレス・ベース・レジストリ: 4 digits for the
    町・大字 and 3 for the 丁目 (``000`` when the town has no 丁目). ``lot`` is the 番地 part in the
    town's own style: ``3番12号`` (住居表示 towns, which have 丁目) or ``123番地4`` (地番 towns).
    ``building`` is the 方書 (apartment and room), ``None`` for detached houses.
    """

    town_code: str
    town_name: str
    block: int | None
    lot: str
    building: str | None
    postal_code: str

    @property
    def text(self) -> str:
        """The address line as printed after the municipality name, e.g. 桜町三丁目3番12号."""
        chome = "" if self.block is None else f"{kanji_number(self.block)}丁目"
        tail = "" if self.building is None else IDEOGRAPHIC_SPACE + self.building
        return f"{self.town_name}{chome}{self.lot}{tail}"


@dataclass(frozen=True, slots=True)
class SyntheticPerson:
    """One synthetic resident (住民票 items that a generator can sensibly invent)."""

    seq: int
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    birth_date: date
    sex: str
    relationship: str
    nationality: str | None
    residence_status: str | None
    residence_period_end: date | None
    residence_card_number: str | None
    alias: str | None
    my_number: str
    resident_code: str
    honseki: str | None
    hittousha: str | None

    @property
    def full_name(self) -> str:
        return self.family_name + IDEOGRAPHIC_SPACE + self.given_name

    @property
    def full_name_kana(self) -> str:
        return self.family_name_kana + IDEOGRAPHIC_SPACE + self.given_name_kana

    @property
    def is_foreign(self) -> bool:
        return self.nationality is not None


@dataclass(frozen=True, slots=True)
class SyntheticHousehold:
    """世帯: an address and its members; ``members[0]`` is always the one 世帯主."""

    seq: int
    address: SyntheticAddress
    members: tuple[SyntheticPerson, ...]

    @property
    def head(self) -> SyntheticPerson:
        return self.members[0]
