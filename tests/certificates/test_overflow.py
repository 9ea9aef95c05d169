"""[1070] 文字溢れ: a value too long for its box is printed smaller (measured with IPAmj明朝's own
widths); one that does not fit even at the smallest size raises an alert, is printed as far as it goes
(or blank, by setting) with its full text on the 別紙, and goes on the 文字超過リスト; a character the
font cannot draw stops issuance and goes on the list with the person and code point."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.certificates import overflow
from jichitai.certificates.issuance import IssuanceRefused, Requester, issue
from jichitai.certificates.models import Issuance, OverflowEntry
from jichitai.certificates.render import UndrawableCharactersError, render_certificate
from jichitai.certificates.render.fit import BOXES, DEFAULT, MIN_PT, VALUE_MM, fit, text_width
from jichitai.registry import support
from jichitai.registry.models import Person
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import MunicipalSetting
from tests.registry.conftest import apply, people, person_spec

from .conftest import household_from, officer, request
from .glyphs import pdf_text

D = dt.date
ADDRESS = "東京都千代田区千代田一丁目1番1号"  # 17 characters
RIGHT_EDGE_PT = (210 - 15) / 25.4 * 72  # the page's right margin, where the value cell ends


def _flat(text: str) -> str:
    return re.sub(r"\s", "", text)


def _words(pdf: bytes, page: int = 1) -> list[tuple[str, float, float]]:
    """(word, height = font size in pt, right edge in pt) on ``page``."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    pattern = r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [(w, float(y2) - float(y1), float(x2)) for y1, x2, y2, w in re.findall(pattern, out)]


@pytest.mark.std("1070#1")
def test_widths_are_the_fonts_own_not_a_count_of_characters() -> None:
    # the same number of characters, very different widths in IPAmj明朝
    assert text_width("WWWWWWWW", 10) > 2 * text_width("iiiiiiii", 10)
    assert text_width("髙橋", 10) == pytest.approx(
        2 * 10 * 25.4 / 72, rel=0.01
    )  # full width = 1 em
    # a variation sequence is one character wide, not two
    assert text_width("辻\U000e0102", 10) == pytest.approx(text_width("辻", 10), rel=0.01)
    # a one-line item (備考, the 統合記載欄, holds two lines since issue 10's chapter 1)
    short, long_ = fit("在留資格", "A" * 40), fit("在留資格", "W" * 60)
    assert (
        short.size_pt == DEFAULT.size_pt and long_.size_pt < DEFAULT.size_pt and not long_.overflow
    )


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet="髙橋一郎東京都千代田区1番地ABCWi　ーアイウ", min_size=0, max_size=400),
    st.sampled_from(["氏名", "住所", "備考"]),
)
def test_a_fitted_value_never_leaves_its_box(text: str, label: str) -> None:
    box = BOXES.get(label, DEFAULT)
    f = fit(label, text)
    assert MIN_PT <= f.size_pt <= box.size_pt and len(f.lines) <= box.lines
    assert all(text_width(line, f.size_pt) <= VALUE_MM for line in f.lines)
    if not f.overflow:  # everything is printed: only a space at a line break may go
        assert f.text.replace("　", "") == text.replace("　", "")
    else:
        assert f.text.endswith(f.note) and f.size_pt == MIN_PT


@pytest.mark.std("1070#1")
def test_a_long_value_is_printed_smaller_and_stays_inside_the_page(office) -> None:
    with activate(office.ctx()):
        head, _ = household_from(office, ADDRESS * 6)  # 102 characters: two lines only when smaller
        issued = issue(request([head.pk]), staff=office.clerk, renderer=render_certificate)
        pdf = issued.copies[0].content
        assert ADDRESS * 6 in _flat(pdf_text(pdf))  # all of it, nothing cut
        words = [(w, h, x) for w, h, x in _words(pdf) if w.startswith("東京都")]
        assert words and all(MIN_PT - 0.1 <= h < 9.9 for _, h, _x in words)  # smaller than 10 pt
        assert all(
            x <= RIGHT_EDGE_PT - 2 / 25.4 * 72 for _, _, x in words
        )  # inside the cell's padding
        assert "別紙" not in pdf_text(pdf) and not OverflowEntry.objects.exists()


