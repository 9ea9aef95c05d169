"""The 法第30条の46転入届 and 法第30条の47届出 forms ([910], [920]): 従前の住所 may be left blank; the 30条47
form takes the 住所を定めた年月日; a bad date is a 400 with the message, never a 5xx."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jichitai.registry.models import RegistryEvent
from jichitai.tenancy.context import activate

pytestmark = pytest.mark.django_db


def _data(office: Any, key: str, **more: str) -> dict[str, str]:
    return {
        "effective_date": "2024-05-01",
        "previous_address": "",
        "address_id": str(office.address.pk),
        "banchi": "3番地",
        "rows": "1",
        "idempotency_key": key,
        "persons-1-family_name": "グエン",
        "persons-1-given_name": "ヴァン",
        "persons-1-family_name_kana": "グエン",
        "persons-1-given_name_kana": "ヴァン",
        "persons-1-birth_date": "1990-02-02",
        "persons-1-sex": "1",
        "persons-1-relationship": "世帯主",
        "persons-1-resident_type": "foreign",
        "persons-1-nationality": "ベトナム",
        "persons-1-resident_code": "10000000123",
        "persons-1-foreign_category": "mid_long",
        "persons-1-residence_status": "技術・人文知識・国際業務",
        "persons-1-residence_card_no": "AB12345678CD",
        **more,
    }


@pytest.mark.std("910#2", "920#2")
def test_both_forms_take_a_blank_previous_address(
    office: Any, office_b: Any, staff_client: Any
) -> None:
    clerk = staff_client("clerk")
    page = clerk.get("/registry/events/new/entry_30_47/").content.decode()
    assert "法第30条の47届出" in page and "住所を定めた年月日" in page
    for kind, extra in (
        ("move_in_30_46", {}),
        ("entry_30_47", {"address_set_on": "令和6年3月10日"}),
    ):
        resp = clerk.post(f"/registry/events/new/{kind}/", _data(office, f"k-{kind}", **extra))
        assert resp.status_code in (200, 302), re.findall(
            r"error[^>]*>([^<]+)<", resp.content.decode()
        )
    with activate(office.ctx()):
        got = {e.kind: e.request for e in RegistryEvent.objects.filter(status="provisional")}
        assert got["move_in_30_46"].get("previous_address", "") == ""
        assert got["entry_30_47"]["address_set_on"] == "2024-03-10"
    with activate(office_b.ctx()):
        assert not RegistryEvent.objects.exists()
    bad = clerk.post(
        "/registry/events/new/entry_30_47/", _data(office, "k-bad", address_set_on="あした")
    )
    assert bad.status_code == 400 and "住所を定めた年月日" in bad.content.decode()


@pytest.mark.std("870#2")
def test_with_a_stock_the_form_leaves_the_code_to_the_draw(office: Any, staff_client: Any) -> None:
    from jichitai.codes import resident_code_check_digit
    from jichitai.registry import resident_codes

    clerk = staff_client("clerk")
    data = _data(office, "k-nocode", **{"persons-1-resident_code": ""})
    assert clerk.post("/registry/events/new/move_in_30_46/", data).status_code == 400  # no stock: required
    with activate(office.ctx()):
        resident_codes.stock([f"{b}{resident_code_check_digit(str(b))}" for b in range(5_000_000_000, 5_000_000_200)])
    resp = clerk.post("/registry/events/new/move_in_30_46/", {**data, "idempotency_key": "k-nocode-2"})
    assert resp.status_code in (200, 302), re.findall(r"error[^>]*>([^<]+)<", resp.content.decode())
    with activate(office.ctx()):
        (event,) = RegistryEvent.objects.filter(kind="move_in_30_46")
        assert not event.request["persons"][0].get("resident_code")  # drawn at 決裁, not typed
        from jichitai.registry import events
        from jichitai.registry.models import Person

        events.approve_event(event.pk, approver=office.approver)
        code = Person.objects.without_read_log("テスト").get(family_name="グエン").resident_code
        assert code and code not in resident_codes.unused() and resident_codes.code_problem(code) is None


@pytest.mark.std("980#1")
def test_the_cancellation_form_takes_some_of_the_persons(office: Any, staff_client: Any) -> None:
    from tests.registry.conftest import move_in_family, people

    with activate(office.ctx()):
        move_in = move_in_family(office)
        child = people()[2]
    clerk = staff_client("clerk")
    page = clerk.get("/registry/events/new/cancellation/").content.decode()
    assert "一部の異動者だけ取り消す場合の住民ID" in page
    data = {"effective_date": "2020-04-01", "target_event_id": str(move_in.pk), "person_ids": f"{child.pk}、",
            "idempotency_key": "k-cancel"}
    resp = clerk.post("/registry/events/new/cancellation/", data)
    assert resp.status_code in (200, 302), re.findall(r"error[^>]*>([^<]+)<", resp.content.decode())
    with activate(office.ctx()):
        (event,) = RegistryEvent.objects.filter(kind="cancellation")
        assert event.request["person_ids"] == [child.pk]
    bad = clerk.post("/registry/events/new/cancellation/", {**data, "person_ids": "三", "idempotency_key": "k-c2"})
    assert bad.status_code == 400 and "住民IDは数字" in bad.content.decode()
