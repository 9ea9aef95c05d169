"""Generated from the permission table: every endpoint × every role, unauthenticated requests, and
another municipality's ids (cf. Open Zaak's "forbidden without scope" for every resource).

Adding an endpoint without a row in ``ENDPOINT_ROLES`` fails at import; adding one without a
request below fails ``test_every_endpoint_has_a_generated_case``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jichitai.accounts.models import Role
from jichitai.api.permissions import CAPABILITY_ROLES, ENDPOINT_ROLES
from jichitai.api.v1 import api

from .conftest import API, Side, World, move_in_body, post

pytestmark = pytest.mark.django_db

# operation id → one well-formed request against a side's own data: (method, path, body)
Request = tuple[str, str, Any]
CASES: dict[str, Callable[[Side], Request]] = {
    "get_person": lambda s: ("get", f"/persons/{s.family[0]}", None),
    "get_person_snapshots": lambda s: ("get", f"/persons/{s.family[0]}/snapshots", None),
    "search_persons": lambda s: ("get", "/persons?name=髙橋", None),
    "get_household": lambda s: ("get", f"/households/{s.household_id}", None),
    "list_events": lambda s: ("get", "/events?status=provisional", None),
    "submit_event": lambda s: ("post", "/events", move_in_body(s.office)),
    "approve_event": lambda s: ("post", f"/events/{s.provisional_event_id}/approve", None),
    "approve_events": lambda s: ("post", "/events/approve", {"event_ids": [s.provisional_event_id]}),
    "reject_event": lambda s: ("post", f"/events/{s.provisional_event_id}/reject", {"reason": "書類不備"}),
    "issue_certificate": lambda s: ("post", "/certificates", {
        "kind": "juminhyo", "subject_ids": [s.family[0]],
        "requester": {"kind": "self", "person_id": s.family[0]}}),
    "list_hold_changes": lambda s: ("get", "/holds/changes?since=0&target=atena", None),
}
# What another municipality's ids look like to A's staff, per endpoint (B's own data as the target).
FOREIGN: dict[str, Callable[[Side], Request]] = {
    "get_person": lambda b: ("get", f"/persons/{b.family[0]}", None),
    "get_person_snapshots": lambda b: ("get", f"/persons/{b.family[0]}/snapshots", None),
    "search_persons": lambda b: ("get", "/persons?name=隔離", None),
    "get_household": lambda b: ("get", f"/households/{b.household_id}", None),
    "list_events": lambda b: ("get", "/events?status=provisional", None),
    "submit_event": lambda b: ("post", "/events", {
        "kind": "birth", "effective_date": "2024-03-01", "reported_date": "2024-03-01",
        "request": {"household_id": b.household_id, "person": {
            "ref": "c", "family_name": "隔離乙", "given_name": "子", "family_name_kana": "イ",
            "given_name_kana": "コ", "sex": "2", "relationship": "子"}},
    }),
    "approve_event": lambda b: ("post", f"/events/{b.provisional_event_id}/approve", None),
    "approve_events": lambda b: ("post", "/events/approve", {"event_ids": [b.provisional_event_id]}),
    "reject_event": lambda b: ("post", f"/events/{b.provisional_event_id}/reject", {"reason": "x"}),
    "issue_certificate": lambda b: ("post", "/certificates", {
        "kind": "juminhyo", "subject_ids": [b.family[0]],
        "requester": {"kind": "self", "person_id": b.family[0]}}),
    "list_hold_changes": lambda b: ("get", "/holds/changes?since=0&target=kiosk", None),
}


def call(client: Client, req: Request) -> Any:
    method, path, body = req
    if method == "get":
        return client.get(API + path)
    return post(client, path, body, key=f"perm-{path}")


def _operation_ids() -> set[str]:
    schema = api.get_openapi_schema()
    return {op["operationId"] for item in schema["paths"].values() for op in item.values()}


def test_every_endpoint_has_a_generated_case() -> None:
    ops = _operation_ids()
    assert ops == set(ENDPOINT_ROLES), "declare every endpoint in ENDPOINT_ROLES (and only those)"
    assert set(CASES) == ops and set(FOREIGN) == ops


@pytest.mark.parametrize("op", sorted(ENDPOINT_ROLES))
def test_endpoint_is_forbidden_without_its_role(op: str, world: World, login: Any) -> None:
    for role in Role.values:
        client, _ = login(role)
        resp = call(client, CASES[op](world.a))
        if role in ENDPOINT_ROLES[op]:
            assert resp.status_code not in (401, 403), (op, role, resp.content)
            assert resp.status_code < 300, (op, role, resp.json())
        else:
            assert resp.status_code == 403, (op, role, resp.status_code)
            assert resp.json()["errors"][0]["rule"] == "forbidden"


@pytest.mark.parametrize("op", sorted(ENDPOINT_ROLES))
def test_endpoint_refuses_without_verified_session_and_context(op: str, world: World, login: Any) -> None:
    roles = sorted(ENDPOINT_ROLES[op])
    anonymous = Client()
    no_otp, _ = login(*roles, otp=False)
    no_context, _ = login(*roles, context=False)
    for client in (anonymous, no_otp, no_context):
        resp = call(client, CASES[op](world.a))
        assert resp.status_code == 401, (op, resp.status_code)
        msg = resp.json()["errors"][0]["message"]
        assert "二要素認証" in msg and "second factor" in msg


@pytest.mark.parametrize("op", sorted(ENDPOINT_ROLES))
def test_endpoint_gives_nothing_of_another_municipality(op: str, world: World, login: Any, tenants: Any) -> None:
    from jichitai.registry.models import EventFact, RegistryEvent
    from jichitai.tenancy.context import activate

    client, _ = login(*Role.values)  # every role in A, none in B
    with activate(world.b.office.ctx()):
        before = (RegistryEvent.objects.count(), EventFact.objects.count(),
                  RegistryEvent.objects.get(pk=world.b.provisional_event_id).status)
    resp = call(client, FOREIGN[op](world.b))
    assert resp.status_code != 403 and resp.status_code < 500, (op, resp.status_code)
    assert "隔離乙".encode() not in resp.content and tenants.b.name.encode() not in resp.content
    if "{" in next(p for p, ops in _paths().items() if op in ops):
        assert resp.status_code == 404, (op, resp.status_code)
        assert resp.json()["errors"][0]["rule"] == "not_found"
    with activate(world.b.office.ctx()):
        after = (RegistryEvent.objects.count(), EventFact.objects.count(),
                 RegistryEvent.objects.get(pk=world.b.provisional_event_id).status)
    assert after == before


def _paths() -> dict[str, set[str]]:
    schema = api.get_openapi_schema()
    return {p: {op["operationId"] for op in item.values()} for p, item in schema["paths"].items()}


@pytest.mark.parametrize("capability", sorted(CAPABILITY_ROLES))
def test_capability_is_forbidden_without_its_role(capability: str, world: World, login: Any) -> None:
    requests = {"show_my_number": f"/persons/{world.a.family[0]}?show_my_number=1"}
    assert set(requests) == set(CAPABILITY_ROLES)
    for role in Role.values:
        client, _ = login("clerk", role) if role != "clerk" else login("clerk")
        resp = client.get(API + requests[capability])
        if role in CAPABILITY_ROLES[capability]:
            assert resp.status_code == 200, (capability, role)
        else:
            assert resp.status_code == 403, (capability, role)


def test_session_writes_need_the_csrf_token_like_the_web_ui(world: World, login: Any) -> None:
    authed, _ = login("clerk")
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = authed.cookies
    resp = post(browser, "/events", move_in_body(world.a.office), key="csrf-1")
    assert resp.status_code == 403 and resp.json()["errors"][0]["rule"] == "csrf"
    assert browser.get(f"{API}/persons/{world.a.family[0]}").status_code == 200  # reads are safe


def test_errors_are_utf8_json_in_japanese(world: World, login: Any) -> None:
    client, _ = login("clerk")
    resp = client.get(f"{API}/persons/99999999")
    assert resp.status_code == 404 and resp["Content-Type"].startswith("application/json")
    assert "見つかりません".encode() in resp.content
