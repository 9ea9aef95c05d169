"""法人の略称記号 （株）・（有） and their kin, which a person's name may not hold ([330] 2.1.2 #5).

The standard says entering *and* searching such symbols must not be possible, so the register's
name rules and its search both ask ``find`` here. It only finds; it never rewrites a name (a name
is kept as entered or refused, never silently "cleaned").

What counts as the symbol:
- the one-character compatibility forms: parenthesized ideographs ㈱ ㈲ ㈳ … (U+3220–U+3243),
  circled ideographs ㊑ ㊒ ㊓ … (U+3280–U+32B0) and the square ㍿ (株式会社);
- a 法人格 abbreviation inside brackets of any width: （株） (有) 〔社〕 【財】 ( 株 ) …;
- in ふりがな, the bank-style kana forms (カ) ｶ) (ﾕ … at the start or end, or bracketed anywhere.
"""

from __future__ import annotations

import re
import unicodedata

# 株式会社 有限会社 合名 合資 合同 社団 財団 一般社団/財団 公益社団/財団 特定非営利 医療法人
# 学校法人 宗教法人 社会福祉法人 協同組合 組合 独立行政法人 弁護士/税理士/司法書士/監査法人 etc.
CORPORATE_FORMS = (
    "株", "有", "名", "資", "合", "同", "社", "財", "一社", "一財", "公社", "公財", "特", "特非", "医",
    "医社", "医財", "学", "宗", "福", "社福", "協", "組", "独", "弁", "税", "司", "監", "営", "企",
)
KANA_FORMS = (
    "カ", "ユ", "メ", "シ", "ド", "ザイ", "シヤ", "シャ", "トク", "イ", "ガク", "シユウ", "シュウ", "フク",
    "キヨウ", "キョウ", "ク", "ドク",
)

_OPEN = "([{〔【〈《〘〖"
_CLOSE = ")]}〕】〉》〙〗"
_BRACKETS = str.maketrans({**{c: "(" for c in _OPEN}, **{c: ")" for c in _CLOSE}})


def _alternation(forms: tuple[str, ...]) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


_BRACKETED = re.compile(rf"\(\s*(?:{_alternation(CORPORATE_FORMS)})\s*\)")
_KANA = _alternation(KANA_FORMS)
_KANA_BRACKETED = re.compile(rf"\(\s*(?:{_KANA})\s*\)|^\s*(?:{_KANA})\s*\)|\(\s*(?:{_KANA})\s*$")


def is_compatibility_symbol(ch: str) -> bool:
    """㈱ ㈲ ㊑ ㍿ …: one character that stands for a bracketed or circled ideograph."""
    cp = ord(ch)
    return 0x3220 <= cp <= 0x3243 or 0x3280 <= cp <= 0x32B0 or cp == 0x337F


def _folded(text: str) -> str:
    # NFKC: （株）→(株), ㈱→(株), ｶ→カ; hiragana as katakana so ふりがな in either script is read alike
    norm = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in norm)


def find(text: str) -> str | None:
    """The first 法人略称記号 in ``text`` as entered, or None."""
    for ch in text:
        if is_compatibility_symbol(ch):
            return ch
    folded = _folded(text)
    for pattern in (_BRACKETED, _KANA_BRACKETED):
        m = pattern.search(folded)
        if m:
            return m.group(0).strip()
    return None
