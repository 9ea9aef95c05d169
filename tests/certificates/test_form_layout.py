"""[1000]#3 様式: the 世帯連記式 grid of the public sample (register-reference.md §5.6): person
blocks numbered 1–4 on a sheet (the 5th person on the next), each a left column (氏名 …) and a
right column (個人番号 …) with full-width rows under them, 「＊＊＊」 for an item without a value and
the 認証文 on the last page only; read back from the PDF with the words' positions."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.certificates.issuance import Requester, issue
from jichitai.certificates.render import render_certificate
from jichitai.certificates.render.fit import EMPTY
from jichitai.registry.models import Person
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, people, person_spec

from .conftest import request
from .glyphs import pdf_text, word_boxes

pytestmark = pytest.mark.django_db

NAMES = ("一郎", "花子", "二郎", "三郎", "四郎")


def _household_of_five(office) -> list[Person]:
    specs = [
        person_spec(
            f"p{i + 1}", "髙橋", given, f"{1960 + 10 * i}-05-01", "世帯主" if i == 0 else "子"
        )
        for i, given in enumerate(NAMES)
    ]
    specs[1].update(relationship="妻", birth_date="1962-07-07", sex="2")
    household = {"new": {"address_id": office.address.pk, "banchi": "1番地"}}
    req = {"household": household, "persons": specs, "previous_address": "乙市本町1番地"}
    apply(office, "move_in", req, dt.date(2020, 4, 1))
    return sorted(people(), key=lambda p: p.birth_date)


def _labels(words, label: str) -> list[tuple[float, float]]:
    """(x, y) of every word that is exactly ``label``."""
    return [(box[0], box[1]) for w, box in words if w == label]


def _numbers(words, x_max: float) -> list[str]:
    """The block numbers: digits in the number column at the left edge of the grid."""
    return [w for w, box in words if w.isdigit() and box[0] < x_max]


@pytest.mark.std("1000#3")
def test_a_household_of_five_is_four_blocks_then_the_next_sheet(office) -> None:
    with activate(office.ctx()):
        members = _household_of_five(office)
        Person.objects.filter(pk=members[4].pk).update(address_set_on=None)
        req = request(
            [p.pk for p in members],
            requester=Requester("household", person_id=members[0].pk),
            head_and_relationship=True,
            my_number=True,
            resident_code=True,
            honseki=True,
        )
        copy = issue(req, staff=office.clerk, renderer=render_certificate).copies[0]
    pdf = copy.content
    pages = pdf_text(pdf).count("\f")
    assert pages >= 2
    first, second = word_boxes(pdf, 1), word_boxes(pdf, 2)
    name_x = min(x for x, _ in _labels(first, "氏名"))
    # the number column sits left of the 氏名 labels: 1–4 on the first sheet, 5 on the second
    assert _numbers(first, name_x) == ["1", "2", "3", "4"]
    assert _numbers(second, name_x) == ["5"]
    assert len(_labels(first, "氏名")) == 4 and len(_labels(second, "氏名")) == 1
    # two columns: each block's right column (個人番号 …) to the right of its 氏名, at its top
    names, numbers = _labels(first, "氏名"), _labels(first, "個人番号")
    assert len(numbers) == 4
    for (nx, ny), (px, py) in zip(
        sorted(names, key=lambda p: p[1]), sorted(numbers, key=lambda p: p[1]), strict=True
    ):
        assert px > nx + 150 and abs(py - ny) < 3  # same row, the right column (mm → pt)
    for left, right in (("生年月日", "住民となった年月日"), ("続柄", "筆頭者")):
        lx = {round(x) for x, _ in _labels(first, left)}
        rx = {round(x) for x, _ in _labels(first, right)}
        assert len(lx) == 1 and len(rx) == 1 and min(rx) > min(lx) + 150  # aligned columns
    # full-width rows under the columns: 本籍 and 転入前住所 in the left label column, below 筆頭者
    for label in ("本籍", "転入前住所"):
        xs = _labels(first, label)
        assert len(xs) == 4 and all(abs(x - name_x) < 1 for x, _ in xs)
    heads = sorted(y for _, y in _labels(first, "筆頭者"))
    honseki = sorted(y for _, y in _labels(first, "本籍"))
    assert all(h < b for h, b in zip(heads, honseki, strict=True))
    # the 5th person has no 住所を定めた年月日: 「＊＊＊」 on its row, right of the label
    ((lx, ly),) = _labels(second, "住所を定めた年月日")
    stars = [box for w, box in second if w == EMPTY and box[0] > lx and abs(box[1] - ly) < 3]
    assert stars
    for x, y in _labels(first, "住所を定めた年月日"):  # the others have their date there
        row = [w for w, box in first if box[0] > x and abs(box[1] - y) < 3]
        assert any(w.startswith("令和") for w in row) and EMPTY not in row
    # 備考 closes every block (「＊＊＊」 when there is none)
    assert len(_labels(first, "備考")) == 4 and len(_labels(second, "備考")) == 1
    # the 認証文 only on the last page; 住所 and 世帯主 head the first page once
    assert copy.data.certification in pdf_text(pdf, pages).replace("\n", "")
    assert all(copy.data.certification not in pdf_text(pdf, n) for n in range(1, pages))
    head_rows = [(x, y) for x, y in _labels(first, "世帯主") if x < name_x]  # not the 続柄 value
    assert len(head_rows) == 1 and _labels(first, "住所")[0][1] < head_rows[0][1] < names[0][1]


@pytest.mark.std("1000#3")
def test_a_single_person_is_one_block_and_an_omitted_item_is_not_printed(office) -> None:
    with activate(office.ctx()):
        members = _household_of_five(office)
        req = request([members[0].pk], requester=Requester("self", person_id=members[0].pk))
        copy = issue(req, staff=office.clerk, renderer=render_certificate).copies[0]
    words = word_boxes(copy.content, 1)
    name_x = min(x for x, _ in _labels(words, "氏名"))
    assert _numbers(words, name_x) == ["1"]
    # not asked for: no row at all (and named on the 省略した事項 line), never 「＊＊＊」
    assert not _labels(words, "個人番号") and not _labels(words, "本籍")
    assert "省略した事項" in pdf_text(copy.content)


@pytest.mark.std("1000#3", "1070#1")
def test_the_grids_widths_are_the_ones_fit_measures_with() -> None:
    import re
    from pathlib import Path

    from jichitai.certificates.render.fit import (
        FULL_MM,
        GRID_COLS,
        LEFT_MM,
        RIGHT_MM,
        fit,
        grid_box,
    )
    from jichitai.certificates.render.fit import text_width as width
    from jichitai.certificates.render.layout import ITEMS, LEFT, RIGHT

    css = (
        Path(render_certificate.__code__.co_filename).parent / "templates/certificates/fit.css"
    ).read_text()
    cols = dict(re.findall(r"col\.g-([a-z]+) \{ width: ([\d.]+)mm; \}", css))
    assert tuple(float(cols[c]) for c in ("no", "label", "left", "rlabel", "right")) == GRID_COLS
    assert float(cols["head"]) + float(cols["value"]) == sum(GRID_COLS)  # 180 mm: A4 less margins
    assert float(cols["head"]) == GRID_COLS[0] + GRID_COLS[1]  # header values over the grid's
    for label in (*ITEMS, "住所", "世帯主", "証明する事項"):
        box = grid_box(label)
        want = LEFT_MM if label in LEFT else RIGHT_MM if label in RIGHT else FULL_MM
        assert box.width_mm == want
        f = fit(label, "髙橋東京都千代田区W1" * 12, box)
        assert all(width(line, f.size_pt) <= want for line in f.lines)
