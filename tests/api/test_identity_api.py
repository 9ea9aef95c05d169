"""POST /events for 国籍喪失 and 再転入 ([950], [600]); another municipality's person is not found."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry.models import Person
from jichitai.tenancy.context import activate

from .conftest import World, move_in_body, post

pytestmark = pytest.mark.django_db


def _free(world: World, approver: Any) -> None:
    """The fixture's pending 氏名変更 locks the family ([530]): rejected first."""
    resp = post(approver, f"/events/{world.a.provisional_event_id}/reject", {"reason": "テスト"}, key="free")
    assert resp.status_code == 200, resp.json()


def _loss(person_id: int) -> dict[str, Any]:
    return {"kind": "nationality_loss", "effective_date": "2024-06-01", "request": {
        "person_id": person_id, "nationality": "アメリカ合衆国", "foreign_category": "mid_long",
        "residence_status": "永住者", "residence_card_no": "AB12345678CD", "lost_on": "2024-05-20"}}


@pytest.mark.std("950#1")
def test_a_loss_of_nationality_is_entered_and_approved(world: World, login: Any) -> None:
    clerk, _ = login("clerk")
    approver, _ = login("approver")
    _free(world, approver)
    wife = world.a.family[1]
    resp = post(clerk, "/events", _loss(wife), key="loss-1")
    assert resp.status_code == 201, resp.json()
    assert resp.json()["kind"] == "nationality_loss" and resp.json()["status"] == "provisional"
    done = post(approver, f"/events/{resp.json()['id']}/approve", key="loss-1-ok")
    assert done.status_code == 200, done.json()
    with activate(world.a.office.ctx()):
        old = Person.objects.without_read_log("テスト").get(pk=wife)
        new = Person.objects.without_read_log("テスト").get(atena_no=old.atena_no, status="resident")
        assert (old.status, new.resident_type, new.became_foreign_resident_on.isoformat()) == (
            "deleted", "foreign", "2024-05-20")
    # B's person from A: not found; a Japanese-only item is refused by name
    other = post(clerk, "/events", _loss(world.b.family[1]), key="loss-2")
    assert other.status_code == 422 and other.json()["errors"][0]["rule"] == "not_found"
    bad = _loss(world.a.family[2])
    bad["request"]["honseki"] = "東京都港区芝1番地"
    refused = post(clerk, "/events", bad, key="loss-3")
    assert refused.status_code == 422 and refused.json()["errors"][0]["rule"] == "resident_type"


@pytest.mark.std("600#1")
def test_a_returning_number_is_refused_through_the_api(world: World, login: Any) -> None:
    clerk, _ = login("clerk")
    approver, _ = login("approver")
    _free(world, approver)
    child = world.a.family[2]
    out = post(clerk, "/events", {"kind": "move_out_abroad", "effective_date": "2024-03-01",
                                  "request": {"person_ids": [child], "destination": "カナダ"}}, key="out-1")
    assert out.status_code == 201, out.json()
    assert post(approver, f"/events/{out.json()['id']}/approve", key="out-1-ok").status_code == 200
    with activate(world.a.office.ctx()):
        code = Person.objects.without_read_log("テスト").get(pk=child).resident_code
    body = move_in_body(world.a.office, family="佐藤")
    body["request"]["persons"][0]["resident_code"] = code
    resp = post(clerk, "/events", body, key="back-1")
    assert resp.status_code == 422 and resp.json()["errors"][0]["rule"] == "returning_resident"
    assert str(child) not in resp.json()["errors"][0]["message"]
