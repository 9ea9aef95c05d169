"""Identify characters against MJ文字情報 and tell whether IPAmj明朝 prints them as entered.

A "character" here is a base code point plus its combining marks and an optional variation selector
(IVS U+E0100–E01EF or SVS U+FE00–FE0F). This module only reports; it must never change the text a
person entered (that is `degrade` for display and `key` for matching).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import NoCodePointError, UnknownMJError
from .tables import KUBUN_NAMES, Tables, tables

IVS_FIRST, IVS_LAST = 0xE0100, 0xE01EF
SVS_FIRST, SVS_LAST = 0xFE00, 0xFE0F


def is_selector(ch: str) -> bool:
    o = ord(ch)
    return IVS_FIRST <= o <= IVS_LAST or SVS_FIRST <= o <= SVS_LAST


def is_private_use(ch: str) -> bool:
    o = ord(ch)
    return 0xE000 <= o <= 0xF8FF or 0xF0000 <= o <= 0xFFFFD or 0x100000 <= o <= 0x10FFFD


def _is_ideograph(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH"))


def split(text: str) -> Iterator[tuple[int, str]]:
    """Yield (index in ``text``, character) with selectors and combining marks kept on their base."""
    start = 0
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and (is_selector(text[j]) or unicodedata.combining(text[j])):
            j += 1
        start = i
        yield start, text[start:j]
        i = j


@dataclass(frozen=True)
class CharInfo:
    """What the data says about one character."""

    index: int
    char: str
    codepoints: tuple[str, ...]
    base: str
    selector: str | None  # "U+E0102" etc.
    # "Moji_Joho", "SVS", "Adobe-Japan1", "Hanyo-Denshi", "unregistered" (selector), or None
    collection: str | None
    sequence_id: str | None  # IVD sequence identifier (CID+1481, JA1975, MJ022335 …)
    mj: str | None
    koseki: str | None  # 戸籍統一文字番号
    juki: str | None  # 住基ネット統一文字コード
    x0213: str | None  # 面区点 of the MJ row's JIS X 0213 code (包摂 included, see x0213_kubun)
    x0213_kubun: str | None  # "0" own glyph, "2" unified (包摂) into that code
    jisx0213: bool  # the character without selector is in the JIS X 0213 repertoire (NTA map)
    jisx0208: bool  # … in JIS X 0208 (NTA JIS区分 JIS1水/JIS2水/非漢字, plus half-width)
    jis_kubun: str | None  # NTA JIS区分
    font: bool  # IPAmj明朝 prints exactly this (see font_basis)
    font_basis: str  # "mj-ucs", "mj-ivs", "mj-svs", "assumed-non-kanji", "default-glyph", "absent"
    moji_joho: str | None  # the Moji_Joho form of the same glyph when entered in another collection
    private_use: bool
    hentaigana: str | None  # MJ09xxxx for 変体仮名

    def as_dict(self) -> dict[str, object]:
        return {
            "char": self.char,
            "index": self.index,
            "codepoints": list(self.codepoints),
            "mj": self.mj,
            "jisx0208": self.jisx0208,
            "jisx0213": self.jisx0213,
            "jis_kubun": self.jis_kubun,
            "x0213": self.x0213,
            "x0213_kubun": self.x0213_kubun,
            "font": self.font,
            "font_basis": self.font_basis,
            "selector": self.selector,
            "collection": self.collection,
            "sequence_id": self.sequence_id,
            "moji_joho": self.moji_joho,
            "koseki": self.koseki,
            "juki": self.juki,
            "private_use": self.private_use,
            "hentaigana": self.hentaigana,
        }


def _u(ch: str) -> str:
    return f"U+{ord(ch):04X}"


# MJ rows whose code point IPAmj明朝 Ver.005.01 (Debian's fonts-ipamj-mincho) has no glyph for
# (shared/data/mj/README.md, "Rendering"): MJ057449 U+9FEE and MJ060040 U+9FEF.
FONT_LACKS = frozenset({"\u9fee", "\u9fef"})


def _identify_one(t: Tables, index: int, ch: str) -> CharInfo:
    base = ch[0]
    sel = next((c for c in ch[1:] if is_selector(c)), None)
    plain = ch.replace(sel, "") if sel else ch
    mj_i: int | None = None
    collection: str | None = None
    seq_id: str | None = None
    moji_joho: str | None = None
    if sel is None:
        mj_i = t.by_char.get(ch)
        font_basis = "mj-ucs" if mj_i is not None else "absent"
        if ch in FONT_LACKS:
            font_basis = "absent"
    else:
        seq = base + sel
        mj_i = t.by_seq.get(seq)
        if mj_i is not None:
            svs = ord(sel) <= SVS_LAST
            collection = "SVS" if svs else "Moji_Joho"
            seq_id = None if svs else t.name(mj_i)
            font_basis = "mj-svs" if svs else "mj-ivs"
        else:
            other = t.ivd_other.get(seq)
            if other is not None:
                collection, seq_id, via, via_mj = other
                if via:
                    moji_joho = via
                    mj_i = t.by_name[via_mj]
            else:
                collection = "unregistered"
            # IPAmj明朝 ignores a sequence it does not know and prints the base's default glyph.
            font_basis = "default-glyph"
    font = font_basis.startswith("mj-")
    nta = t.nta(plain)
    if not font and sel is None and nta is not None and not _is_ideograph(base):
        font, font_basis = True, "assumed-non-kanji"
    elif not font and sel is None and " " <= ch <= "~":
        font, font_basis = True, "assumed-non-kanji"
    return CharInfo(
        index=index,
        char=ch,
        codepoints=tuple(_u(c) for c in ch),
        base=base,
        selector=_u(sel) if sel else None,
        collection=collection,
        sequence_id=seq_id,
        mj=t.name(mj_i) if mj_i is not None else None,
        koseki=(t.koseki[mj_i] or None) if mj_i is not None else None,
        juki=(t.juki[mj_i] or None) if mj_i is not None else None,
        x0213=(t.x0213[mj_i] or None) if mj_i is not None else None,
        x0213_kubun=(t.x0213_kubun[mj_i] or None) if mj_i is not None else None,
        jisx0213=nta is not None,
        jisx0208=plain in t.x0208_set,
        jis_kubun=KUBUN_NAMES[nta.kubun] if nta is not None else None,
        font=font,
        font_basis=font_basis,
        moji_joho=moji_joho,
        private_use=is_private_use(base),
        hentaigana=t.hentaigana.get(ch),
    )


def identify(text: str) -> list[CharInfo]:
    """文字の同定 (identification): one `CharInfo` per character of ``text``."""
    t = tables()
    return [_identify_one(t, i, ch) for i, ch in split(text)]


@dataclass(frozen=True)
class Validation:
    """Whether one character prints as entered with IPAmj明朝, and what to do if not."""

    index: int
    char: str
    ok: bool
    rule: str  # "ok", "other-collection", "other-collection-translatable", "unregistered-selector",
    # "lone-selector", "private-use", "not-in-font"
    message_ja: str
    message_en: str
    suggestion: str | None = None


def _validate_one(info: CharInfo) -> Validation:
    i, ch = info.index, info.char
    if info.font:
        return Validation(i, ch, True, "ok", "そのまま印字できます", "prints as entered")
    if is_selector(info.base):
        return Validation(
            i,
            ch,
            False,
            "lone-selector",
            "基底文字のない異体字セレクタです",
            "variation selector without a base character",
        )
    if info.private_use:
        return Validation(
            i,
            ch,
            False,
            "private-use",
            "私用領域の外字です。外字同定が必要です",
            "private-use gaiji: needs identification against MJ",
        )
    if info.selector and info.moji_joho:
        return Validation(
            i,
            ch,
            False,
            "other-collection-translatable",
            f"{info.collection} のシーケンスです。同じ字形の Moji_Joho 表現 ({info.mj}) に置き換えてください",
            f"{info.collection} sequence; replace with the Moji_Joho form of the same glyph ({info.mj})",
            suggestion=info.moji_joho,
        )
    if info.selector and info.collection and info.collection != "unregistered":
        return Validation(
            i,
            ch,
            False,
            "other-collection",
            f"{info.collection} のシーケンス ({info.sequence_id}) です。IPAmj明朝では標準字形で印字されます",
            f"{info.collection} sequence ({info.sequence_id}); IPAmj Mincho prints the default glyph",
        )
    if info.selector:
        return Validation(
            i,
            ch,
            False,
            "unregistered-selector",
            "IVD に登録されていない異体字シーケンスです",
            "variation sequence not registered in the IVD",
        )
    return Validation(
        i,
        ch,
        False,
        "not-in-font",
        "IPAmj明朝に字形がありません",
        "IPAmj Mincho has no glyph for this character",
    )


def validate(text: str) -> list[Validation]:
    """Per character: will it print as entered with IPAmj明朝? Imports and data entry refuse or flag."""
    return [_validate_one(info) for info in identify(text)]


def to_moji_joho(text: str) -> str:
    """Replace sequences of other IVD collections by the Moji_Joho form of the same glyph, where known."""
    out = []
    for info in identify(text):
        out.append(info.moji_joho if info.moji_joho else info.char)
    return "".join(out)


@dataclass(frozen=True)
class MJRecord:
    """One row of MJ文字情報一覧表 (the columns the library keeps)."""

    mj: str
    char: str | None  # canonical form (実装したUCS or Moji_Joho IVS)
    ucs: str | None  # 実装したUCS as "U+XXXX"
    corresponding_ucs: str | None  # 対応するUCS
    ivs: tuple[str, ...]  # Moji_Joho IVS as "XXXX_EXXXX"
    svs: tuple[str, ...]
    koseki: str | None
    juki: str | None
    x0213: str | None
    x0213_kubun: str | None
    x0212: str | None
    nyukan: str | None
    policy: str | None  # 常用漢字 / 人名用漢字
    strokes: int | None
    shrink_unique: str | None  # MJSU target
    note: str | None
    font: bool

    def as_dict(self) -> dict[str, object]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


def _seq_code(s: str) -> str:
    return "_".join(f"{ord(c):04X}" for c in s)


def lookup(name: str) -> MJRecord:
    """MJ文字図形名 → its row. Raises `UnknownMJError`."""
    t = tables()
    i = t.by_name.get(name.strip().upper())
    if i is None:
        raise UnknownMJError(name)
    canon = t.canonical(i)
    return MJRecord(
        mj=t.name(i),
        char=canon or None,
        ucs=_u(t.ucs[i]) if t.ucs[i] else None,
        corresponding_ucs=_u(t.corr[i]) if t.corr[i] else None,
        ivs=tuple(_seq_code(s) for s in t.ivs[i].split(";") if s),
        svs=tuple(_seq_code(s) for s in t.svs[i].split(";") if s),
        koseki=t.koseki[i] or None,
        juki=t.juki[i] or None,
        x0213=t.x0213[i] or None,
        x0213_kubun=t.x0213_kubun[i] or None,
        x0212=t.x0212[i] or None,
        nyukan=t.nyukan[i] or None,
        policy=("", "常用漢字", "人名用漢字")[t.policy[i]] or None,
        strokes=t.strokes[i] or None,
        shrink_unique=t.mjsu[i] or None,
        note=t.note[i] or None,
        font=bool(canon),
    )


def canonical(name: str) -> str:
    """MJ文字図形名 → the Unicode form IPAmj明朝 prints it with (実装したUCS, else its Moji_Joho IVS)."""
    t = tables()
    i = t.by_name.get(name.strip().upper())
    if i is None:
        raise UnknownMJError(name)
    c = t.canonical(i)
    if not c:
        raise NoCodePointError(t.name(i))
    return c