@pytest.mark.std("1070#2")
def test_overflow_alerts_then_prints_the_full_text_on_the_annex_and_lists_it(office) -> None:
    long_ = ADDRESS * 15  # 255 characters: more than two lines even at 6 pt
    with activate(office.ctx()):
        head, _ = household_from(office, long_)
        with pytest.raises(IssuanceRefused) as refused:  # the alert, before any number is taken
            issue(request([head.pk]), staff=office.clerk, renderer=render_certificate)
        assert refused.value.codes == ["overflow"] and "転入前住所" in refused.value.messages[0]
        assert "別紙" in refused.value.messages[0] and not Issuance.objects.exists()
        req = request([head.pk])
        confirmed = type(req)(**{**req.__dict__, "params": {"overflow_confirmed": "1"}})
        issued = issue(confirmed, staff=office.clerk, renderer=render_certificate)
        (copy,) = issued.copies
        assert copy.number.endswith(" 001")  # the refused attempt took no number
        assert any("別紙" in w for w in issued.warnings)
        pdf = copy.content
        pages = pdf_text(pdf).count("\f")
        first, last = _flat(pdf_text(pdf, 1)), _flat(pdf_text(pdf, pages))
        assert long_[:40] in first and long_ not in first and "※1" in first  # as far as it goes
        assert "別紙" in last and long_ in last  # the full text
        assert copy.data.certification in pdf_text(pdf, pages)  # [1000]#5: 認証文 after the 別紙
        assert all(copy.data.certification not in pdf_text(pdf, n) for n in range(1, pages))
        (entry,) = OverflowEntry.objects.all()
        assert (entry.kind, entry.person_id, entry.item, entry.text, entry.number) == (
            "overflow",
            head.pk,
            "転入前住所",
            long_,
            copy.number,
        )
        (line,) = overflow.lines(staff=office.clerk)
        assert line.name == "髙橋　一郎" and line.kind == "文字溢れ"


@pytest.mark.std("1070#2")
def test_the_blank_setting_prints_the_box_empty_and_the_text_on_the_annex(office) -> None:
    long_ = ADDRESS * 15
    with activate(office.ctx()):
        MunicipalSetting.objects.create(key=overflow.SETTING, value="blank")
        head, _ = household_from(office, long_)
        req = request([head.pk])
        req = type(req)(**{**req.__dict__, "params": {"overflow_confirmed": "1"}})
        pdf = issue(req, staff=office.clerk, renderer=render_certificate).copies[0].content
        pages = pdf_text(pdf).count("\f")
        assert ADDRESS not in _flat(pdf_text(pdf, 1)) and "※1" in _flat(pdf_text(pdf, 1))
        assert long_ in _flat(pdf_text(pdf, pages))


