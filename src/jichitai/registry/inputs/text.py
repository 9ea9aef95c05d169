"""The character sets of the register's text items: names, 番地, 方書, and the numbers a person
types (個人番号, 住民票コード, 在留カード番号).

Names (氏, 名, 旧氏, 通称) are kept as entered or refused, never rewritten: every character must be
a kanji of the MJ set (IPA 文字情報基盤, through ``jichitai.moji``, IVS included) that IPAmj明朝
prints, full-width hiragana or katakana (ー, 々, ゝゞヽヾ), or — in a foreign resident's name —
ASCII Latin letters with space, hyphen, apostrophe, full stop and comma. Compatibility and symbol
forms are refused by name: half-width kana, full-width Latin, 〓, ㍻, ①, emoji, control characters.

番地 and 方書 are normalized to what the register stores (ASCII digits, see docs/registry.md
"エラーとアラート"), then checked against their own sets.
"""

from __future__ import annotations

import re
import unicodedata

from .problems import InputProblem, shown

_KANA_OK = frozenset("ー々ゝゞヽヾ")
_LATIN_PUNCT = frozenset(" -'.,")
_SPACES = frozenset(" \u3000")


def _is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u3096" or "\u30A1" <= ch <= "\u30FA" or ch in _KANA_OK


def _name_refusal(ch: str, label: str, index: int, latin: bool) -> InputProblem | None:
    """Why one character (a moji.split unit) may not stand in a name, or None."""
    base = ch[0]
    o = ord(base)
    where = f"{label}の{index + 1}文字目{shown(ch)}"
    if _is_kana(base) and len(ch) == 1:
        return None
    if base in _SPACES and len(ch) == 1:
        return None
    if base.isascii() and (base.isalpha() or base in _LATIN_PUNCT):
        if latin:
            return None
        return InputProblem("name_latin", f"{where}: 英字は外国人住民の氏名・通称にだけ使えます。漢字・かなで入力してください。")
    if unicodedata.category(base) == "Nd":
        return InputProblem("name_digit", f"{where}は数字です。{label}に数字は使えません。")
    if 0xFF61 <= o <= 0xFF9F:
        return InputProblem("name_halfwidth_kana", f"{where}は半角カナです。全角のカナで入力してください。")
    if 0xFF01 <= o <= 0xFF5E:
        return InputProblem("name_fullwidth_ascii", f"{where}は全角の英数字・記号です。"
                            + ("英字は半角で入力してください。" if base.isalpha() and latin else f"{label}には使えません。"))
    if base == "〓":
        return InputProblem("name_geta", f"{where}（ゲタ記号）は文字の代わりの記号です。"
                            "正しい文字を入力してください（外字はMJ文字で入力します）。")
    category = unicodedata.category(base)
    if category in ("Cc", "Cf", "Co", "Cn", "Zl", "Zp"):
        return InputProblem("name_control", f"{where}は制御文字・私用領域の文字です。入力し直してください。")
    if unicodedata.decomposition(base).startswith("<"):
        # ㍻ ① ㈱ ｶ ﬁ …: compatibility forms stand for other characters
        return InputProblem("name_compatibility", f"{where}は互換用の記号（囲み文字・組文字など）です。"
                            f"{label}には使えません。元の文字で入力してください。")
    return _kanji_refusal(ch, where, label)


def _kanji_refusal(ch: str, where: str, label: str) -> InputProblem | None:
    from jichitai.moji import identify, validate

    if not unicodedata.name(ch[0], "").startswith("CJK") and ch[0] not in "々〆":
        return InputProblem("name_symbol", f"{where}は記号・絵文字です。{label}には使えません。")
    (info,) = identify(ch)
    if len(ch) == 1 and info.mj is None:  # a sequence (IVS) is judged by its collection below
        return InputProblem("name_not_mj", f"{where}は文字情報基盤（MJ文字）にない漢字です。"
                            "MJ文字の字形で入力してください。")
    (check,) = validate(ch)
    if not check.ok:
        hint = f"「{check.suggestion}」" if check.suggestion else "文字情報基盤（Moji_Joho）の字形"
        return InputProblem("unprintable_char", f"{where}: {check.message_ja}。{hint}で入力してください。")
    return None


# (character, latin) pairs already found fine: whether a character may stand in a name depends
# only on it and on ``latin`` (label and place only word the refusal), and the MJ lookups behind
# the answer are most of a bulk import's cost, so each is judged once per process.
_NAME_OK: set[tuple[str, bool]] = set()


