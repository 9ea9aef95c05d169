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
    labels = [m.group(1) for m in re.finditer(r"^\s*(\S+?)\s{2,}", _layout_text(pdf), re.M)]
    items = [label for label in labels if label in ITEMS or label in ("住所", "世帯主")]
    assert items[:2] == ["住所", "世帯主"]  # the household's items head the page
    assert items.count("世帯主") == 1 and items.count("住所") == 1  # once, not under each person
    starts = [i for i, label in enumerate(items) if label == "氏名"]
    assert len(starts) == 2 and starts[0] == 2
    first, second = items[starts[0] : starts[1]], items[starts[1] :]
    for person in (first, second):
        assert person == sorted(person, key=ITEMS.index)  # the layout's order
        assert person[:1] == ["氏名"] and {"本籍", "筆頭者", "住民票コード", "続柄"} <= set(person)
    assert second[1] == "旧氏" and "旧氏" not in first  # right after the 氏名, when there is one
    text = _layout_text(pdf)
    assert "転入前住所" in text and "従前の住所" not in text  # the layout's label


def test_items_a_kind_adds_keep_their_place_after_the_layouts() -> None:
    member = {"備考": "x", "証明する事項": "y", "氏名": "髙橋　一郎", "生年月日": "昭和1年1月1日"}
    assert [k for k, _ in ordered(member)] == ["氏名", "生年月日", "備考", "証明する事項"]
