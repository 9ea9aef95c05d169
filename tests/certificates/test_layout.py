"""[1000]#3 様式: A4 portrait; 住所 (with the 方書) and 世帯主 head the page once; each person's items
in the order and with the labels of the standard's layout (第4章, docs/certificates.md)."""

from __future__ import annotations

import re
import subprocess

import pytest

from jichitai.certificates.issuance import Requester, issue
from jichitai.certificates.render import render_certificate
from jichitai.certificates.render.layout import ITEMS, ordered
from jichitai.registry.models import Person
from jichitai.tenancy.context import activate

from .conftest import family, request
from .glyphs import GRID_LABEL_X, GRID_RIGHT_X, GRID_VALUE_X, grid_labels, word_boxes

pytestmark = pytest.mark.django_db


def _layout_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


@pytest.mark.std("1000#3")
def test_the_page_follows_the_standards_layout(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        Person.objects.filter(pk=wife.pk).update(former_surname="住基")
        req = request(
            [head.pk, wife.pk],
            requester=Requester("household", person_id=head.pk),
            head_and_relationship=True,
            honseki=True,
            resident_code=True,
        )
        pdf = issue(req, staff=office.clerk, renderer=render_certificate).copies[0].content
    info = subprocess.run(
        ["pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)  # A4 portrait
    # read label and value apart: the labels by their column in the 世帯連記式 grid (glyphs.py)
    words = word_boxes(pdf, 1)
    heads = grid_labels(words, 0, GRID_LABEL_X, ("住所", "世帯主"))
    left = grid_labels(words, GRID_LABEL_X, GRID_VALUE_X, ITEMS)
    right = grid_labels(words, GRID_RIGHT_X, GRID_RIGHT_X + 20, ITEMS)
    assert [w for w, _ in heads] == ["住所", "世帯主"]  # the household's items head the page, once
    for x0, x1 in ((GRID_LABEL_X, GRID_VALUE_X), (GRID_RIGHT_X, GRID_RIGHT_X + 20)):
        assert not grid_labels(words, x0, x1, ("住所", "世帯主"))  # not under each person
    starts = [y for w, y in left if w == "氏名"]
    assert len(starts) == 2 and starts[0] > heads[-1][1]
    for top, bottom in ((starts[0], starts[1]), (starts[1], float("inf"))):
        person_left = [w for w, y in left if top - 1 <= y < bottom - 1]
        person_right = [w for w, y in right if top - 1 <= y < bottom - 1]
        full_top = min(y for w, y in left if w == "本籍" and top - 1 <= y < bottom - 1)
        # the layout's order: the left column, then the right, then the full-width rows under both
        person = [w for w, y in left if top - 1 <= y < full_top] + person_right
        person += [w for w, y in left if full_top <= y < bottom - 1]
        assert person == sorted(person, key=ITEMS.index)
        assert all(y < full_top for w, y in right if top - 1 <= y < bottom - 1)
        assert person_left == sorted(person_left, key=ITEMS.index)
        assert person[:1] == ["氏名"] and {"本籍", "筆頭者", "住民票コード", "続柄"} <= set(person)
    first_left = [w for w, y in left if y < starts[1]]
    second_left = [w for w, y in left if y >= starts[1]]
    assert second_left[1] == "旧氏" and "旧氏" not in first_left  # right after the 氏名
    text = _layout_text(pdf)
    assert "転入前住所" in text and "従前の住所" not in text  # the layout's label


def test_items_a_kind_adds_keep_their_place_after_the_layouts() -> None:
    member = {"備考": "x", "証明する事項": "y", "氏名": "髙橋　一郎", "生年月日": "昭和1年1月1日"}
    assert [k for k, _ in ordered(member)] == ["氏名", "生年月日", "備考", "証明する事項"]
