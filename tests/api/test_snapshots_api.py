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
