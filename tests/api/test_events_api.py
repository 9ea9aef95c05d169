"""POST /events, approve, reject: Idempotency-Key semantics and the error envelope.

[530] 4.0.8 仮登録 → 決裁 → 本登録 through the API; register refusals keep their Japanese messages.
"""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry.models import RegistryEvent
from jichitai.tenancy.context import activate

from .conftest import API, World, move_in_body, name_change, post

pytestmark = pytest.mark.django_db


def _events(world: World) -> int:
    with activate(world.a.office.ctx()):
        return RegistryEvent.objects.count()


@pytest.mark.parametrize("path", ["/events", "/events/{id}/approve", "/events/{id}/reject", "/events/approve"])
def test_every_write_requires_an_idempotency_key(path: str, world: World, login: Any) -> None:
    client, _ = login("clerk", "approver")
    body = move_in_body(world.a.office) if path == "/events" else {"reason": "不備"}
    if path == "/events/approve":
        body = {"event_ids": [world.a.provisional_event_id]}
    resp = post(client, path.format(id=world.a.provisional_event_id), body, key=None)
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["rule"] == "idempotency_key_required"
    resp = post(client, path.format(id=world.a.provisional_event_id), body, key="has space")
    assert resp.status_code == 400


def test_submit_replay_with_same_key_and_body_returns_the_same_event(world: World, login: Any) -> None:
    client, _ = login("clerk")
    n = _events(world)
    first = post(client, "/events", move_in_body(world.a.office), key="sub-1")
    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "provisional" and first.json()["replayed"] is False
    again = post(client, "/events", move_in_body(world.a.office), key="sub-1")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["replayed"] is True
    assert _events(world) == n + 1


def test_submit_same_key_different_body_is_409(world: World, login: Any) -> None:
    client, _ = login("clerk")
    assert post(client, "/events", move_in_body(world.a.office), key="sub-2").status_code == 201
    resp = post(client, "/events", move_in_body(world.a.office, family="鈴木"), key="sub-2")
    assert resp.status_code == 409
    assert resp.json()["errors"][0]["rule"] == "idempotency_conflict"


def test_submit_key_of_another_clerk_is_409(world: World, login: Any) -> None:
    c1, _ = login("clerk")
    c2, _ = login("clerk")
    assert post(c1, "/events", move_in_body(world.a.office), key="sub-3").status_code == 201
    resp = post(c2, "/events", move_in_body(world.a.office), key="sub-3")
    assert resp.status_code == 409 and resp.json()["errors"][0]["rule"] == "idempotency_conflict"


@pytest.mark.std("530#7")
def test_approve_twice_with_same_key_returns_the_stored_result(world: World, login: Any) -> None:
    client, approver = login("approver")
    eid = world.a.provisional_event_id
    first = post(client, f"/events/{eid}/approve", key="ap-1")
    assert first.status_code == 200, first.json()
    assert first.json()["status"] == "approved" and first.json()["replayed"] is False
    again = post(client, f"/events/{eid}/approve", key="ap-1")
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json() == first.json() | {"replayed": True}
    # [530]#7: the 異動 answers no approver and no approval date (the operation log keeps them)
    assert not {"approved_by", "approved_at"} & set(first.json())
    # another key on the approved event: the register's refusal, in Japanese
    other = post(client, f"/events/{eid}/approve", key="ap-2")
    assert other.status_code == 422
    assert other.json()["errors"][0]["rule"] == "not_provisional"
    assert "仮登録ではありません" in other.json()["errors"][0]["message"]


def test_approve_key_reused_for_another_event_or_by_another_approver_is_409(world: World, login: Any) -> None:
    client, _ = login("approver")
    other_client, _ = login("approver")
    second = name_change(world.a.office, world.a.family[1], "田中")
    assert post(client, f"/events/{world.a.provisional_event_id}/approve", key="ap-3").status_code == 200
    assert post(client, f"/events/{second.pk}/approve", key="ap-3").status_code == 409
    assert post(other_client, f"/events/{world.a.provisional_event_id}/approve", key="ap-3").status_code == 409
    with activate(world.a.office.ctx()):
        assert RegistryEvent.objects.get(pk=second.pk).status == "provisional"


def test_reject_is_idempotent_by_key_and_needs_a_reason(world: World, login: Any) -> None:
    client, _ = login("approver")
    eid = world.a.provisional_event_id
    assert post(client, f"/events/{eid}/reject", {"reason": ""}, key="rj-0").status_code == 422
    first = post(client, f"/events/{eid}/reject", {"reason": "添付書類の不足"}, key="rj-1")
    assert first.status_code == 200 and first.json()["status"] == "rejected"
    assert first.json()["rejected_reason"] == "添付書類の不足"
    again = post(client, f"/events/{eid}/reject", {"reason": "添付書類の不足"}, key="rj-1")
    assert again.status_code == 200 and again.json()["replayed"] is True
    # the approve key namespace is separate: approving now is the register's refusal
    assert post(client, f"/events/{eid}/approve", key="rj-1").status_code == 422


