"""[1020] フリガナ: the municipality may choose to print it after 氏名, 旧氏 and 通称, in parentheses,
in katakana; never after any other item (#2), never in another form (#3), never in hiragana (#4)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.certificates import furigana
from jichitai.certificates.issuance import Requester, issue
from jichitai.certificates.render import juminhyo_html, render_certificate
from jichitai.registry.models import Person
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import MunicipalSetting
from tests.registry.conftest import apply, people, person_spec

from .conftest import family, request
from .glyphs import left_cell, pdf_text

pytestmark = pytest.mark.django_db
D = dt.date
KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]+")
HIRAGANA = re.compile(r"[\u3041-\u3096]")


def _flat(text: str) -> str:
    return re.sub(r"\s", "", text)


def _on(value: Any = "on") -> None:
    MunicipalSetting.objects.create(key=furigana.SETTING, value=value)


def _copy(office: Any, ids: list[int], **options: Any) -> bytes:
    req = request(ids, requester=Requester("household", person_id=ids[0]), **options)
    return issue(req, staff=office.clerk, renderer=render_certificate).copies[0].content


def _pdf(office: Any, ids: list[int], **options: Any) -> str:
    """The printed items (between the title and the 省略した事項 / 認証文), line by line as laid out."""
    pdf = _copy(office, ids, **options)
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    body = text.split("住 民 票 の 写 し", 1)[1]
    return re.split("省略した事項|この写しは", body, maxsplit=1)[0]


def _foreigner(office: Any) -> Any:
    apply(
        office,
        "move_in",
        {
            "household": {"new": {"address_id": office.address2.pk, "banchi": "3番地"}},
            "persons": [
                person_spec(
                    "f1",
                    "張",
                    "玉蓮",
                    "1990-02-03",
                    "世帯主",
                    resident_type="foreign",
                    nationality="中国",
                    honseki="",
                    hittousha="",
                    alphabet_name="ZHANG YULIN",
                    family_kana="チャン",
                    given_kana="ユウリン",
                    alias="住民　花子",
                )
            ],
            "previous_address": "中国",
        },
        D(2022, 4, 1),
    )
    (zhang,) = people(family_name="張")
    Person.objects.filter(pk=zhang.pk).update(alias_kana="ジュウミン　ハナコ")
    return zhang


@pytest.mark.std("1020#1")
def test_readings_follow_name_former_surname_and_alias_in_parentheses_when_chosen(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        Person.objects.filter(pk=wife.pk).update(
            former_surname="住基", former_surname_kana="ジュウキ"
        )
        zhang = _foreigner(office)
        off = _flat(_pdf(office, [head.pk, wife.pk]))
        assert "（" not in off and "タカハシ" not in off  # off unless the municipality chooses it
        _on()
        on = _flat(_pdf(office, [head.pk, wife.pk]))
        assert "髙橋一郎（タカハシイチロウ）" in on and "髙橋花子（タカハシハナコ）" in on
        assert "住基（ジュウキ）" in on  # 旧氏
        foreign = _copy(office, [zhang.pk])
        # the standard's example: 「ZHANG YULIN　張　玉蓮　（チャン　ユウリン）」 and the 通称's reading
        # (each read from its own cell of the grid: the right column sits beside them)
        assert "ZHANGYULIN張玉蓮（チャンユウリン）" == _flat(left_cell(foreign, "氏名"))
        assert "住民花子（ジュウミンハナコ）" == _flat(left_cell(foreign, "通称"))


@pytest.mark.std("1020#2")
def test_no_other_item_ever_gets_a_reading(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        _on()
        text = _pdf(office, [head.pk, wife.pk, son.pk], head_and_relationship=True, honseki=True)
        # every katakana run is a reading inside the parentheses (the 本籍 value itself and the
        # 発行番号's printer name at a page break are what the register and the station say)
        values = "\n".join(line for line in text.splitlines() if "プリンタ" not in line)
        values = values.replace(head.honseki, "")
        assert not KATAKANA.findall(re.sub(r"（[^）]*）", "", values))
        assert set(KATAKANA.findall(values)) == {"タカハシ", "イチロウ", "ハナコ", "タロウ"}
        assert "ホンマチ" not in text  # the address has a reading in the register: never printed
        # the 世帯主 item names the head without a reading, and 本籍・筆頭者 have none
        for line in text.splitlines():
            if line.startswith(("住所", "世帯主", "本籍", "筆頭者", "続柄")):
                assert "（" not in line, line
        # there is no setting that puts a reading after another item: a value naming one is "off"
        MunicipalSetting.objects.filter(key=furigana.SETTING).update(value="住所")
        assert not KATAKANA.findall(_pdf(office, [head.pk]))
        row = furigana.apply(
            {"住所": "本町一丁目", "本籍": "東京都", "世帯主": "髙橋　一郎", "氏名": "髙橋　一郎"},
            {"family_name_kana": "タカハシ", "given_name_kana": "イチロウ"},
            True,
        )
        assert row == {
            "住所": "本町一丁目",
            "本籍": "東京都",
            "世帯主": "髙橋　一郎",
            "氏名": "髙橋　一郎　（タカハシ　イチロウ）",
        }


@pytest.mark.std("1020#3")
@pytest.mark.parametrize("form", ["ruby", "separate", "furigana_row", "above"])
def test_no_form_other_than_parentheses(office, form: str) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        _on(form)  # a setting naming another form is not "on": nothing is printed
        assert "タカハシ" not in _pdf(office, [head.pk])
        MunicipalSetting.objects.filter(key=furigana.SETTING).update(value="on")
        text = _pdf(office, [head.pk])
        assert "フリガナ" not in text and "ふりがな" not in text  # no row or label of its own
        assert re.search(r"一郎\s*（タカハシ\s*イチロウ）", text)
    # the renderer's own minimal 住民票 prints it the same way: in parentheses after the name
    html = juminhyo_html(
        {
            "address": "本町",
            "head": "髙橋　一郎",
            "issued_on": D(2026, 1, 1),
            "members": [
                {"name": "髙橋　一郎", "kana": "たかはし　いちろう", "birth_date": D(1970, 1, 1)}
            ],
        }
    )
    assert (
        '髙橋　一郎<span class="kana">　（タカハシ　イチロウ）</span>' in html
        and "フリガナ" not in html
    )


@pytest.mark.std("1020#4")
def test_a_reading_stored_in_hiragana_is_printed_in_katakana(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        # legacy data: the register's input converts, an old import may not have
        Person.objects.filter(pk=head.pk).update(
            family_name_kana="たかはし", given_name_kana="ｲﾁﾛｳ"
        )
        _on()
        pdf = _copy(office, [head.pk])
        text, name = _flat(pdf_text(pdf)), left_cell(pdf, "氏名")  # the 氏名 cell alone
        assert "髙橋一郎（タカハシイチロウ）" == _flat(name)
        assert not HIRAGANA.findall(name) and "たかはし" not in text and "ｲﾁﾛｳ" not in text


@given(st.text(alphabet="あいうえおかがきゃっゝゞーアイウｱｲｳｶﾞ　 漢A1", max_size=30))
def test_katakana_never_returns_hiragana_or_anything_but_kana(reading: str) -> None:
    out = furigana.katakana(reading)
    assert not HIRAGANA.search(out)
    assert all("\u30a1" <= c <= "\u30fa" or c in "ーヽヾ\u3000" for c in out)
    if out:
        assert not out.startswith("\u3000") and "\u3000\u3000" not in out
    if reading.strip() and all(c in "あいうえおかがきゃっゝゞーアイウ" for c in reading):
        assert out  # pure kana is always printed
