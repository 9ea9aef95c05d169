"""The screens of [620] 未届転入, [650] 転出先 (住所辞書), [720] 世帯変更 and [740] 事実上の世帯主.
Another municipality's households cannot be reached, and a protected person's 事実上の世帯主 does not
reach staff without need-to-know."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry.models import Person, RegistryEvent
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, person_spec, resident_code
from tests.registry.test_snapshots import _protect
from tests.web_registry.test_views import _post_and_approve, html

pytestmark = pytest.mark.django_db
D = dt.date


def _two_homes(office: Any) -> dict[str, Any]:
    for people in ([person_spec("p1", "山田", "太郎", "1970-01-01", "世帯主"),
                    person_spec("p2", "山田", "一郎", "2000-03-03", "子")],
                   [person_spec("p1", "佐藤", "次郎", "1975-05-05", "世帯主")]):
        apply(office, "move_in", {"household": {"new": {"address_id": office.address.pk, "banchi": "5番地"}},
                                  "persons": people, "previous_address": "大阪府大阪市北区1番"}, D(2024, 1, 10))
    return {p.given_name: p for p in Person.objects.without_read_log("test").all()}


@pytest.mark.std("620#1")
@pytest.mark.std("620#2")
def test_the_move_in_form_takes_an_unreported_move_in_and_the_last_registered_address(office, staff_client) -> None:
    page = html(staff_client("clerk").get("/registry/events/new/move_in/"))
    assert "未届転入" in page and "最終登録住所地" in page
    _post_and_approve(office, staff_client, "move_in", {
        "effective_date": "2024-04-01", "previous_address": "東京都新宿区西新宿一丁目1番", "unreported": "true",
        "address_id": str(office.address.pk), "banchi": "3番地", "rows": "1",
        "persons-1-family_name": "未届", "persons-1-given_name": "一郎", "persons-1-given_name_kana": "イチロウ",
        "persons-1-birth_date": "1980-01-01", "persons-1-sex": "1", "persons-1-relationship": "世帯主",
        "persons-1-honseki": "テスト県甲村1番地", "persons-1-hittousha": "未届一郎", "persons-1-resident_code": resident_code(),
        "persons-1-last_registered_address": "北海道札幌市中央区北一条西二丁目"})
    with activate(office.ctx()):
        p = Person.objects.without_read_log("test").get(family_name="未届")
        assert p.previous_address == "東京都新宿区西新宿一丁目1番（未届）"
        assert p.last_registered_address == "北海道札幌市中央区北一条西二丁目"
    records = html(staff_client("clerk").get(f"/registry/persons/{p.pk}/records/"))
    assert "未届転入　転入前住所（未届）：東京都新宿区西新宿一丁目1番（未届）" in records


@pytest.mark.std("720#1")
def test_the_household_change_form(office, office_b, staff_client) -> None:
    with activate(office.ctx()):
        m = _two_homes(office)
    page = html(staff_client("clerk").get(f"/registry/events/new/household_change/?household={m['太郎'].household_id}"))
    assert "異動先の世帯ID" in page
    _post_and_approve(office, staff_client, "household_change", {
        "household": str(m["太郎"].household_id), "effective_date": "2024-02-01", "person_ids": [str(m["一郎"].pk)],
        "to_household_id": str(m["次郎"].household_id), f"rel-{m['一郎'].pk}": "同居人"})
    with activate(office.ctx()):
        ichiro = Person.objects.without_read_log("test").get(pk=m["一郎"].pk)
        assert (ichiro.household_id, ichiro.relationship) == (m["次郎"].household_id, "同居人")
    with activate(office_b.ctx()):
        other = _two_homes(office_b)["次郎"]
    resp = staff_client("clerk").post("/registry/events/new/household_change/", {
        "household": str(m["太郎"].household_id), "effective_date": "2024-02-02", "person_ids": [str(m["太郎"].pk)],
        "to_household_id": str(other.household_id), f"rel-{m['太郎'].pk}": "同居人"})
    assert resp.status_code == 400 and "見つかりません" in html(resp)
    with activate(office_b.ctx()):
        assert not RegistryEvent.objects.filter(kind="household_change").exists()


@pytest.mark.std("650#2")
def test_the_move_out_form_takes_a_dictionary_code(office, staff_client) -> None:
    from jichitai.registry.address_models import AddressDictionary

    with activate(office.ctx()):
        m = _two_homes(office)
        AddressDictionary.objects.create(code="13212001001", postal_code="1910016", pref_name="東京都",
                                         pref_kana="トウキョウト", city_name="日野市", city_kana="ヒノシ",
                                         oaza_name="神明", oaza_kana="シンメイ")
    url = f"/registry/events/new/move_out_planned/?household={m['太郎'].household_id}"
    assert "転出先の住所コード" in html(staff_client("clerk").get(url))
    _post_and_approve(office, staff_client, "move_out_planned", {
        "household": str(m["太郎"].household_id), "effective_date": "2024-03-01", "person_ids": [str(m["一郎"].pk)],
        "destination": "東京都日野市神明1番", "destination_code": "13212001001"})
    with activate(office.ctx()):
        assert Person.objects.without_read_log("t").get(pk=m["一郎"].pk).move_out_destination_code == "13212001001"


@pytest.mark.std("740#1")
def test_the_records_screen_shows_the_de_facto_head_in_the_biko(office, staff_client) -> None:
    with activate(office.ctx()):
        m = _two_homes(office)
        apply(office, "ex_officio_correction", {"person_id": m["一郎"].pk,
                                                "changes": {"de_facto_head": "施設長　山本"}}, D(2024, 3, 1))
    page = html(staff_client("clerk").get(f"/registry/persons/{m['一郎'].pk}/records/"))
    assert "事実上の世帯主　施設長　山本" in page
    person = html(staff_client("clerk").get(f"/registry/persons/{m['一郎'].pk}/"))
    assert "事実上の世帯主" in person and "施設長　山本" in person
    with activate(office.ctx()):
        _protect(office, m["一郎"].pk)
    for url in (f"/registry/persons/{m['一郎'].pk}/records/", f"/registry/persons/{m['一郎'].pk}/"):
        resp = staff_client("clerk").get(url)
        assert "施設長" not in html(resp)
