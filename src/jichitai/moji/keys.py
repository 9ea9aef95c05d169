"""Matching keys for 名寄せ and search: `key` (異体字-folded text) and `kana_key` (folded カナ).

A key is for comparing, never for showing or storing as the person's name: 髙橋 stays 髙橋 on the
register; only its key is 高橋. Both functions are pure, deterministic and idempotent, and the rules
are written out rule by rule, with the data row each comes from, in docs/moji.md.
"""

from __future__ import annotations

import re
import threading
import unicodedata

from .tables import tables

# Code point ranges where NFKC can change a non-ideograph (everything else maps to itself). Ideographs
# are deliberately NOT run through NFKC: compatibility ideographs fold through the data's union-find
# (build.py adds their canonical mapping as an edge that a 別字 link can refuse).
_NFKC_RANGES = (
    (0x00A0, 0x33FF),
    (0xA000, 0xABFF),
    (0xFB00, 0xFFEF),
    (0x10000, 0x1FFFF),
)
_DAKUTEN, _HANDAKUTEN = "\u3099", "\u309a"

_lock = threading.Lock()
_key_table: dict[int, str | None] | None = None
_kana_table: dict[int, str | None] | None = None
_compose: dict[str, str] = {}
_COMPOSE_RE = re.compile("[\u3041-\u30ff][\u3099\u309a]")


def _is_ideograph(o: int) -> bool:
    return (
        0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x3FFFF
    )


def _width_table() -> dict[int, str | None]:
    """Rule W: NFKC for non-ideographs, whitespace and selectors removed, voiced marks combining."""
    table: dict[int, str | None] = {}
    for lo, hi in _NFKC_RANGES:
        for o in range(lo, hi + 1):
            if _is_ideograph(o) or 0xD800 <= o <= 0xDFFF:
                continue
            ch = chr(o)
            n = unicodedata.normalize("NFKC", ch)
            if n != ch:
                table[o] = n
    # Spacing voiced marks (゛゜, ﾞﾟ) are typed after kana in legacy data: treat them as combining.
    for o in (0x309B, 0xFF9E):
        table[o] = _DAKUTEN
    for o in (0x309C, 0xFF9F):
        table[o] = _HANDAKUTEN
    for o in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]:
        table[o] = None
    for o in range(0x3001):  # every str.isspace() character is below U+3001
        if chr(o).isspace():
            table[o] = None
    for o in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):  # zero-width characters
        table[o] = None
    return table


def _close(table: dict[int, str | None]) -> dict[int, str | None]:
    """Apply the table to its own outputs until nothing changes, so one translate() is enough."""
    while True:
        changed = False
        for o, v in table.items():
            if v is None:
                continue
            w = v.translate(table)
            if w != v:
                table[o] = w if w else None
                changed = True
        if not changed:
            return table


def _build_compose() -> None:
    for o in range(0x3041, 0x3100):
        base = chr(o)
        for mark in (_DAKUTEN, _HANDAKUTEN):
            c = unicodedata.normalize("NFC", base + mark)
            if len(c) == 1:
                _compose[base + mark] = c


def key_table() -> dict[int, str | None]:
    """The str.translate table of `key` (built once per process from the artefact + unicodedata)."""
    global _key_table
    if _key_table is None:
        with _lock:
            if _key_table is None:
                t = tables()
                table = _width_table()
                for o in range(ord("a"), ord("z") + 1):  # Rule L: Latin letters upper case
                    table[o] = chr(o - 32)
                for src, rep in t.fold.items():  # Rule F: 異体字 fold (build.compute_fold)
                    table[ord(src)] = rep
                _build_compose()
                _key_table = _close(table)
    return _key_table


def _compose_marks(s: str) -> str:
    return _COMPOSE_RE.sub(lambda m: _compose.get(m.group(), m.group()), s)


def key(text: str) -> str:
    """照合キー (matching key): 異体字 folded, selectors/whitespace dropped, width folded. See docs/moji.md."""
    table = _key_table if _key_table is not None else key_table()
    s = text.translate(table)
    if _DAKUTEN in s or _HANDAKUTEN in s:
        s = _compose_marks(s)
    return s


# kana_key ----------------------------------------------------------------------------------------

_SMALL = "ァアィイゥウェエォオッツャヤュユョヨヮワヵカヶケㇰクㇱシㇲスㇳトㇴヌㇵハㇶヒㇷフㇸヘㇹホㇺムㇻラㇼリㇽルㇾレㇿロ"
_ROWS = {
    "ア": "アカガサザタダナハバパマヤラワヴァャヮヵㇵ",
    "イ": "イキギシジチヂニヒビピミリヰィ",
    "ウ": "ウクグスズツヅヌフブプムユルゥッュヴ",
    "エ": "エケゲセゼテデネヘベペメレヱェヶ",
    "オ": "オコゴソゾトドノホボポモヨロヲォョ",
}
# Rule K4: the long vowel as 現代仮名遣い spells it: オ段 + ー → ウ (サトー = サトウ), エ段 + ー → イ
# (ケーコ = ケイコ), otherwise the kana's own vowel (マー = マア, ユー = ユウ).
_LONG_AS = {"ア": "ア", "イ": "イ", "ウ": "ウ", "エ": "イ", "オ": "ウ"}
_VOWEL: dict[str, str] = {c: _LONG_AS[v] for v, cs in _ROWS.items() for c in cs}
_LONG = "ー"


