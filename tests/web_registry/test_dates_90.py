"""[90] 年月日の表示 on the register's screens: 和暦 only, except a foreign resident's 生年月日 and
在留期間の満了の日, which are 西暦 only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, people, person_spec
from tests.web_registry.conftest import login

pytestmark = pytest.mark.django_db
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _page(client: Any, url: str, **params: str) -> str:
    resp = client.get(url, params)
    assert resp.status_code == 200, url
    return resp.content.decode()


@pytest.mark.std("90#1", "90#2", "90#3", "90#4")
def test_japanese_dates_in_wareki_and_a_foreign_residents_in_seireki(office, office_b, staff_client) -> None:
    with activate(office.ctx()):
        apply(office, "move_in_abroad", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "3"}},
            "persons": [
                person_spec("p1", "Smith", "John", "1975-03-03", "世帯主", resident_type="foreign",
                            nationality="英国", residence_status="永住者", residence_card_no="AB12345678CD",
                            residence_end_date="2030-01-31", honseki="", hittousha="",
                            family_kana="スミス", given_kana="ジョン"),
                person_spec("p2", "山本", "花子", "1980-05-01", "妻"),
            ],
            "previous_address": "英国",
        }, dt.date(2021, 6, 1))
        john, hanako = sorted(people(), key=lambda p: p.birth_date)
    clerk = staff_client("clerk")
    person = _page(clerk, f"/registry/persons/{john.pk}/")
    household = _page(clerk, f"/registry/households/{john.household_id}/")
    found = _page(clerk, "/registry/", kana="スミス")
    for page in (person, household, found):
        assert "1975年3月3日" in page and "昭和50年3月3日" not in page  # [90]#4: not 和暦
    assert "2030年1月31日" in person and "令和12年1月31日" not in person
    # the Japanese wife: 和暦 only, never 西暦 beside it ([90]#3)
    assert "昭和55年5月1日" in household and "1980年5月1日" not in household
    wife = _page(clerk, f"/registry/persons/{hanako.pk}/")
    assert "昭和55年5月1日" in wife and "1980" not in wife and "令和3年6月1日" in wife
    for page in (person, household, found, wife):
        # input examples (例: 2019-04-01、平成31年4月1日) say what may be typed; they show no one's date
        text = re.sub(r"<[^>]+>", "", re.sub(r"例: [^<）]*", "", page))
        hit = ISO.search(text)
        assert hit is None, text[max(0, hit.start() - 200):hit.end() + 50]
    # another municipality's staff never reach them
    b = login(Client(), office_b.clerk, office_b.municipality)
    assert b.get(f"/registry/persons/{john.pk}/").status_code == 404