def name_problem(text: str, label: str, *, latin: bool) -> InputProblem | None:
    """The first character of ``text`` a name may not hold, as a refusal; None when all are fine."""
    from jichitai.moji import split

    ok = _NAME_OK
    for index, ch in split(text):
        if (ch, latin) in ok:
            continue
        found = _name_refusal(ch, label, index, latin)
        if found is not None:
            return found
        if len(ok) < 200_000:
            ok.add((ch, latin))
    return None


# -- 番地・方書 -----------------------------------------------------------------------------------

_FULL_ASCII = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_DASHES = {c: "-" for c in "‐‑‒–—―−－ーｰ"}
_BANCHI_WORDS = frozenset("番地号の")
_BANCHI_LOTS = frozenset("甲乙丙丁")  # 地番 with a 甲乙 part (甲123番地)
BANCHI_NONE = "無番地"


def normalize_banchi(text: str, label: str = "番地") -> str:
    """番地 as the register stores it: ASCII digits, 「-」 for every dash, no spaces; the
    characters allowed are digits, 番・地・号・の, 「-」, 甲乙丙丁, or the whole 「無番地」."""
    s = "".join(_DASHES.get(c, _FULL_ASCII.get(c, c)) for c in text)
    s = re.sub(r"\s+", "", s)
    if s == BANCHI_NONE:
        return s
    for i, ch in enumerate(s):
        if not ((ch.isascii() and ch.isdigit()) or ch in _BANCHI_WORDS or ch == "-" or ch in _BANCHI_LOTS):
            hint = "数字は算用数字（1, 2, 3）で入力してください。" if unicodedata.numeric(ch, None) is not None else ""
            raise InputProblem(
                "banchi_chars",
                f"{label}の{i + 1}文字目{shown(ch)}は入力できません。番地は数字と「番地」「番」「号」「の」「-」"
                f"（地番の甲乙丙丁）で入力してください（例: 3番12号、123番地4、12-3）。{hint}",
            )
    return s


_KATAGAKI_PUNCT = frozenset(" -・()&'.,/#＃〃")


def normalize_katagaki(text: str, label: str = "方書") -> str:
    """方書 as the register stores it: full-width ASCII (digits, Latin, symbols) as ASCII,
    half-width kana as full-width, runs of spaces as one; refused: emoji, control characters,
    compatibility forms (①, ㍻), anything not kanji of the MJ set, kana, Latin, digits or the
    punctuation of building names (・ - ( ) & ' . , / #)."""
    s = re.sub(r"[\uFF61-\uFF9F]+", lambda m: unicodedata.normalize("NFKC", m.group()), text)
    s = "".join(_FULL_ASCII.get(c, c) for c in s)
    s = re.sub(r"\s+", " ", s).strip()
    from jichitai.moji import split

    for i, ch in split(s):
        if (ch.isascii() and ch.isalnum()) or ch in _KATAGAKI_PUNCT or _is_kana(ch):
            continue
        refusal = _name_refusal(ch, label, i, latin=True)
        if refusal is not None:
            raise InputProblem("katagaki_chars", refusal.message + "（方書に使えるのは漢字・カナ・英数字と"
                               "建物名の記号 ・ - ( ) & ' . , / # です）")
    return s


def address_text_problem(text: str, label: str) -> InputProblem | None:
    """本籍・従前の住所・転出先: free text (a foreign address in Latin letters too), but no emoji,
    control characters, compatibility forms (①, ㍻) or 〓 — what no address holds."""
    from jichitai.moji import split

    for i, ch in split(text):
        base = ch[0]
        if base.isascii() and base.isprintable():
            continue
        if _is_kana(base) or base == "\u3000" or "\uff01" <= base <= "\uff5e" or base in "・、。「」（）－〒":
            continue
        if unicodedata.name(base, "").startswith("CJK") or base in "々〆ヶ":
            refusal = _kanji_refusal(ch, f"{label}の{i + 1}文字目{shown(ch)}", label)
        else:
            refusal = _name_refusal(ch, label, i, latin=True)
        if refusal is not None:
            return InputProblem("address_chars", refusal.message)
    return None


# -- numbers --------------------------------------------------------------------------------

_NUMBER_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−－ー]")


def normalize_digits(text: str) -> str:
    """A number as typed (full-width digits, spaces or hyphens between groups) → ASCII digits;
    anything else is left for the item's own check to refuse."""
    s = _NUMBER_SEPARATORS.sub("", text)
    return "".join(_FULL_ASCII.get(c, c) if "０" <= c <= "９" else c for c in s)


def normalize_card_no(text: str) -> str:
    """在留カード番号: full-width letters and digits as ASCII, letters upper-case, no spaces."""
    s = re.sub(r"\s+", "", "".join(_FULL_ASCII.get(c, c) for c in text))
    return s.upper() if s.isascii() else s
