"""The OpenAPI document is served, lists every endpoint, and documents each one's roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jichitai.api.permissions import ENDPOINT_ROLES

pytestmark = pytest.mark.django_db


def test_openapi_json_lists_every_endpoint_with_its_roles() -> None:
    resp = Client().get("/api/v1/openapi.json")
    assert resp.status_code == 200
    schema = resp.json()
    assert schema["info"] == {**schema["info"], "title": "jichitai-cloud API", "version": "1"}
    ops = {op["operationId"]: op for item in schema["paths"].values() for op in item.values()}
    assert set(ops) == set(ENDPOINT_ROLES)
    for op_id, op in ops.items():
        assert op["x-required-roles"] == sorted(ENDPOINT_ROLES[op_id])
        assert op.get("security"), op_id
    assert {"/api/v1/persons/{person_id}", "/api/v1/persons", "/api/v1/households/{household_id}",
            "/api/v1/events", "/api/v1/events/{event_id}/approve",
            "/api/v1/events/{event_id}/reject"} <= set(schema["paths"])
    params = {p["name"]: p for p in schema["paths"]["/api/v1/events"]["post"]["parameters"]}
    assert params["Idempotency-Key"]["in"] == "header" and params["Idempotency-Key"]["required"]


def test_docs_page_is_served(client: Any) -> None:
    resp = Client().get("/api/v1/docs")
    assert resp.status_code == 200 and b"openapi.json" in resp.content
