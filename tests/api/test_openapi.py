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


def test_openapi_shows_each_kinds_request_shape() -> None:
    """The body of POST /events is a union on ``kind``: every 異動事由 maps to its typed request."""
    from jichitai.api.permissions import ENDPOINT_CAPABILITY
    from jichitai.registry.events import REQUEST_TYPES
    from jichitai.registry.models import EventKind

    schema = Client().get("/api/v1/openapi.json").json()
    ops = {op["operationId"]: op for item in schema["paths"].values() for op in item.values()}
    for op_id, op in ops.items():
        assert op["x-required-capability"] == ENDPOINT_CAPABILITY[op_id]
    body = ops["submit_event"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["discriminator"]["propertyName"] == "kind"
    mapping = body["discriminator"]["mapping"]
    assert set(mapping) == set(EventKind.values)
    components = schema["components"]["schemas"]
    for kind, ref in mapping.items():
        member = components[ref.rsplit("/", 1)[-1]]
        tag = member["properties"]["kind"]
        assert kind in tag.get("enum", [tag.get("const")]), kind
        request_ref = member["properties"]["request"]["$ref"].rsplit("/", 1)[-1]
        assert request_ref == REQUEST_TYPES[kind].__name__, kind
        shape = components[request_ref]
        assert set(shape["properties"]) == set(REQUEST_TYPES[kind].model_fields), kind
    # item lengths come from the register's columns
    person = components["NewPerson"]["properties"]["family_name"]
    assert person["maxLength"] == 100 and person["minLength"] == 1


def test_web_form_and_api_build_the_same_typed_request() -> None:
    """A 転入 typed into the staff form and the same 転入 sent to the API are one typed request."""
    from django.http import QueryDict

    from jichitai.api.schemas import EVENT_BODIES
    from jichitai.registry.events import parse_request
    from jichitai.web.registry.forms import FORMS, build_request

    post = QueryDict(mutable=True)
    post.update({"effective_date": "令和6年2月1日", "previous_address": "大阪府大阪市北区1番", "address_id": "7",
                 "banchi": "5番地", "katagaki": "", "rows": "2", "persons-1-family_name": "佐藤",
                 "persons-1-given_name": "次郎", "persons-1-birth_date": "1990-03-03", "persons-1-sex": "1",
                 "persons-1-relationship": "世帯主", "persons-1-resident_type": "japanese",
                 "persons-2-resident_type": "japanese"})
    built = build_request(FORMS["move_in"], post, post.getlist)
    assert built.errors == []
    from_form = parse_request("move_in", built.request)
    body = {"kind": "move_in", "effective_date": "2024-02-01", "request": {
        "household": {"new": {"address_id": 7, "banchi": "5番地", "katagaki": ""}},
        "persons": [{"ref": "p1", "family_name": "佐藤", "given_name": "次郎", "birth_date": "1990-03-03",
                     "sex": "1", "relationship": "世帯主", "resident_type": "japanese"}],
        "previous_address": "大阪府大阪市北区1番", "head_ref": "p1"}}
    (cls,) = [c for c in EVENT_BODIES if "move_in" in c.model_fields["kind"].annotation.__args__]
    from_api = cls.model_validate(body).request
    assert type(from_form) is type(from_api)
    assert from_form == from_api
