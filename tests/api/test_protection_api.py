"""支援措置 through the API, tried from the protected side ([440] 3.4, [160] 1.1.16, [380]).

The same register as the screens' test (tests/protection_world.py): a household with some members
protected (花子 and, without a measure, 太郎 at a secret address) and one with all (美咲). For a
clerk and an approver without need-to-know: no response carries the secret address, a protected
person's id or 宛名番号; refusals are 403/422 with a Japanese message; every access is alerted.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.protection_world import NEW_MY_NUMBER, Protected, alerts, build, revealed
from tests.registry.conftest import _office

from .conftest import API, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tenants: Any) -> Protected:
    return build(_office(tenants.a, "pa"))


@pytest.mark.parametrize("which", ["some", "all"])
def test_household_hides_address_and_protected_members_380(world: Protected, login: Any, which: str) -> None:
    client, _ = login("clerk")
    before = alerts(world.office, world.wife if which == "some" else world.misaki)
    resp = client.get(f"{API}/households/{getattr(world, which)}")
    body = resp.json()
    assert resp.status_code == 200 and revealed(resp.content.decode(), world) == []
    assert (body["address"], body["address_id"], body["banchi"], body["katagaki"]) == ("（非表示）", None, "", "")
    assert body["address_hidden"] is True
    masked = [m for m in body["members"] if m["masked"]]
    assert masked and all(m["person_id"] is None and m["atena_no"] == "" for m in masked)
    assert alerts(world.office, world.wife if which == "some" else world.misaki) > before
    as_of = client.get(f"{API}/households/{getattr(world, which)}", {"as_of": "2024-06-01"})
    assert as_of.status_code == 200 and revealed(as_of.content.decode(), world) == []


def test_co_resident_and_search_rows_hide_the_address_440(world: Protected, login: Any) -> None:
    client, _ = login("clerk")
    son = client.get(f"{API}/persons/{world.son}")
    assert son.status_code == 200 and revealed(son.content.decode(), world) == []
    assert son.json()["summary"]["address"] == "（非表示）" and son.json()["summary"]["address_hidden"]
    then = client.get(f"{API}/persons/{world.son}", {"as_of": "2024-06-01"})
    assert then.status_code == 200 and revealed(then.content.decode(), world) == []
    found = client.get(f"{API}/persons", {"name": "髙橋"})
    assert revealed(found.content.decode(), world) == []
    rows = found.json()["results"]
    assert [r for r in rows if r["masked"]] == [{**rows[-1]}]  # 花子: one masked row, last
    assert rows[-1]["id"] is None and rows[-1]["atena_no"] == "" and rows[-1]["household_id"] is None


def test_protected_person_is_refused_with_a_japanese_message(world: Protected, login: Any) -> None:
    client, _ = login("clerk")
    before = alerts(world.office, world.misaki)
    resp = client.get(f"{API}/persons/{world.misaki}")
    assert resp.status_code == 403
    (err,) = resp.json()["errors"]
    assert err["rule"] == "support_measure" and "支援措置" in err["message"]
    assert "美咲" not in resp.content.decode()
    assert alerts(world.office, world.misaki) == before + 1
    cleared, _ = login("clerk", "support_measure")
    assert cleared.get(f"{API}/persons/{world.misaki}").json()["record"]["given_name"] == "美咲"


@pytest.mark.parametrize("event", ["correction", "cancellation"])
def test_queue_masks_and_refuses_compensations_of_the_protected_move(world: Protected, login: Any, event: str) -> None:
    client, _ = login("approver")
    event_id = getattr(world, event)
    before = alerts(world.office, world.wife)
    listed = client.get(f"{API}/events")
    assert revealed(listed.content.decode(), world) == []
    (item,) = [e for e in listed.json()["results"] if e["id"] == event_id]
    assert item["request"] == {}
    approve = post(client, f"/events/{event_id}/approve", key=f"a-{event}")
    assert approve.status_code == 422
    assert approve.json()["errors"][0]["rule"] == "support_measure_approver"
    assert "決裁してください" in approve.json()["errors"][0]["message"]
    reject = post(client, f"/events/{event_id}/reject", {"reason": "誤り"}, key=f"r-{event}")
    assert reject.status_code == 422 and "却下してください" in reject.json()["errors"][0]["message"]
    batch = post(client, "/events/approve", {"event_ids": [event_id]}, key=f"b-{event}")
    assert batch.json()["refused"][0]["errors"][0]["rule"] == "support_measure_approver"
    assert alerts(world.office, world.wife) >= before + 4


def test_entry_about_a_protected_person_is_refused_without_need_to_know(world: Protected, login: Any) -> None:
    client, _ = login("clerk")
    body = {"kind": "cancellation", "effective_date": "2024-05-01", "request": {"target_event_id": world.move_event}}
    resp = post(client, "/events", body, key="entry-1")
    assert resp.status_code == 422 and resp.json()["errors"][0]["rule"] == "support_measure_entry"
    birth = {"kind": "birth", "effective_date": "2024-06-01", "request": {
        "household_id": world.some, "person": {"family_name": "髙橋", "given_name": "次子", "sex": "2",
                                                "relationship": "子", "honseki": "不明",
                                                "resident_code": "30000000001"}}}
    resp = post(client, "/events", birth, key="entry-2")
    assert resp.status_code == 422 and resp.json()["errors"][0]["rule"] == "support_measure_entry"


def test_my_number_inside_a_correction_is_echoed_only_with_the_role(world: Protected, login: Any) -> None:
    plain, _ = login("approver")
    listed = plain.get(f"{API}/events").json()["results"]
    (item,) = [e for e in listed if e["id"] == world.my_number_correction]
    assert item["request"]["changes"][0]["value"] == "（非表示）" and NEW_MY_NUMBER not in str(listed)
    allowed, _ = login("approver", "my_number_access")
    listed = allowed.get(f"{API}/events").json()["results"]
    (item,) = [e for e in listed if e["id"] == world.my_number_correction]
    assert item["request"]["changes"][0]["value"] == NEW_MY_NUMBER
