"""The person's 異動履歴・統合記載欄・メモ・改製 screen and the 入力場所・端末 setting ([200], [140],
[150], [40], [230]): what staff see and do, 支援措置 from the protected side, another municipality."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.tenancy.context import activate
from tests.api.conftest import move_in_body, post
from tests.registry.conftest import move_in_family, people
from tests.registry.test_snapshots import _protect

pytestmark = pytest.mark.django_db
D = dt.date


def _url(pid: int, post_: bool = False) -> str:
    return f"/registry/persons/{pid}/records/{'post/' if post_ else ''}"


@pytest.mark.std("200#2", "140#1", "150#1")
def test_history_column_and_memo_on_one_screen(office, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
    client = staff_client("clerk")
    page = client.get(_url(head.pk))
    text = page.content.decode()
    assert page.status_code == 200 and 'id="snapshots"' in text and "国内転入（記載）" in text
    assert "本町一丁目1番地2" in text and "2020-04-01" not in text  # dates in 和暦 only ([90])
    assert client.post(_url(head.pk, True), {"action": "memo", "text": "電話は午後に"}).status_code == 302
    assert client.post(_url(head.pk, True), {"action": "biko", "text": "特別養子縁組",
                                             "topic": "special_adoption"}).status_code == 302
    bad = client.post(_url(head.pk, True), {"action": "biko", "text": "養子", "topic": "special_adoption"})
    assert bad.status_code == 400 and "「特別養子縁組」の文言" in bad.content.decode()
    text = client.get(_url(head.pk)).content.decode()
    assert "電話は午後に" in text and "clerk-wa" in text
    assert "records-link" in client.get(f"/registry/persons/{head.pk}/").content.decode()


def test_reissue_from_the_screen(office, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
    client = staff_client("clerk")
    bad = client.post(_url(head.pk, True), {"action": "reissue", "reissued_on": "平成31年5月1日"})
    assert bad.status_code == 400
    ok = client.post(_url(head.pk, True), {"action": "reissue", "reissued_on": "令和6年8月1日", "reason": "整理"})
    assert ok.status_code == 302
    text = client.get(_url(head.pk)).content.decode()
    assert "令和6年8月1日 改製" in text and "改製前" in text


@pytest.mark.std("230#1")
def test_the_sessions_workstation_is_recorded_on_events_entered(office, staff_client) -> None:
    from jichitai.registry import workstation
    from jichitai.registry.records_models import EventEntry

    with activate(office.ctx()):
        workstation.add_place("BR1", "北支所", "branch")
        t = workstation.add_terminal("BR1", "BR1-01", "北支所窓口1")
    client = staff_client("clerk")
    assert client.post("/registry/workstation/", {"terminal_id": "abc"}).status_code == 400
    assert client.post("/registry/workstation/", {"terminal_id": str(t.pk)}).status_code == 302
    assert "北支所・北支所窓口1（BR1-01）" in client.get("/registry/workstation/").content.decode()
    assert post(client, "/events", move_in_body(office), key="ws-1").status_code == 201
    with activate(office.ctx()):
        assert EventEntry.objects.get().terminal_id == t.pk


def test_protected_person_and_another_municipality(office, office_b, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        _protect(office, wife.pk)
    client = staff_client("clerk")
    page = client.get(_url(wife.pk))
    assert page.status_code == 403 and "支援措置" in page.content.decode() and "髙橋" not in page.content.decode()
    assert client.post(_url(wife.pk, True), {"action": "memo", "text": "x"}).status_code == 403
    with activate(office.ctx()):
        from jichitai.registry.records_models import PersonNote

        assert not PersonNote.objects.exists()
    head_page = client.get(_url(people_of(office)[0])).content.decode()
    assert "本町一丁目" not in head_page  # her household's address is hidden from her co-resident's history
    with activate(office_b.ctx()):
        move_in_family(office_b, family="鈴木")
        other = people()[0].pk
    assert client.get(_url(other)).status_code == 404
    assert client.post(_url(other, True), {"action": "memo", "text": "x"}).status_code == 404


def people_of(office: Any) -> list[int]:
    with activate(office.ctx()):
        return [p.pk for p in people()]


@pytest.mark.std("250#6", "250#7", "240#1")
def test_address_dictionary_screen(office, office_b, staff_client) -> None:
    from jichitai.registry import address_book as book

    with activate(office.ctx()):
        book.save_entry({"code": "13212001000", "postal_code": "1910016", "pref_name": "東京都",
                         "pref_kana": "トウキョウト", "city_name": "日野市", "city_kana": "ヒノシ",
                         "oaza_name": "神明", "oaza_kana": "シンメイ"})
        book.add_katagaki(office.address.pk, "1番地2", "ハイツ本町")
        book.add_lot(office.address.pk, "special", "特殊番地甲3")
    client = staff_client("clerk")
    assert "〒191-0016" in client.get("/registry/addresses/", {"kana": "ト ヒ シ"}).content.decode()
    assert "東京都日野市神明" in client.get("/registry/addresses/", {"postal": "191-0016"}).content.decode()
    assert client.get("/registry/addresses/", {"postal": "19"}).status_code == 400
    assert "日野市" in client.get("/registry/addresses/", {"prefix": "13"}).content.decode()
    town = client.get("/registry/addresses/", {"town": office.address.pk}).content.decode()
    assert "ハイツ本町" in town and "特殊番地甲3" in town and "特殊地番" in town
    with activate(office_b.ctx()):
        other_town = book.AddressEntry.objects.first().pk
    assert "ハイツ" not in client.get("/registry/addresses/", {"town": other_town}).content.decode()


@pytest.mark.std("250#6")
def test_address_kana_or_postal_code_fills_the_event_forms_address(office, office_b, staff_client) -> None:
    from jichitai.registry import address_book as book

    with activate(office.ctx()):
        book.save_entry({"code": "13212001000", "postal_code": "1910016", "pref_name": "東京都",
                         "pref_kana": "トウキョウト", "city_name": "日野市", "city_kana": "ヒノシ",
                         "oaza_name": "神明", "oaza_kana": "シンメイ"})
    client = staff_client("clerk")
    form = client.get("/registry/events/new/move_in/").content.decode()
    assert 'form="address-picker-none"' in form and "/registry/addresses/pick/" in form
    assert "address_picker.js" in form
    picks = client.get("/registry/addresses/pick/", {"q": "と ひ し", "target": "f-previous_address"}).content.decode()
    assert 'data-fill-target="f-previous_address"' in picks and 'data-fill-value="東京都日野市神明"' in picks
    assert "〒191-0016" in picks
    by_postal = client.get("/registry/addresses/pick/", {"q": "１９１－００１６", "target": "f-destination"})
    assert 'data-fill-value="東京都日野市神明"' in by_postal.content.decode()
    assert client.get("/registry/addresses/pick/", {"q": "ト", "target": "x\"><script>"}).status_code == 400
    assert "該当する住所はありません" in client.get("/registry/addresses/pick/", {"q": "ホ",
                                                                                  "target": "f-x"}).content.decode()
    from django.test import Client

    from tests.web_registry.conftest import login

    other = login(Client(), office_b.clerk, office_b.municipality)
    assert "神明" not in other.get("/registry/addresses/pick/", {"q": "ト ヒ", "target": "f-x"}).content.decode()


@pytest.mark.std("250#7")
def test_choose_prefecture_city_town_and_quote_into_the_form(office, staff_client) -> None:
    from jichitai.registry import address_book as book

    with activate(office.ctx()):
        for code, oaza, koaza in (("13212002001", "日野本町", "一丁目"), ("13212002002", "日野本町", "二丁目")):
            book.save_entry({"code": code, "postal_code": "1910011", "pref_name": "東京都", "pref_kana": "トウキョウト",
                             "city_name": "日野市", "city_kana": "ヒノシ", "oaza_name": oaza, "oaza_kana": "ヒノホンマチ",
                             "koaza_name": koaza, "koaza_kana": "チョウメ"})
    client = staff_client("clerk")
    assert "一覧から選択" in client.get("/registry/events/new/move_in/").content.decode()

    def step(prefix: str) -> str:
        return client.get("/registry/addresses/pick/", {"browse": "1", "target": "f-honseki",
                                                        "prefix": prefix}).content.decode()

    assert "東京都" in step("") and "prefix=13" in step("")
    assert "日野市" in step("13") and "prefix=13212" in step("13")
    assert "日野本町" in step("13212") and "「東京都日野市」を引用" in step("13212")
    assert "二丁目" in step("13212002")
    leaf = step("13212002002")
    assert 'data-fill-target="f-honseki" data-fill-value="東京都日野市日野本町二丁目"' in leaf