def kana_table() -> dict[int, str | None]:
    """The str.translate table of `kana_key`: width fold, hiragana → katakana, small → large."""
    global _kana_table
    if _kana_table is None:
        with _lock:
            if _kana_table is None:
                table = _width_table()
                for o in range(ord("a"), ord("z") + 1):
                    table[o] = chr(o - 32)
                for o in range(0x3041, 0x3097):  # ぁ..ゖ → ァ..ヶ
                    table[o] = chr(o + 0x60)
                table[0x309D], table[0x309E] = "ヽ", "ヾ"  # ゝゞ → ヽヾ (iteration marks kept)
                for small, large in zip(_SMALL[::2], _SMALL[1::2], strict=True):
                    table[ord(small)] = large
                table[ord("ヰ")], table[ord("ヱ")] = "イ", "エ"
                table[ord("・")] = None  # ジョン・スミス: the middle dot is not part of the reading
                table[0xFF65] = None  # halfwidth ･
                table[0xFF70] = _LONG  # halfwidth ｰ
                # Dash-like marks typed for ー.
                for o in (0x2D, 0x2010, 0x2015, 0x2212, 0xFF0D, 0x30FC):
                    table[o] = _LONG
                _build_compose()
                _kana_table = _close(table)
    return _kana_table


def _expand_long(s: str) -> str:
    out: list[str] = []
    for ch in s:
        if ch == _LONG:
            # Rule K4: ー becomes the long vowel of the kana before it; dropped after ン or non-kana.
            prev = out[-1] if out else ""
            v = _VOWEL.get(prev)
            if v:
                out.append(v)
            continue
        out.append(ch)
    return "".join(out)


def kana_key(text: str) -> str:
    """カナ照合キー: katakana, full width, small kana large, ー expanded, voiced marks kept, no spaces."""
    table = _kana_table if _kana_table is not None else kana_table()
    s = text.translate(table)
    if _DAKUTEN in s or _HANDAKUTEN in s:
        s = _compose_marks(s)  # composed kana (ガ, ヴ) are already fixed points of the table
    if _LONG in s:
        s = _expand_long(s)
    return s


# search_kana_key ---------------------------------------------------------------------------------
# [330]#2 あいまい検索 (version 2 of the person's stored カナ key): on top of the kana table's width,
# script, small-kana and dash folds, voicing is ignored (ガ=カ, パ=ハ), ヂ=ジ, ヅ=ズ, ワ=ハ, ヲ=オ,
# ヴァ=バ, ヴ=ブ, the long mark ー is dropped (its presence is ignored) and ウ after an オ段 kana
# becomes オ. ヂ folds to ジ before the voicing goes, so ヂ=ジ=シ but not チ: a key is one string and
# equality is transitive, the standard's listed pair wins (docs/registry-ui.md, 検索).

_VU = {"ヴア": "バ", "ヴイ": "ビ", "ヴエ": "ベ", "ヴオ": "ボ", "ヴユ": "ビユ", "ヴ": "ブ"}
_VU_RE = re.compile("ヴ[アイエオユ]?")
_fuzzy_table: dict[int, str | None] | None = None
_O_ROW = frozenset(_ROWS["オ"])


def _fuzzy() -> dict[int, str | None]:
    global _fuzzy_table
    if _fuzzy_table is None:
        table: dict[int, str | None] = {0x3099: None, 0x309A: None}  # a mark left over: voicing is ignored
        for o in range(0x30A1, 0x30FB):
            c = chr(o)
            c = {"ヂ": "ジ", "ヅ": "ズ"}.get(c, c)
            base = unicodedata.normalize("NFD", c)[0]
            base = {"ワ": "ハ", "ヲ": "オ", "ヰ": "イ", "ヱ": "エ"}.get(base, base)
            if base != chr(o):
                table[o] = base
        table[ord("ヾ")] = "ヽ"
        _fuzzy_table = table
    return _fuzzy_table


def search_kana_key(text: str) -> str:
    """あいまい検索のカナキー ([330]#2): kana_key's folds without ー expansion, then voicing, ヂ/ヅ,
    ワ/ヲ, ヴ folded, ー dropped, ウ after an オ段 kana → オ. Idempotent; ignores spaces."""
    table = _kana_table if _kana_table is not None else kana_table()
    s = text.translate(table)
    if _DAKUTEN in s or _HANDAKUTEN in s:
        s = _compose_marks(s)
    s = s.replace(_LONG, "")  # before the ヴ pairs: ヴーァ is ヴァ
    if "ヴ" in s:
        s = _VU_RE.sub(lambda m: _VU[m.group()], s)
    s = s.translate(_fuzzy())
    if "ウ" not in s:
        return s
    out: list[str] = []
    for ch in s:
        out.append("オ" if ch == "ウ" and out and out[-1] in _O_ROW else ch)
    return "".join(out)
