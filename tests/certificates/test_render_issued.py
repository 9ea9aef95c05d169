"""An issued 住民票の写し through the real engine (not the fake): the PDF carries the 発行番号 with its
page x/n, the names exactly as stored, the 認証文 on the last page only, and nothing of a person
that was not asked for; a character the font cannot draw stops the copy and takes no number."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from jichitai.certificates.issuance import IssuanceRefused, Requester, finalize, issue
from jichitai.certificates.models import Issuance
from jichitai.certificates.render import (
    UndrawableCharactersError,
    certificate_html,
    render_certificate,
)
from jichitai.tenancy.context import activate

from .conftest import family, request
from .glyphs import pdf_text

pytestmark = pytest.mark.django_db


def _pages(pdf: bytes) -> int:
    return pdf_text(pdf).count("\f")


def test_an_issued_copy_is_a_pdf_with_its_number_names_and_certification(office, office_b) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        issued = issue(request([head.pk, wife.pk], requester=Requester("household", person_id=head.pk)),
                       staff=office.clerk, renderer=render_certificate)
        finalize(issued, [head.pk, wife.pk])
        (copy,) = issued.copies
        assert copy.content.startswith(b"%PDF-")
        text = pdf_text(copy.content)
        pages = _pages(copy.content)
        for n in range(1, pages + 1):  # [1040]: every page carries the number and x/n
            assert f"{n}/{pages}" in text
        assert re.sub(r"\s", "", copy.number) in re.sub(r"\s", "", text)
        flat = re.sub(r"\s", "", text)
        assert head.family_name in flat and head.given_name in flat and wife.given_name in flat
        assert son.given_name not in text  # only the persons asked for
        assert text.count(copy.data.certification) == 1  # [1000]#4: once, after the last member
        assert "本庁舎1階" not in text  # [1040]#6: no 発行場所
    with activate(office_b.ctx(office_b.clerk)):
        with pytest.raises(IssuanceRefused):  # another municipality's resident is not found
            issue(request([head.pk]), staff=office_b.clerk, renderer=render_certificate)


def test_an_undrawable_name_stops_the_copy_and_its_number_is_void_not_reused(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)

        def with_bad_name(data: Any) -> bytes:
            html = certificate_html(data).replace(head.given_name, head.given_name + "辻\U000e0199", 1)
            from jichitai.certificates.render import render_pdf

            return render_pdf(html)

        with pytest.raises(UndrawableCharactersError) as exc:
            issue(request([head.pk]), staff=office.clerk, renderer=with_bad_name)
        assert "U+E0199" in str(exc.value.codes)
        spoiled = Issuance.objects.get()
        assert spoiled.status == Issuance.SPOILED and "U+E0199" in spoiled.disposed_reason
        assert not spoiled.prints.exists()  # nothing was printed or handed out
        number = issue(request([head.pk]), staff=office.clerk, renderer=render_certificate).copies[0].number
        assert number.endswith(" 002")  # 001 stays void (書損): no hole, never handed out twice
        assert [i.status for i in Issuance.objects.order_by("pk")] == [Issuance.SPOILED, Issuance.ISSUED]


@pytest.mark.std("1000#4", "1030#1", "1040#1")
def test_a_long_household_certifies_on_the_last_page_only_with_the_katagaki_and_numbers(office) -> None:
    from tests.registry.conftest import apply, numbered, people, person_spec

    with activate(office.ctx()):
        persons = [person_spec("p0", "髙橋", "一郎", "1930-05-01", "世帯主")] + [
            person_spec(f"p{i}", "髙橋", "子" + numbered(i), f"19{60 + i}-01-15", "子") for i in range(1, 9)]
        apply(office, "move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "1番地2", "katagaki": "栄ハイツ101"}},
            "persons": persons, "previous_address": "東京都千代田区千代田1番1号"}, dt.date(2020, 4, 1))
        ids = [p.pk for p in people()]
        issued = issue(request(ids, requester=Requester("household", person_id=ids[0])), staff=office.clerk,
                       renderer=render_certificate)
        pdf = issued.copies[0].content
        pages = _pages(pdf)
        assert pages >= 2  # nine members do not fit one A4 page
        number = re.sub(r"\s", "", issued.copies[0].number)
        for n in range(1, pages + 1):
            text = pdf_text(pdf, n)
            flat = re.sub(r"\s", "", text)
            assert number in flat and f"{n}/{pages}" in flat  # [1040]#1: the number and x/n on every page
            assert (issued.copies[0].data.certification in text) == (n == pages)  # [1000]#4
        assert "栄ハイツ101" in re.sub(r"\s", "", pdf_text(pdf))  # [1030]#1: the 方書 is never left out