def test_entering_clerk_cannot_approve_own_event(world: World, login: Any) -> None:
    client, _ = login("clerk", "approver")
    created = post(client, "/events", move_in_body(world.a.office), key="own-1").json()
    resp = post(client, f"/events/{created['id']}/approve", key="own-2")
    assert resp.status_code == 422 and resp.json()["errors"][0]["rule"] == "same_person"


def test_register_refusal_is_422_with_japanese_messages(world: World, login: Any) -> None:
    client, _ = login("clerk")
    body = move_in_body(world.a.office, effective_date="2999-01-01")
    resp = post(client, "/events", body, key="future-1")
    assert resp.status_code == 422
    err = resp.json()["errors"][0]
    assert err["rule"] == "future_date" and err["field"] == "effective_date" and "未来" in err["message"]
    bad = post(client, "/events", {"kind": "no_such_kind", "effective_date": "2024-01-01", "request": {}},
               key="bad-1")
    assert bad.status_code == 422 and bad.json()["errors"][0]["rule"] == "unknown_kind"
    assert bad.json()["errors"][0]["field"] == "kind" and "異動事由" in bad.json()["errors"][0]["message"]


def test_duplicate_suspected_is_409_until_confirmed(world: World, login: Any) -> None:
    from ..registry.conftest import person_spec

    client, _ = login("clerk")
    body = move_in_body(world.a.office)
    body["request"]["persons"] = [person_spec("p1", "高橋", "一郎", "1980-05-01", "世帯主")]  # 髙橋 一郎 lives here
    resp = post(client, "/events", body, key="dup-1")
    assert resp.status_code == 409
    assert resp.json()["errors"][0]["rule"] == "duplicate_suspected"
    assert resp.json()["warnings"][0]["rule"] == "duplicate_suspected"
    confirmed = post(client, "/events", {**body, "confirm_duplicates": True}, key="dup-1")
    assert confirmed.status_code == 201
    assert confirmed.json()["warnings"][0]["rule"] == "duplicate_suspected"


def test_concurrent_update_is_409(world: World, login: Any) -> None:
    client, _ = login("approver")
    second = name_change(world.a.office, world.a.family[0], "山田")  # same person as the provisional one
    assert post(client, f"/events/{world.a.provisional_event_id}/approve", key="cc-1").status_code == 200
    resp = post(client, f"/events/{second.pk}/approve", key="cc-2")
    assert resp.status_code == 409 and resp.json()["errors"][0]["rule"] == "stale"


def test_unknown_event_is_404(world: World, login: Any) -> None:
    client, _ = login("approver")
    assert post(client, "/events/99999999/approve", key="nf-1").status_code == 404
    assert post(client, "/events/99999999/reject", {"reason": "x"}, key="nf-2").status_code == 404
    assert client.get(API + "/persons/abc").status_code == 404


def test_batch_approval_approves_what_it_can_lists_refusals_and_replays(world: World, login: Any) -> None:
    client, approver = login("approver")
    other_client, _ = login("approver")
    second = name_change(world.a.office, world.a.family[1], "田中")
    ids = [world.a.provisional_event_id, 987_654, world.b.provisional_event_id, second.pk]
    first = post(client, "/events/approve", {"event_ids": ids}, key="bulk-1")
    assert first.status_code == 200, first.json()
    body = first.json()
    assert [e["id"] for e in body["approved"]] == [world.a.provisional_event_id, second.pk]
    assert all(e["status"] == "approved" and "approved_by" not in e for e in body["approved"])
    refused = {r["event_id"]: r["errors"][0]["rule"] for r in body["refused"]}
    assert refused == {987_654: "not_found", world.b.provisional_event_id: "not_found"}
    assert "隔離乙".encode() not in first.content
    again = post(client, "/events/approve", {"event_ids": ids}, key="bulk-1")
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert [e["id"] for e in again.json()["approved"]] == [world.a.provisional_event_id, second.pk]
    assert again.json()["refused"] == body["refused"]
    # the key with other ids, or by another approver: 409; a new key: each event is already approved
    assert post(client, "/events/approve", {"event_ids": ids[:1]}, key="bulk-1").status_code == 409
    assert post(other_client, "/events/approve", {"event_ids": ids}, key="bulk-1").status_code == 409
    later = post(client, "/events/approve", {"event_ids": ids[:1]}, key="bulk-2").json()
    assert later["approved"] == [] and later["refused"][0]["errors"][0]["rule"] == "not_provisional"
    assert post(client, "/events/approve", {"event_ids": []}, key="bulk-3").status_code == 422
    with activate(world.b.office.ctx()):
        assert RegistryEvent.objects.get(pk=world.b.provisional_event_id).status == "provisional"
