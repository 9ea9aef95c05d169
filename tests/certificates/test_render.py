"""Rendering (issue 12 item 5): IPAmj明朝, names exactly as stored, HarfBuzz subsetting required.

The first Done-when item: a 住民票の写し of a household with 髙, 﨑, 邉, 辻 with one dot
(U+8FBB U+E0102) and 葛 (U+845B U+E0102), rendered to PNG with pdftoppm and compared glyph by glyph
with the same characters drawn straight from the font file, and its text extracted with pdftotext.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.certificates.render import (
    SubsettingUnavailableError,
    UndrawableCharactersError,
    check_subsetting,
    code_points,
    coverage,
    font_path,
    font_setup,
    juminhyo_html,
    juminhyo_pdf,
    render_pdf,
    warm_up,
)
from jichitai.certificates.render.engine import printed_text

from .glyphs import cells, crop_word, distance, draw, page_png, pdf_text, word_boxes

TSUJI_1 = "辻\U000e0102"  # 辻 with one dot (MJ025760)
KATSURA = "葛\U000e0102"  # MJ022335
HOUSEHOLD = {
    "address": "東京都テスト市本町一丁目2番3号",
    "katagaki": "テストハイツ101号",
    "head": "髙橋　一郎",
    "members": [
        {
            "name": "髙橋　一郎",
            "birth_date": dt.date(1970, 4, 1),
            "sex": "男",
            "relationship": "世帯主",
        },
        {
            "name": "髙橋　﨑子",
            "birth_date": dt.date(1972, 5, 2),
            "sex": "女",
            "relationship": "妻",
        },
        {
            "name": f"邉見　{TSUJI_1}",
            "birth_date": dt.date(2000, 1, 8),
            "sex": "男",
            "relationship": "子",
        },
        {
            "name": f"{KATSURA}西　花",
            "birth_date": dt.date(2019, 5, 1),
            "sex": "女",
            "relationship": "子",
        },
        {
            "name": "テスト　ジョン",
            "birth_date": dt.date(1990, 3, 4),
            "sex": "男",
            "relationship": "同居人",
            "foreign": True,
        },
    ],
    "issued_on": dt.date(2026, 12, 1),
    "issuer": "テスト市長　試験　太郎",
}
NAME_PT = 16  # .name in juminhyo.html
# (word printed in a name, the character checked, what a wrong print would look like)
GLYPHS = [
    ("髙橋", "髙", ["高"]),
    ("﨑子", "﨑", ["崎"]),
    ("邉見", "邉", ["邊", "辺"]),
    (TSUJI_1, TSUJI_1, ["辻", "辻\U000e0103"]),  # selector dropped / two dots
    (f"{KATSURA}西", KATSURA, ["葛", "葛\U000e0103"]),
]


@pytest.fixture(scope="module")
def household_pdf() -> bytes:
    return juminhyo_pdf(HOUSEHOLD)


@pytest.mark.parametrize(("word", "char", "wrongs"), GLYPHS, ids=[g[0] for g in GLYPHS])
def test_name_glyphs_are_the_fonts_glyphs(household_pdf, word, char, wrongs):
    page = page_png(household_pdf)
    boxes = [box for w, box in word_boxes(household_pdf) if w == word]
    assert boxes, f"{word!r} not found on the page"
    box = dict(cells(word, boxes[-1]))[char]
    printed = crop_word(page, box)
    same = distance(printed, draw(char, font_path(), NAME_PT))
    assert same < 0.05, f"{code_points(char)} printed unlike the font's glyph ({same:.3f})"
    for wrong in wrongs:
        # the comparison can tell: the wrong glyph is clearly farther than the right one
        other = distance(printed, draw(wrong, font_path(), NAME_PT))
        assert other > same + 0.025, f"{code_points(char)} looks like {code_points(wrong)}"
        apart = distance(draw(char, font_path(), NAME_PT), draw(wrong, font_path(), NAME_PT))
        assert apart > 0.05


def test_variation_sequences_have_their_own_glyphs_in_the_font():
    """If the selector were dropped the base glyph would print: the font says they differ."""
    from fontTools.ttLib import TTFont

    font = TTFont(font_path(), lazy=True)
    cmap = font.getBestCmap()
    uvs = next(t for t in font["cmap"].tables if t.format == 14).uvsDict[0xE0102]
    by_base = dict(uvs)
    assert by_base[0x8FBB] not in (None, cmap[0x8FBB])
    assert by_base[0x845B] not in (None, cmap[0x845B])


def test_text_has_the_exact_sequences(household_pdf):
    text = pdf_text(household_pdf)
    for name in ("髙橋", "﨑子", "邉見", TSUJI_1, f"{KATSURA}西"):
        assert name in text, code_points(name)
    # nothing was folded to a common form on the way
    for folded in ("高橋", "崎子", "辺見", "葛西"):
        assert folded not in text
    assert text.count("辻") == text.count(TSUJI_1)
    # 和暦 ([90]); a foreign resident's 生年月日 in 西暦; 方書 printed ([1030])
    assert "昭和45年4月1日" in text and "令和元年5月1日" in text and "1990年3月4日" in text
    assert "令和8年12月1日" in text and "テストハイツ101号" in text


def test_pdf_embeds_only_ipamj_subset(household_pdf, tmp_path):
    path = tmp_path / "j.pdf"
    path.write_bytes(household_pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    fonts = out.stdout.splitlines()[2:]
    # IPAmj明朝 only (no fallback font), embedded and subset
    assert fonts and all("+JichitaiMJ" in f and " yes yes " in f for f in fonts)
    assert len(household_pdf) < 200_000  # subset, not the 17 MB font


@pytest.mark.parametrize(
    "seq",
    ["辻\U000e0199", "葛\ufe00", "\ue000", "😀", "高\U000e0100"],
    ids=["unknown-ivs", "svs", "private-use", "emoji", "ivs-on-wrong-base"],
)
def test_undrawable_character_stops_rendering(seq):
    html = juminhyo_html(HOUSEHOLD | {"head": f"山{seq}"})
    with pytest.raises(UndrawableCharactersError) as err:
        render_pdf(html)
    assert err.value.characters == [seq]
    assert err.value.codes == [code_points(seq)]
    assert code_points(seq) in str(err.value) and "発行を中止" in str(err.value)


def test_every_undrawable_character_is_named_once():
    html = "<p>\ue000 a \ue001 \ue000 辻\U000e0199</p>"
    with pytest.raises(UndrawableCharactersError) as err:
        render_pdf(html)
    assert err.value.codes == ["U+E000", "U+E001", "U+8FBB U+E0199"]


def test_markup_in_a_name_is_printed_as_text():
    html = juminhyo_html(HOUSEHOLD | {"head": "<b>髙橋</b>"})
    assert "&lt;b&gt;髙橋&lt;/b&gt;" in html
    assert "<b>髙橋</b>" in printed_text(html)


def test_subsetting_check_passes_here():
    check_subsetting()


def test_subsetting_check_refuses_when_library_missing(monkeypatch):
    from weasyprint.pdf import fonts as wp_fonts

    monkeypatch.setattr(wp_fonts, "harfbuzz_subset", None)
    with pytest.raises(SubsettingUnavailableError, match="libharfbuzz-subset0"):
        check_subsetting()
    with pytest.raises(SubsettingUnavailableError):
        render_pdf("<p>髙橋</p>")


def test_subsetting_check_in_a_process_where_the_library_cannot_load():
    """As if libharfbuzz-subset0 were not installed: WeasyPrint's dlopen of it fails."""
    script = textwrap.dedent(
        """
        import cffi
        real = cffi.FFI.dlopen
        def dlopen(self, name, *args):
            if "subset" in str(name):
                raise OSError(name)
            return real(self, name, *args)
        cffi.FFI.dlopen = dlopen
        from jichitai.certificates.render import SubsettingUnavailableError, check_subsetting
        try:
            check_subsetting()
        except SubsettingUnavailableError as e:
            print("refused:", e)
        """
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("refused:") and "libharfbuzz-subset0" in out.stdout


def test_warm_up_refuses_to_start_without_subsetting(monkeypatch):
    from weasyprint.pdf import fonts as wp_fonts

    warm_up()  # here: passes
    monkeypatch.setattr(wp_fonts, "harfbuzz_subset", None)
    with pytest.raises(SubsettingUnavailableError):
        warm_up()


def test_old_harfbuzz_is_refused(monkeypatch):
    from weasyprint.pdf import fonts as wp_fonts

    class Old:
        def hb_version_atleast(self, *v):
            return False

    monkeypatch.setattr(wp_fonts, "harfbuzz", Old())
    with pytest.raises(SubsettingUnavailableError, match="4.1.0"):
        check_subsetting()


def test_font_setup_is_reused_across_documents():
    first = font_setup()
    render_pdf("<p>髙橋</p>")
    assert font_setup() is first
    other = []
    worker = threading.Thread(target=lambda: other.append(font_setup()))
    worker.start()
    worker.join()
    assert other[0] is not first  # Pango's font map is per thread


_MAPPED = sorted(c for c in coverage().chars if 0x4E00 <= c <= 0x9FFF)


@given(st.lists(st.sampled_from(_MAPPED), max_size=20), st.sampled_from([0xE000, 0xF8FF, 0x1F600]))
def test_coverage_reports_exactly_the_unmapped(chars, foreign):
    text = "".join(map(chr, chars))
    assert coverage().undrawable(text) == []
    assert coverage().undrawable(text + chr(foreign) + text) == [chr(foreign)]


def test_without_the_check_an_unknown_selector_would_print_the_base_glyph():
    """Why an unmapped IVS is refused: HarfBuzz ignores it and the default glyph prints."""
    from weasyprint import HTML

    config, css = font_setup()
    html = '<p style="font-size: 40pt">辻\U000e0199</p>'
    pdf = HTML(string=html).write_pdf(stylesheets=[css], font_config=config)
    word, box = next((w, b) for w, b in word_boxes(pdf) if w.startswith("辻"))
    printed = crop_word(page_png(pdf), box)
    assert distance(printed, draw("辻", font_path(), 40)) < 0.05  # two dots: not what was stored
    with pytest.raises(UndrawableCharactersError):
        render_pdf(html)


def test_font_found_by_fontconfig_or_refused(monkeypatch, tmp_path):
    from jichitai.certificates.render import FontMissingError, fonts

    monkeypatch.setattr(fonts, "DEBIAN_FONT", tmp_path / "none.ttf")
    found = font_path()  # fc-match answers for the family
    assert found.is_file() and found.samefile("/usr/share/fonts/truetype/ipamj/ipamjm.ttf")
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    with pytest.raises(FontMissingError, match="fonts-ipamj-mincho"):
        font_path()
