"""GET /persons/{id}/snapshots ([200] 1.2.1): full rows through the API, another municipality's
ids, and 支援措置 from the protected side."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry.conventions import PERSON_FIELDS
from tests.protection_world import Protected, alerts, build, revealed
from tests.registry.conftest import _office

from .conftest import API, World

pytestmark = pytest.mark.django_db


@pytest.mark.std("200#2")
def test_snapshots_hold_every_item_keyed_by_atena_and_history_no(world: World, login: Any) -> None:
    client, _ = login("clerk")
    resp = client.get(f"{API}/persons/{world.a.family[0]}/snapshots")
    body = resp.json()
    assert resp.status_code == 200, body
    rows = body["snapshots"]
    assert [r["history_no"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["reason"] == "国内転入" and rows[0]["division"] == "記載"
    assert set(PERSON_FIELDS) | {"household_no", "address", "banchi", "katagaki", "head_name"} <= set(rows[-1]["row"])
    assert rows[-1]["row"]["address"] == "本町一丁目1番地2"
    assert rows[-1]["row"]["my_number"] is None  # not asked for
    assert len({r["atena_no"] for r in rows}) == 1


def test_another_municipalitys_person_is_404(world: World, login: Any) -> None:
    client, _ = login("clerk")
    assert client.get(f"{API}/persons/{world.b.family[0]}/snapshots").status_code == 404
    assert client.get(f"{API}/persons/{world.b.family[0]}/snapshots?show_my_number=1").status_code in (403, 404)


@pytest.fixture
def protected(tenants: Any) -> Protected:
    return build(_office(tenants.a, "pa"))


def test_protected_person_is_refused_and_her_co_resident_shows_no_secret(protected: Protected, login: Any) -> None:
    client, _ = login("clerk")
    before = alerts(protected.office, protected.wife)
    refused = client.get(f"{API}/persons/{protected.wife}/snapshots")
    assert refused.status_code == 403 and refused.json()["errors"][0]["rule"] == "support_measure"
    assert revealed(refused.content.decode(), protected) == []
    for pid in (protected.son, protected.head):
        resp = client.get(f"{API}/persons/{pid}/snapshots")
        assert resp.status_code == 200 and revealed(resp.content.decode(), protected) == []
    assert alerts(protected.office, protected.wife) > before


@pytest.mark.std("200#1")
def test_event_dates_through_the_api(world: World, login: Any) -> None:
    from .conftest import post

    clerk, _ = login("clerk")
    approver, _ = login("approver")
    head = world.a.family[0]
    # the world's own 異動 for this family waits for 決裁: entry stays locked until it leaves ([1380]#8)
    assert post(approver, f"/events/{world.a.provisional_event_id}/reject", {"reason": "試験"},
                key="d-r").status_code == 200
    body = {"kind": "ex_officio_correction", "effective_date": "2024-02-02", "notified_on": "2024-02-01",
            "request": {"person_id": head, "changes": {"hittousha": "髙橋次郎"}}}
    bad = post(clerk, "/events", {**body, "requested_on": "2024-02-01"}, key="d-0")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "requested_on"
    created = post(clerk, "/events", body, key="d-1")
    assert created.status_code == 201, created.json()
    assert post(approver, f"/events/{created.json()['id']}/approve", key="d-2").status_code == 200
    rows = clerk.get(f"{API}/persons/{head}/snapshots").json()["snapshots"]
    assert (rows[-1]["reason"], rows[-1]["notified_on"]) == ("職権修正", "2024-02-01")
