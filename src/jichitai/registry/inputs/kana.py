"""フリガナ items (氏・名のフリガナ): stored as full-width katakana, nothing else.

What a clerk types is converted, never refused, where the intent is plain: hiragana → katakana
(ゝゞ → ヽヾ, ゔ → ヴ), half-width katakana → full-width (ｶﾞ → ガ), a spacing or combining 濁点
composed with its kana (カ゛ → ガ), every run of white space → one U+3000 between words (the
register's convention for multi-word readings), none at either end. Anything else — kanji,
Latin letters, digits, symbols, control characters — is refused, naming the item, the character
and its position. The result contains only ァ–ヺ, ー, ヽ, ヾ and single U+3000 between words.
"""

from __future__ import annotations

import re
import unicodedata

from .problems import InputProblem, shown

SPACE = "\u3000"
_HALF_KANA = re.compile(r"[\uFF61-\uFF9F]+")
_WHITE = re.compile(r"\s+")
_HYPHENS = frozenset("-‐‑‒–—―−－~～〜")
_SPACING_MARKS = str.maketrans({"\u309B": "\u3099", "\u309C": "\u309A"})


def is_stored_kana(ch: str) -> bool:
    """A character a stored フリガナ may hold (besides U+3000 between words)."""
    return "\u30A1" <= ch <= "\u30FA" or ch in "ーヽヾ"


def _hira_to_kata(ch: str) -> str:
    o = ord(ch)
    if 0x3041 <= o <= 0x3096 or o in (0x309D, 0x309E):
        return chr(o + 0x60)
    return ch


def _convertible(ch: str) -> bool:
    """Typed characters that become stored kana (or white space) by the conversion."""
    o = ord(ch)
    return (
        is_stored_kana(ch) or 0x3041 <= o <= 0x3096 or o in (0x309D, 0x309E)
        or 0xFF66 <= o <= 0xFF9F or ch in "\u3099\u309A\u309B\u309C" or ch.isspace()
    )


def _kind(ch: str) -> str:
    cat = unicodedata.category(ch)
    if unicodedata.name(ch, "").startswith("CJK") or ch in "々〆〇":
        return "漢字"
    if cat.startswith("L") and unicodedata.normalize("NFKC", ch).isascii():
        return "英字"
    if cat == "Nd" or cat.startswith("N"):
        return "数字"
    if cat in ("Cc", "Cf"):
        return "制御文字"
    return "記号"


def _refuse(ch: str, index: int, label: str) -> InputProblem:
    hint = "長音は「ー」で入力してください。" if ch in _HYPHENS else ""
    return InputProblem(
        "kana_only",
        f"{label}の{index + 1}文字目の{_kind(ch)}{shown(ch)}は入力できません。"
        f"フリガナは全角カタカナで入力してください（ひらがな・半角カナは全角カタカナに直して記録します）。{hint}",
    )


def normalize(text: str, label: str = "フリガナ") -> str:
    """The フリガナ as the register stores it; InputProblem for a character that is not kana."""
    for i, ch in enumerate(text):
        if not _convertible(ch):
            raise _refuse(ch, i, label)
    s = _HALF_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    s = "".join(_hira_to_kata(c) for c in s.translate(_SPACING_MARKS))
    s = unicodedata.normalize("NFC", s)
    s = _WHITE.sub(SPACE, s).strip(SPACE)
    for i, ch in enumerate(s):
        if not (is_stored_kana(ch) or ch == SPACE):
            # a 濁点 that no kana takes (ア゛, or one at the start)
            raise InputProblem(
                "kana_only",
                f"{label}の濁点・半濁点{shown(ch)}（{i + 1}文字目）は前のカナと組み合わせられません。"
                "濁点付きのカナ（ガ・パなど）で入力してください。",
            )
    return s


def problem(text: str, label: str = "フリガナ") -> InputProblem | None:
    """The refusal ``normalize`` would raise, or None (the value may still need converting)."""
    try:
        normalize(text, label)
    except InputProblem as exc:
        return exc
    return None
