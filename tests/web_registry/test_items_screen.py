"""Chapter 1 items on the person screen and the API: the 区分 and its items, dates as written
([80]: no みなし生年月日), and nothing of it for staff a 支援措置 hides the person from."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from jichitai.registry import support
from jichitai.registry.models import Person
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, people, person_spec
from tests.web_registry.conftest import login

pytestmark = pytest.mark.django_db


def _family(office: Any) -> tuple[Any, Any]:
    with activate(office.ctx()):
        apply(office, "move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "3"}},
            "persons": [
                person_spec("p1", "青木", "一郎", "昭和55年頃", "世帯主", honseki="不明", hittousha=""),
                person_spec("p2", "金", "英子", "1950-02-03", "妻", resident_type="foreign", nationality="韓国",
                            honseki="", hittousha="", foreign_category="special_permanent", residence_status="",
                            residence_card_no="", special_permanent_cert_no="XY12345678ZW",
                            alphabet_name="KIM YOUNGJA", alias="青木　英子", alias_kana="アオキ　エイコ",
                            alias_recorded_on="2013-04-01", alias_recorded_municipality="テスト県甲村",
                            became_foreign_resident_on="平成24年7月9日", alien_registration_on="昭和45年頃"),
            ],
            "previous_address": "東京都千代田区千代田1番1号",
        }, dt.date(2021, 6, 1))
        ichiro, eiko = sorted(people(), key=lambda p: p.atena_no)
    return ichiro, eiko


@pytest.mark.std("80#1", "80#4", "120#1", "20#1", "10#1")
def test_the_person_screen_shows_the_items_and_dates_as_written(office, office_b, staff_client) -> None:
    ichiro, eiko = _family(office)
    assert ichiro.birth_date_text == "昭和55年頃" and ichiro.birth_date_precision == "year"
    clerk = staff_client("clerk")
    page = clerk.get(f"/registry/persons/{ichiro.pk}/").content.decode()
    # [80]#4: the register shows what it was told; it never makes up a day (みなし生年月日)
    assert "昭和55年頃" in page and "昭和55年1月1日" not in page and "1980" not in page
    assert "<dd>不明</dd>" in page  # [120]: 本籍 「不明」
    page = clerk.get(f"/registry/persons/{eiko.pk}/").content.decode()
    for text in ("特別永住者", "XY12345678ZW", "KIM YOUNGJA", "アオキ　エイコ", "平成24年7月9日",
                 "昭和45年頃", "1950年2月3日", "テスト県甲村"):
        assert text in page, text
    assert "昭和25年2月3日" not in page  # [90]#4: a foreign resident's 生年月日 in 西暦 only
    b = login(Client(), office_b.clerk, office_b.municipality)
    assert b.get(f"/registry/persons/{eiko.pk}/").status_code == 404


@pytest.mark.std("80#4")
def test_no_item_or_function_makes_a_deemed_birth_date() -> None:
    """[80]#4 must not: the register keeps no みなし生年月日 item, and the only date a 不詳 text gets
    is its internal one (kept beside the text, never shown in its place)."""
    names = {f.name for f in Person._meta.get_fields()} | {str(getattr(f, "verbose_name", "")) for f in
                                                            Person._meta.concrete_fields}
    assert not any("みなし" in n or "deemed" in n or "assumed" in n for n in names)
    import jichitai.wareki as w
    import jichitai.wareki.written as ww

    assert not [n for mod in (w, ww) for n in dir(mod) if "deem" in n.lower() or "minashi" in n.lower()]


def test_the_api_answers_the_items_and_hides_them_behind_a_support_measure(office, staff_client) -> None:
    ichiro, eiko = _family(office)
    clerk = staff_client("clerk")
    body = json.loads(clerk.get(f"/api/v1/persons/{eiko.pk}").content)
    record = body["record"]
    assert record["foreign_category"] == "special_permanent" and record["special_permanent_cert_no"] == "XY12345678ZW"
    assert record["became_foreign_resident_on"] == "2012-07-09" and record["alien_registration_on_text"] == "昭和45年頃"
    body = json.loads(clerk.get(f"/api/v1/persons/{ichiro.pk}").content)
    assert body["record"]["birth_date_text"] == "昭和55年頃"
    # the protected side: once a 支援措置 hides her, neither the screen nor the API shows her items
    from jichitai.accounts.models import RoleGrant, Staff

    setter = Staff.objects.create(username="sm-items")
    RoleGrant.objects.create(staff=setter, municipality=office.municipality, role="support_measure")
    with activate(office.ctx()):
        support.start_measure(eiko.pk, start=dt.date.today(), reason="DV", against=[], staff=setter)
    page = clerk.get(f"/registry/persons/{eiko.pk}/").content.decode()
    api = clerk.get(f"/api/v1/persons/{eiko.pk}").content.decode()
    for text in ("XY12345678ZW", "KIM YOUNGJA", "アオキ"):
        assert text not in page and text not in api


@pytest.mark.std("70#2")
def test_the_alias_form_records_an_alias(office, staff_client) -> None:
    from tests.web_registry.test_views import _post_and_approve

    ichiro, eiko = _family(office)
    page = staff_client("clerk").get("/registry/events/new/alias_change/").content.decode()
    assert "通称の記載・削除" in page and '<option value="record">記載</option>' in page
    _post_and_approve(office, staff_client, "alias_change", {
        "effective_date": "令和6年5月1日", "person_id": str(eiko.pk), "action": "record", "alias": "青木　栄子",
        "alias_kana": "アオキ　エイコ", "alias_kana_confirmed": "true"})
    with activate(office.ctx()):
        p = people(pk=eiko.pk)[0]
        assert p.alias == "青木　栄子" and p.alias_kana_confirmed and p.alias_recorded_on == dt.date(2024, 5, 1)
