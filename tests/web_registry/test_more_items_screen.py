"""[10]#1, [20]#1: the items other systems feed on the person screen, in its history and in the API;
nothing of them for another municipality or for staff a 支援措置 hides the person from, and the
[1390] withheld items stay withheld beside them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from jichitai.accounts.models import DisplayRestriction, Role, RoleGrant, Staff
from jichitai.registry import support
from jichitai.registry.labels import WITHHELD
from jichitai.registry.selectors.visibility import SHOW_HONSEKI
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, people, person_spec
from tests.web_registry.conftest import login

pytestmark = pytest.mark.django_db

ITEMS = {
    "elector_registered": "yes", "nhi_insured": "yes", "nhi_acquired_on": "2020-04-01",
    "pension_insured": "yes", "basic_pension_no": "1234567890", "pension_kind": "third",
    "child_allowance_start": "2020-04", "my_number_card_status": "issued", "adult_ward": "no",
    "signing_cert_serial": "0A1B2C3D4E", "last_registered_address": "最終県登録市1番地",
    "previous_address_code": "13101001001",
}


def _person(office: Any, **extra: Any) -> Any:
    with activate(office.ctx()):
        apply(office, "move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "3"}},
            "persons": [person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主", honseki="本籍県本籍村1番地",
                                    hittousha="青木一郎", **extra)],
            "previous_address": "東京都千代田区千代田1番1号",
        }, dt.date(2021, 6, 1))
        (p,) = people()
        apply(office, "ex_officio_correction", {"person_id": p.pk, "changes": ITEMS}, dt.date(2022, 1, 4))
    return p


@pytest.mark.std("10#1", "20#1")
def test_the_person_screen_the_history_and_the_api_show_the_items(office, office_b, staff_client) -> None:
    p = _person(office)
    clerk = staff_client("clerk")
    page = clerk.get(f"/registry/persons/{p.pk}/").content.decode()
    for text in ("選挙人名簿への登録の有無", "国民健康保険の資格取得年月日", "令和2年4月1日", "1234567890",
                 "第3号被保険者", "児童手当の受給開始年月", "令和2年4月", "交付済み", "成年被後見人の該当有無",
                 "0A1B2C3D4E", "最終県登録市1番地", "13101001001"):
        assert text in page, text
    assert "2020-04" not in page  # [90]: 和暦 on screens
    assert "住居地の届出の有無" not in page  # foreign-only items are not a Japanese resident's
    assert "基礎年金番号" in page and "職権修正" in page  # the person page's history (timeline)
    record = clerk.get(f"/api/v1/persons/{p.pk}").json()["record"]
    assert record["basic_pension_no"] == "1234567890" and record["child_allowance_start"] == "2020-04"
    assert record["nhi_acquired_on"] == "2020-04-01" and record["pension_kind"] == "third"
    b = login(Client(), office_b.clerk, office_b.municipality)
    assert b.get(f"/registry/persons/{p.pk}/").status_code == 404
    assert b.get(f"/api/v1/persons/{p.pk}").status_code == 404


@pytest.mark.std("10#1", "20#1")
def test_a_protected_persons_items_reach_no_staff_without_need_to_know(office, staff_client) -> None:
    p = _person(office)
    clerk = staff_client("clerk")
    setter = Staff.objects.create(username="sm-more-items")
    RoleGrant.objects.create(staff=setter, municipality=office.municipality, role="support_measure")
    with activate(office.ctx()):
        support.start_measure(p.pk, start=dt.date.today(), reason="DV", against=[], staff=setter)
    page = clerk.get(f"/registry/persons/{p.pk}/").content.decode()
    api = clerk.get(f"/api/v1/persons/{p.pk}").content.decode()
    for text in ("1234567890", "0A1B2C3D4E", "最終県登録市1番地", "13101001001", "基礎年金番号"):
        assert text not in page and text not in api, text


@pytest.mark.std("10#1")
def test_withheld_items_stay_withheld_beside_the_new_items(office) -> None:
    p = _person(office)
    staff = Staff.objects.create(username="restricted-more", display_name="表示 制限")
    RoleGrant.objects.create(staff=staff, municipality=office.municipality, role=Role.CLERK)
    DisplayRestriction.objects.create(staff=staff, municipality=office.municipality, capability=SHOW_HONSEKI)
    client = login(Client(), staff, office.municipality)
    page = client.get(f"/registry/persons/{p.pk}/").content.decode()
    assert "本籍県本籍村1番地" not in page and WITHHELD in page
    assert "1234567890" in page  # 基礎年金番号 is no [1390] item
    api = client.get(f"/api/v1/persons/{p.pk}").json()["record"]
    assert api["honseki"] is None and api["basic_pension_no"] == "1234567890"


def _foreigner(office: Any) -> Any:
    with activate(office.ctx()):
        apply(office, "move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "5"}},
            "persons": [person_spec("p1", "金", "英子", "1950-02-03", "世帯主", resident_type="foreign",
                                    nationality="韓国", honseki="", hittousha="", foreign_category="special_permanent",
                                    residence_status="", residence_card_no="", special_permanent_cert_no="XY12345678ZW",
                                    alphabet_name="KIM YOUNGJA", alias="青木　英子", alias_kana="アオキ　エイコ",
                                    former_surname="", became_foreign_resident_on="2012-07-09")],
            "previous_address": "大韓民国",
        }, dt.date(2021, 6, 1))
        return people()[0]


@pytest.mark.std("340#1")
@pytest.mark.parametrize("params", [
    {"alias_kana": "あおき"}, {"alphabet_name": "kim young"}, {"special_permanent_cert_no": "XY12345678ZW"},
])
def test_the_search_screen_and_the_api_search_the_new_items(office, office_b, staff_client, params) -> None:
    kim = _foreigner(office)
    clerk = staff_client("clerk")
    page = clerk.get("/registry/", params).content.decode()
    assert f"/registry/persons/{kim.pk}/" in page and "金" in page
    assert 'name="alias_kana"' in page and 'name="special_permanent_cert_no"' in page
    api = clerk.get("/api/v1/persons", params).json()
    assert [r["id"] for r in api["results"]] == [kim.pk]
    b = login(Client(), office_b.clerk, office_b.municipality)
    assert b.get("/api/v1/persons", params).json()["results"] == []
    assert f"/registry/persons/{kim.pk}/" not in b.get("/registry/", params).content.decode()
    # the protected side: once a 支援措置 hides her, she is a masked row with nothing of her
    setter = Staff.objects.create(username="sm-search-more")
    RoleGrant.objects.create(staff=setter, municipality=office.municipality, role="support_measure")
    with activate(office.ctx()):
        support.start_measure(kim.pk, start=dt.date.today(), reason="DV", against=[], staff=setter)
    page = clerk.get("/registry/", params).content.decode()
    assert f"/registry/persons/{kim.pk}/" not in page and "英子" not in page
    (row,) = clerk.get("/api/v1/persons", params).json()["results"]
    assert row["id"] is None and row["masked"] and "英子" not in str(row)
