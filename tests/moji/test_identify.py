"""Identification: MJ name, JIS sets, font, 戸籍/住基 numbers; other IVD collections; the reverse way."""

from __future__ import annotations

import pytest

from jichitai import moji
from jichitai.moji.tables import tables

from ._shared import mji_rows

KUZU_AJ1 = "葛\U000e0100"  # Adobe-Japan1 CID+1481, not a Moji_Joho sequence
TSUJI_MJ = "辻\U000e0102"  # Moji_Joho MJ025760 (one-dot 辻)


def test_taka_is_identified_with_its_numbers() -> None:
    (info,) = moji.identify("髙")
    assert info.mj == "MJ028902"
    assert info.koseki == "513280"
    assert info.juki == "J+9AD9"
    assert info.x0213 == "1-25-66" and info.x0213_kubun == "2"
    assert not info.jisx0213 and not info.jisx0208  # 髙 itself has no JIS X 0213 code
    assert info.font


def test_saki_compatibility_ideograph_is_jisx0213_not_0208() -> None:
    (info,) = moji.identify("﨑")
    assert info.mj == "MJ030196" and info.jisx0213 and not info.jisx0208


def test_a_selector_stays_with_its_base_character() -> None:
    infos = moji.identify("渡邉\U000e010f")
    assert [i.char for i in infos] == ["渡", "邉\U000e010f"]
    assert infos[1].codepoints == ("U+9089", "U+E010F")
    assert infos[1].mj == "MJ026190" and infos[1].collection == "Moji_Joho"


def test_svs_of_compatibility_ideograph_is_identified() -> None:
    t = tables()
    i = next(i for i, s in enumerate(t.svs) if s)
    (info,) = moji.identify(t.svs[i].split(";")[0])
    assert info.mj == t.name(i) and info.collection == "SVS" and info.font


def test_adobe_japan1_kuzu_is_flagged_because_the_font_prints_the_default_glyph() -> None:
    (v,) = moji.validate(KUZU_AJ1)
    assert not v.ok and v.rule == "other-collection"
    (info,) = moji.identify(KUZU_AJ1)
    assert info.collection == "Adobe-Japan1" and info.sequence_id == "CID+1481"


def test_moji_joho_tsuji_prints_as_entered() -> None:
    (v,) = moji.validate(TSUJI_MJ)
    assert v.ok
    assert moji.identify(TSUJI_MJ)[0].mj == "MJ025760"
    assert moji.identify("辻")[0].mj == "MJ025761"  # plain 辻 is the two-dot glyph


def test_hanyo_denshi_sequence_shared_with_moji_joho_is_the_same_glyph() -> None:
    # 845B_E0102 is both Hanyo-Denshi JA1975 and Moji_Joho MJ022335.
    (info,) = moji.identify("葛\U000e0102")
    assert info.collection == "Moji_Joho" and info.mj == "MJ022335"


def test_hanyo_denshi_only_sequence_is_translated_through_its_koseki_number() -> None:
    t = tables()
    seq, (coll, ident, via, mj) = next(
        (s, v) for s, v in sorted(t.ivd_other.items()) if v[2] and v[1].startswith("KS")
    )
    assert coll == "Hanyo-Denshi"
    (v,) = moji.validate(seq)
    assert not v.ok and v.rule == "other-collection-translatable" and v.suggestion == via
    assert t.koseki[t.by_name[mj]] == ident[2:]
    assert moji.to_moji_joho("田" + seq) == "田" + via
    assert moji.validate(via)[0].ok


def test_unregistered_selector_and_private_use_are_flagged() -> None:
    assert moji.validate("あ\U000e0100")[0].rule == "unregistered-selector"
    assert moji.validate("\ue000")[0].rule == "private-use"


def test_lookup_and_canonical() -> None:
    assert moji.canonical("MJ028902") == "髙"
    assert moji.canonical("mj026190") == "邉"
    rec = moji.lookup("MJ025760")
    assert rec.char == TSUJI_MJ and rec.ucs is None and rec.ivs == ("8FBB_E0102",)
    with pytest.raises(moji.UnknownMJError):
        moji.lookup("MJ999999")


def test_withdrawn_glyph_has_no_canonical_form() -> None:
    t = tables()
    i = next(i for i in range(len(t)) if not t.canonical(i))
    with pytest.raises(moji.NoCodePointError):
        moji.canonical(t.name(i))


def test_every_mj_row_with_a_code_point_round_trips() -> None:
    """identify(canonical(MJ)) is that MJ again, for every row of mji.csv that has a code point."""
    rows = mji_rows()
    checked = 0
    bad = []
    for r in rows:
        name = r["MJ文字図形名"]
        if not (r["実装したUCS"] or r["実装したMoji_JohoコレクションIVS"]):
            with pytest.raises(moji.NoCodePointError):
                moji.canonical(name)
            continue
        char = moji.canonical(name)
        infos = moji.identify(char)
        # the installed font lacks two glyphs (README "Rendering"): identified, not printable
        printable = infos[0].font if len(infos) == 1 else False
        if len(infos) != 1 or infos[0].mj != name or printable == (char in moji.chars.FONT_LACKS):
            bad.append(name)
        checked += 1
    assert not bad, bad[:20]
    assert checked == 58_862 - 19  # README: 19 rows by design have neither


def test_font_coverage_matches_the_readme() -> None:
    """58,841 of 58,862 rows render; 19 have no code point, U+9FEE/U+9FEF are absent from the font."""
    t = tables()
    drawable = sum(1 for i in range(len(t)) if t.canonical(i))
    assert drawable == 58_843
    # The artefact cannot know that font Ver.005.01 lacks U+9FEE/U+9FEF: chars.FONT_LACKS says so.
    assert {t.name(t.by_char[c]) for c in "\u9fee\u9fef"} == {"MJ057449", "MJ060040"}
    assert drawable - len(moji.chars.FONT_LACKS) == 58_841


def test_characters_missing_from_the_installed_font_are_not_claimed_printable() -> None:
    from jichitai.moji import identify, validate

    for ch in ("\u9fee", "\u9fef"):
        (info,) = identify(ch)
        assert info.mj is not None and not info.font
        (v,) = validate(ch)
        assert not v.ok and v.rule == "not-in-font"
