"""The 帰化・国籍取得・国籍喪失 forms and the 再転入者 field of the 転入 form ([930]–[950], [600]).
Another municipality's person cannot be reached from A's form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry.models import Person, RegistryEvent
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, person_spec

pytestmark = pytest.mark.django_db
D = dt.date


def _foreigner(office: Any) -> Any:
    spec = person_spec("p1", "グエン", "ヴァン", "1980-02-02", "世帯主", resident_type="foreign", nationality="ベトナム",
                       honseki="", hittousha="")
    apply(office, "move_in", {"household": {"new": {"address_id": office.address.pk, "banchi": "7番地"}},
                              "persons": [spec], "previous_address": "大阪府堺市1番"}, D(2018, 4, 1))
    return Person.objects.without_read_log("テスト").get(family_name="グエン")


@pytest.mark.std("930#1")
def test_the_naturalization_form_enters_a_provisional_event(office: Any, office_b: Any, staff_client: Any) -> None:
    with activate(office.ctx()):
        person = _foreigner(office)
    page = staff_client("clerk").get("/registry/events/new/naturalization/")
    assert page.status_code == 200 and "本籍" in page.content.decode()
    data = {"effective_date": "2024-07-01", "person_id": str(person.pk), "family_name": "中村", "given_name": "文",
            "honseki": "大阪府堺市堺区1番地", "hittousha": "中村文", "idempotency_key": "k-nat"}
    resp = staff_client("clerk").post("/registry/events/new/naturalization/", data)
    assert resp.status_code in (200, 302), resp.content.decode()[:2000]
    with activate(office.ctx()):
        event = RegistryEvent.objects.get(kind="naturalization")
        assert event.status == "provisional" and event.request["person_id"] == person.pk
    with activate(office_b.ctx()):
        assert not RegistryEvent.objects.filter(kind="naturalization").exists()
    with activate(office_b.ctx()):  # B's person: not found from A's form
        other = _foreigner(office_b)
    data.update(person_id=str(other.pk), idempotency_key="k-nat-b")
    resp = staff_client("clerk").post("/registry/events/new/naturalization/", data)
    assert resp.status_code == 400 and "見つかりません" in resp.content.decode()


def test_the_loss_form_and_the_returning_field_render(staff_client: Any) -> None:
    page = staff_client("clerk").get("/registry/events/new/nationality_loss/").content.decode()
    assert "国籍を失った年月日" in page and "法第30条の45の区分" in page
    assert "再転入者（除票の住民ID）" in staff_client("clerk").get("/registry/events/new/move_in_abroad/").content.decode()


@pytest.mark.std("600#2")
def test_the_move_in_form_takes_a_returning_person(office: Any, staff_client: Any) -> None:
    with activate(office.ctx()):
        person = _foreigner(office)
        apply(office, "move_out_abroad", {"person_ids": [person.pk], "destination": "ベトナム"}, D(2022, 4, 1))
    data = {"effective_date": "2024-04-01", "previous_address": "ベトナム", "address_id": str(office.address2.pk),
            "banchi": "2番地", "rows": "1", "idempotency_key": "k-back", "persons-1-family_name": "グエン",
            "persons-1-relationship": "世帯主", "persons-1-resident_type": "foreign",
            "persons-1-returning_person_id": str(person.pk)}
    resp = staff_client("clerk").post("/registry/events/new/move_in_abroad/", data)
    import re
    assert resp.status_code in (200, 302), re.findall(r"error[^>]*>([^<]+)<", resp.content.decode())
    with activate(office.ctx()):
        event = RegistryEvent.objects.get(kind="move_in_abroad")
        assert event.request["persons"][0]["returning_person_id"] == person.pk
    data.update({"persons-1-returning_person_id": "abc", "idempotency_key": "k-back-2"})
    bad = staff_client("clerk").post("/registry/events/new/move_in_abroad/", data)
    assert bad.status_code == 400