@pytest.mark.std("1070#2")
def test_an_undrawable_character_stops_issuance_and_goes_on_the_list(office, office_b) -> None:
    with activate(office.ctx()):
        head, wife = household_from(office, ADDRESS)
        # legacy data with a vendor 外字 (private use) and an IVS of another collection
        Person.objects.filter(pk=head.pk).update(given_name="一\ue000郎")
        Person.objects.filter(pk=wife.pk).update(given_name="辻\U000e0199子")
        both = Requester("household", person_id=head.pk)
        with pytest.raises(UndrawableCharactersError) as exc:
            issue(
                request([head.pk, wife.pk], requester=both),
                staff=office.clerk,
                renderer=render_certificate,
            )
        assert "外字" in str(exc.value) and not Issuance.objects.exists()
        found = {
            (e.person_id, e.item, e.codes) for e in OverflowEntry.objects.filter(kind="undrawable")
        }
        assert found == {(head.pk, "氏名", "U+E000"), (wife.pk, "氏名", "U+8FBB U+E0199")}
        shown = {line.entry.codes: line for line in overflow.lines(staff=office.clerk)}
        assert shown["U+E000"].candidates == ()  # a private-use code is identified by 読み・部首
        assert "MJ025760" in [mj for mj, _ in shown["U+8FBB U+E0199"].candidates]  # 辻 one dot
        # once the 外字 are identified (here: replaced), the copy is issued
        Person.objects.filter(pk=head.pk).update(given_name="一郎")
        Person.objects.filter(pk=wife.pk).update(given_name="辻\U000e0102子")
        number = (
            issue(
                request([head.pk, wife.pk], requester=both),
                staff=office.clerk,
                renderer=lambda d: b"%PDF-fake",
            )
            .copies[0]
            .number
        )
        assert number.endswith(" 001")  # the stopped issuance took no number
    with activate(office_b.ctx(office_b.clerk)):  # another municipality sees none of it
        assert overflow.lines(staff=office_b.clerk) == []
        assert not OverflowEntry.objects.exists()
        ids = [e.pk for e in OverflowEntry.objects.all()]
        assert not ids and not overflow.mark_checked(1, staff=office_b.clerk)


@pytest.mark.std("440#1")
def test_a_protected_persons_lines_are_not_shown_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        head, wife = household_from(office, ADDRESS)
        apply(
            office,
            "move_in",
            {
                "household": {"new": {"address_id": office.address2.pk, "banchi": "9番地"}},
                "persons": [
                    person_spec("s1", "佐藤", "次郎", "1980-01-01", "世帯主", family_kana="サトウ")
                ],
                "previous_address": ADDRESS,
            },
            D(2021, 4, 1),
        )
        (other,) = people(family_name="佐藤")
        staff = officer(office)
        support.start_measure(
            wife.pk, start=D(2024, 1, 1), reason="DV", against=[{"person_id": head.pk}], staff=staff
        )
        for person, text in ((other, "次\ue000"), (wife, "花\ue001子")):
            OverflowEntry.objects.create(
                kind="undrawable",
                staff=office.clerk,
                certificate_kind="juminhyo",
                person_id=person.pk,
                item="氏名",
                text=text,
                codes="U+E000",
            )
        clerk = overflow.lines(staff=office.clerk)
        assert [line.entry.person_id for line in clerk] == [other.pk]
        csv = overflow.csv_text(clerk, {})
        assert "佐藤" in csv and "花" not in csv and "U+E000" in csv
        hidden = OverflowEntry.objects.get(person_id=wife.pk)
        assert not overflow.mark_checked(hidden.pk, staff=office.clerk)  # as if it did not exist
        assert {line.entry.person_id for line in overflow.lines(staff=staff)} == {other.pk, wife.pk}
        assert overflow.mark_checked(hidden.pk, staff=staff)


@pytest.mark.std("1070#1")
def test_every_size_is_in_the_stylesheet_and_a_long_name_is_drawn_smaller() -> None:
    from pathlib import Path

    from jichitai.certificates.render.fit import NAME, size_class, sizes

    css = (
        Path(render_certificate.__code__.co_filename).parent / "templates/certificates/fit.css"
    ).read_text()
    assert all(f"td.fit.{size_class(s)} " in css for s in sizes(NAME) + sizes(DEFAULT))
    name = "髙" * 70  # two lines at 14 pt hold about 53
    data = {
        "title": "住民票の写し",
        "number": "",
        "address": "本町一丁目1番地",
        "omitted": [],
        "members": [{"氏名": name, "生年月日": "昭和45年5月1日"}],
        "person_ids": (1,),
        "certification": "この写しは、住民票の原本と相違ないことを証明する。",
        "issued_on": "令和8年12月1日",
        "municipality": "甲村",
        "prefecture": "テスト県",
    }
    words = [(w, h) for w, h, _ in _words(render_certificate(data)) if w.startswith("髙")]
    assert name == "".join(w for w, _ in words)
    assert all(MIN_PT <= h < 13.9 for _, h in words)  # smaller than the layout's 14 pt, not clipped
