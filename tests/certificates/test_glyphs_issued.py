"""Done-when 1 on the real path: a household with 髙, 﨑, 邉, 辻 with one dot (U+8FBB U+E0102) and
葛 (U+845B U+E0102) moves in through the register, a signed 住民票の写し is issued for it, and its
PDF is rendered to PNG (pdftoppm) and compared glyph by glyph with the characters drawn straight
from IPAmj明朝, and its text (pdftotext) holds the exact sequences."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from jichitai.certificates import counter
from jichitai.certificates.issuance import IssuanceRefused, Requester
from jichitai.certificates.render import code_points, font_path
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, people, person_spec

from .conftest import request
from .glyphs import cells, crop_word, distance, draw, page_png, pdf_text, word_boxes

pytestmark = pytest.mark.django_db

TSUJI_1, KATSURA = "辻\U000e0102", "葛\U000e0102"
NAME_PT = 14  # .member .name in certificate.css
GLYPHS = [  # (word printed, the character checked, what a wrong print would look like)
    ("髙橋", "髙", ["高"]),
    ("﨑子", "﨑", ["崎"]),
    ("邉見", "邉", ["邊", "辺"]),
    (TSUJI_1, TSUJI_1, ["辻", "辻\U000e0103"]),
    (f"{KATSURA}西", KATSURA, ["葛", "葛\U000e0103"]),
]


def _household(office) -> list[int]:
    persons = [
        person_spec("h", "髙橋", "一郎", "1970-04-01", "世帯主"),
        person_spec("w", "髙橋", "﨑子", "1972-05-02", "妻", sex="2"),
        person_spec("s", "邉見", TSUJI_1, "2000-01-08", "縁故者"),
        person_spec("d", f"{KATSURA}西", "花", "2019-05-01", "同居人", sex="2"),
    ]
    apply(
        office,
        "move_in",
        {
            "household": {
                "new": {
                    "address_id": office.address.pk,
                    "banchi": "1番地2",
                    "katagaki": "テストハイツ101号",
                }
            },
            "persons": persons,
            "previous_address": "東京都千代田区千代田1番1号",
        },
        dt.date(2020, 4, 1),
    )
    return [p.pk for p in people()]


@pytest.mark.std("1000#2", "1030#1", "90#1")
def test_the_issued_copy_prints_every_mj_name_with_the_fonts_own_glyph(office, office_b) -> None:
    with activate(office.ctx()), override_settings(JICHITAI_CERTIFICATE_SIGNING=True):
        ids = _household(office)
        req = request(
            ids, requester=Requester("household", person_id=ids[0]), head_and_relationship=True
        )
        handout = counter.issue_pdf(req, staff=office.clerk)
    pdf = handout.pdf
    text = pdf_text(pdf)
    for name in ("髙橋", "﨑子", "邉見", TSUJI_1, f"{KATSURA}西"):
        assert name in text, code_points(name)
    for folded in ("高橋", "崎子", "辺見", "葛西"):  # nothing folded to a common form on the way
        assert folded not in text
    assert text.count("辻") == text.count(TSUJI_1) and "テストハイツ101号" in text.replace(" ", "")
    pages = text.count("\f")
    boxes = [(n, w, box) for n in range(1, pages + 1) for w, box in word_boxes(pdf, n)]
    for word, char, wrongs in GLYPHS:
        found = [(n, box) for n, w, box in boxes if w == word]
        assert found, f"{word!r} not found in the PDF"
        # the 氏名 line (14pt), not the 世帯主 column
        n, tallest = max(found, key=lambda f: f[1][3] - f[1][1])
        printed = crop_word(page_png(pdf, n), dict(cells(word, tallest))[char])
        same = distance(printed, draw(char, font_path(), NAME_PT))
        # 14pt at 300 dpi (measured: right 0.018–0.057, wrong 0.064–0.224); the wrong glyphs below
        # must be clearly farther still
        assert same < 0.07, f"{code_points(char)} printed unlike the font's glyph ({same:.3f})"
        for wrong in wrongs:
            other = distance(printed, draw(wrong, font_path(), NAME_PT))
            assert other > same + 0.025, f"{code_points(char)} looks like {code_points(wrong)}"
    with activate(office_b.ctx(office_b.clerk)), pytest.raises(IssuanceRefused):
        counter.issue_pdf(request(ids[:1]), staff=office_b.clerk)  # another municipality's persons
