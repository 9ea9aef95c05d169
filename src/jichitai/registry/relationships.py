"""続柄 (relationship to the head of household): the national standard's vocabulary (std 1.0
§1.1.11, function 110) and the one check every write path asks.

Item 110#1: the register can hold 世帯主; the base terms; chains of base terms joined by 「の」 up to
4 generations (a generation is one 「の」-joined piece, counted mechanically); 縁故者; 同居人.
Item 110#2 (must not): anything else — 孫, 祖父, 祖母, おじ, おば, 甥, 姪, 家事使用人, 準世帯主, a
chain of 5 or more — must never be stored. 孫 is written 「子の子」; a chain longer than 4 becomes
縁故者 (the clerk decides that, this module only refuses).

This module must never rewrite a value (no silent 孫 → 子の子): it says yes or no, and why.
"""

from __future__ import annotations

from .conventions import HEAD

MAX_GENERATIONS = 4
JOIN = "の"
# Spelled as the standard spells them: full-width parentheses, 「（未届）」.
UNREGISTERED_HUSBAND = "夫（未届）"
UNREGISTERED_WIFE = "妻（未届）"
# ② of the standard: the pieces a chain is made of.
# Reading of 夫（未届）/妻（未届） in chains: they are base terms of ② like 夫/妻, so ③ lets them be a
# piece of a chain at any position (「妻（未届）の子」 the unregistered wife's child, 「子の妻（未届）」);
# each counts as one generation. Their 「（未届）」 holds no 「の」, so the mechanical count is unambiguous.
BASE_TERMS: tuple[str, ...] = (
    "夫", "妻", UNREGISTERED_HUSBAND, UNREGISTERED_WIFE, "子", "父", "母", "兄", "姉", "弟", "妹",
)
# ② also lists 「子（子の夫）」「子（子の妻）」 (a child who is also a child's spouse). They are
# accepted as written, whole, and are not chain pieces: the 「の」 inside their parentheses would make
# a mechanical generation count ambiguous. A plain child's spouse is the chain 「子の夫」「子の妻」.
CHILD_AS_SPOUSE: tuple[str, ...] = ("子（子の夫）", "子（子の妻）")
# ①, ④, ⑤: whole values, never part of a chain (「世帯主の子」 is 「子」).
KINSHIP_OUTSIDE = "縁故者"
COHABITANT = "同居人"
WHOLE_VALUES: tuple[str, ...] = (HEAD, *CHILD_AS_SPOUSE, KINSHIP_OUTSIDE, COHABITANT)

# What a clerk's form suggests (an input list, free text still checked here): the base terms, the
# chains a counter sees most, then 縁故者 and 同居人.
COMMON_CHAINS: tuple[str, ...] = (
    "子の子", "子の夫", "子の妻", "妻の子", "夫の子", "子の子の子", "妻の父", "妻の母", "夫の父", "夫の母",
    "父の母", "兄の子", "姉の子", "兄の妻", "弟の妻",
)
SUGGESTIONS: tuple[str, ...] = (
    HEAD, *BASE_TERMS, *COMMON_CHAINS, *CHILD_AS_SPOUSE, KINSHIP_OUTSIDE, COHABITANT,
)

_BASE = frozenset(BASE_TERMS)
_WHOLE = frozenset(WHOLE_VALUES)

MESSAGE = (
    "続柄は標準仕様の表記で入力してください（世帯主、夫、妻、夫（未届）、妻（未届）、子、父、母、兄、"
    "姉、弟、妹、これらを「の」で4世代までつなげたもの（例: 子の子）、縁故者、同居人）。"
    "孫・祖父・祖母などは「子の子」「父の父」「父の母」のように書き、5世代以上になる場合は「縁故者」とします。"
)


def pieces(value: str) -> list[str]:
    """The 「の」-joined pieces of a chain (a generation each), counted mechanically."""
    return value.split(JOIN)


def is_standard(value: object) -> bool:
    """True when ``value`` is a 続柄 the standard allows, exactly as written (no trimming)."""
    if not isinstance(value, str) or not value:
        return False
    if value in _WHOLE:
        return True
    parts = pieces(value)
    return len(parts) <= MAX_GENERATIONS and all(p in _BASE for p in parts)


def problem(value: str) -> str:
    """The Japanese message for a value that is not standard (what to write instead, when known);
    callers put the item's name (続柄, 異動者1の続柄) in front."""
    parts = pieces(value)
    if "(未届)" in value or "（未届)" in value or "(未届）" in value:
        return f"「{value}」: 未届は全角の括弧で「（未届）」と書きます（例: 妻（未届））。"
    if len(parts) > MAX_GENERATIONS and all(p in _BASE for p in parts):
        return f"「{value}」は{len(parts)}世代です。4世代を超える続柄は「{KINSHIP_OUTSIDE}」とします。"
    if value == "孫":
        return f"「{value}」は標準仕様の続柄にありません。「子の子」と入力してください。"
    return f"「{value}」は標準仕様の続柄にありません。" + MESSAGE


def check(value: str, *, allow_blank: bool = False) -> str:
    """``value`` if it is standard (blank too when ``allow_blank``); else ValueError in Japanese."""
    if allow_blank and value == "":
        return value
    if not is_standard(value):
        raise ValueError(problem(value))
    return value
