"""Generated malformed-input suite: every family of bad payload fed to the web forms and the API.

Families: wrong nested types, missing keys, huge integers (in request items, paths and query
strings), unknown kinds, over-long strings, non-JSON bodies and JSON that is not an object. The
answer is always a refusal in Japanese and never a 5xx: on the API the envelope
``{"errors": [{"rule", "field", "message"}]}``; on the web a 4xx page (or the screen with the
value left out, for a GET screen's optional filter). Nothing is written: RegistryEvent,
EventFact, Person and Household are counted before and after every case.

Each case is its own test id, ``<family>/<case>``. The staff, sessions and A's data are made once
for the module (one outer transaction, rolled back at the end); each case runs in a savepoint.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from jichitai.registry.events.requests import MAX_ID
from jichitai.registry.models import EventFact, Household, Person, RegistryEvent
from jichitai.tenancy.context import TenantContext, activate
from tests.conftest import rolled_back_after

API = "/api/v1"
HUGE = 10**30  # no database integer can hold it
BIGINT_OVER = 2**63  # one more than the largest bigint
HUGE_TEXT = "99999999999999999999999"
FAMILY = "異常値"  # A's residents: a refusal must never show them
NAME_LIMIT = Person._meta.get_field("family_name").max_length
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@dataclass
class World:
    municipality: Any
    address_id: int
    head: int
    wife: int
    household: int
    approved_event: int
    provisional_event: int
    measure: int
    sessions: dict[str, str]

    def client(self, who: str = "clerk") -> Client:
        c = Client()
        c.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[who]
        return c

    def ctx(self) -> TenantContext:
        m = self.municipality.pk
        return TenantContext(municipality_id=m, acting_municipality_id=m, purpose="test")


def _session(staff: Any, municipality: Any) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="test", confirmed=True)
    c = Client()
    c.force_login(staff)
    s = c.session
    s["otp_device_id"] = device.persistent_id
    s["jichitai_municipality_id"] = s["jichitai_acting_municipality_id"] = municipality.pk
    s.save()
    return s.session_key


def _build() -> World:
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.codes import municipality_code_check_digit
    from jichitai.registry import events
    from jichitai.tenancy.models import Consortium, Municipality

    from .isolation_factories import FACTORIES
    from .registry.conftest import _office, move_in_family

    consortium = Consortium.objects.create(code="malformed-test", name="不正入力試験協議会")
    first5 = "99861"
    a = Municipality.objects.create(
        consortium=consortium, code=first5 + str(municipality_code_check_digit(first5)), name="検証村",
        kana="ケンショウムラ", prefecture="テスト県", population_class="village",
    )
    office = _office(a, "malformed")
    with activate(office.ctx()):
        approved = move_in_family(office, family=FAMILY)
        head, wife, _ = Person.objects.for_read(screen="テスト").order_by("pk")
        provisional = events.submit_event(
            "name_change", {"person_id": head.pk, "family_name": FAMILY + "改"},
            effective_date=dt.date(2024, 1, 10), reported_date=None, entered_by=office.clerk,
        ).event
    with activate(TenantContext(municipality_id=a.pk, acting_municipality_id=a.pk)):
        measure = FACTORIES["registry.SupportMeasure"]("MALFORMED")
    every = Staff.objects.create(username="malformed-all", display_name="全権 職員")
    for role in ("clerk", "approver", "my_number_access", "support_measure", "auditor"):
        RoleGrant.objects.create(staff=every, municipality=a, role=role)
    return World(
        municipality=a, address_id=office.address.pk, head=head.pk, wife=wife.pk, household=head.household_id,
        approved_event=getattr(approved, "pk", approved), provisional_event=provisional.pk,
        measure=measure.pk,
        sessions={"clerk": _session(office.clerk, a), "approver": _session(office.approver, a),
                  "all": _session(every, a)},
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module and rolled back after it."""
    with rolled_back_after(django_db_blocker):
        yield _build()


def _counts(world: World) -> tuple[int, ...]:
    with activate(world.ctx()):
        return tuple(m.objects.count() for m in (RegistryEvent, EventFact, Person, Household))


def _body(resp: Any) -> str:
    return resp.content.decode("utf-8", "replace")


# ---- the requests ------------------------------------------------------------------------------
# A case builds its request from the world: (method, path, body, options).
W = World
Case = Callable[[W], tuple[str, str, Any, dict[str, Any]]]


def move_in(w: W, **request: Any) -> dict[str, Any]:
    """A well-formed 転入 body, with ``request`` items replaced (``None`` removes one)."""
    req: dict[str, Any] = {
        "household": {"new": {"address_id": w.address_id, "banchi": "5番地"}},
        "persons": [{"ref": "p1", "family_name": "佐藤", "given_name": "次郎", "family_name_kana": "サトウ",
                     "given_name_kana": "ジロウ", "birth_date": "1990-03-03", "sex": "1",
                     "relationship": "世帯主", "resident_type": "japanese"}],
        "previous_address": "大阪府大阪市北区1番",
    }
    for k, v in request.items():
        if v is None:
            req.pop(k, None)
        else:
            req[k] = v
    return {"kind": "move_in", "effective_date": "2024-02-01", "reported_date": "2024-02-01", "request": req}


def event(kind: str, request: Any, **top: Any) -> dict[str, Any]:
    body = {"kind": kind, "effective_date": "2024-02-01", "reported_date": "2024-02-01", "request": request}
    for k, v in top.items():
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    return body


def without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}


def person(**kw: Any) -> dict[str, Any]:
    return {"ref": "p1", "family_name": "佐藤", "birth_date": "1990-03-03", "sex": "1",
            "relationship": "世帯主", **kw}


def submit(build: Callable[[W], Any], **opts: Any) -> Case:
    return lambda w: ("post", "/events", build(w), opts)


def get(path: Callable[[W], str] | str) -> Case:
    return lambda w: ("get", path(w) if callable(path) else path, None, {})


def post(path: Callable[[W], str] | str, body: Callable[[W], Any] | Any = None, **opts: Any) -> Case:
    return lambda w: ("post", path(w) if callable(path) else path, body(w) if callable(body) else body, opts)


API_CASES: dict[str, dict[str, Case]] = {
    "nested_types": {
        "persons_is_a_string": submit(lambda w: move_in(w, persons="x")),
        "persons_is_a_list_of_ints": submit(lambda w: move_in(w, persons=[1])),
        "household_is_a_string": submit(lambda w: move_in(w, household="abc")),
        "household_new_is_a_list": submit(lambda w: move_in(w, household={"new": [1]})),
        "person_name_is_a_number": submit(lambda w: move_in(w, persons=[person(family_name=123)])),
        "address_is_a_string": submit(lambda w: event("move_within", {"person_ids": [w.head, w.wife], "address": "abc"})),
        "person_ids_is_a_string": submit(lambda w: event("move_out_abroad", {"person_ids": "x", "destination": "英国"})),
        "person_ids_holds_strings": submit(lambda w: event("move_out_abroad", {"person_ids": ["x"], "destination": "英国"})),
        "correction_change_is_empty": submit(lambda w: event("correction", {"target_event_id": w.approved_event, "changes": [{}]})),
        "correction_changes_is_a_string": submit(lambda w: event("correction", {"target_event_id": w.approved_event, "changes": "x"})),
        "correction_value_is_an_object": submit(lambda w: event("correction", {
            "target_event_id": w.approved_event,
            "changes": [{"entity": "person", "entity_id": w.head, "field": "given_name", "value": {"a": 1}}]})),
        "person_correction_changes_is_a_list": submit(lambda w: event("ex_officio_correction", {"person_id": w.head, "changes": [1]})),
        "relationships_is_a_list": submit(lambda w: event("death", {"person_id": w.wife, "relationships": [1]})),
        "relationships_key_is_not_an_id": submit(lambda w: event("death", {"person_id": w.wife, "relationships": {"abc": "子"}})),
        "request_is_a_string": submit(lambda w: event("move_in", "x")),
        "request_is_a_list": submit(lambda w: event("move_in", [])),
        "effective_date_is_an_object": submit(lambda w: event("death", {"person_id": w.wife}, effective_date={"y": 2024})),
        "confirm_duplicates_is_a_list": submit(lambda w: {**move_in(w), "confirm_duplicates": [1]}),
        "event_ids_is_a_string": post("/events/approve", {"event_ids": "x"}),
        "event_ids_holds_objects": post("/events/approve", {"event_ids": [{}]}),
        "reject_reason_is_a_number": post(lambda w: f"/events/{w.provisional_event}/reject", {"reason": 1}),
    },
    "missing_keys": {
        "empty_object": submit(lambda w: {}),
        "missing_kind": submit(lambda w: without(move_in(w), "kind")),
        "missing_effective_date": submit(lambda w: without(move_in(w), "effective_date")),
        "missing_request": submit(lambda w: without(move_in(w), "request")),
        "empty_request": submit(lambda w: event("move_in", {})),
        "missing_persons": submit(lambda w: move_in(w, persons=None)),
        "missing_household": submit(lambda w: move_in(w, household=None)),
        "empty_person": submit(lambda w: move_in(w, persons=[{}])),
        "death_without_person": submit(lambda w: event("death", {})),
        "approve_batch_empty": post("/events/approve", {}),
        "approve_batch_no_ids": post("/events/approve", {"event_ids": []}),
        "reject_without_reason": post(lambda w: f"/events/{w.provisional_event}/reject", {}),
        "write_without_idempotency_key": submit(lambda w: move_in(w), key=None),
    },
    "huge_integers": {
        "existing_household_1e30": submit(lambda w: move_in(w, household={"existing_id": HUGE})),
        "existing_household_2e63": submit(lambda w: move_in(w, household={"existing_id": BIGINT_OVER})),
        "address_id_2e63": submit(lambda w: move_in(w, household={"new": {"address_id": BIGINT_OVER, "banchi": "1"}})),
        "death_person_1e30": submit(lambda w: event("death", {"person_id": HUGE})),
        "death_person_2e63": submit(lambda w: event("death", {"person_id": BIGINT_OVER})),
        "person_id_zero": submit(lambda w: event("death", {"person_id": 0})),
        "person_id_negative": submit(lambda w: event("death", {"person_id": -1})),
        "person_ids_1e30": submit(lambda w: event("move_out_abroad", {"person_ids": [HUGE], "destination": "英国"})),
        "relationships_key_1e30": submit(lambda w: event("death", {"person_id": w.wife, "relationships": {str(HUGE): "子"}})),
        "household_merge_2e63": submit(lambda w: event("household_merge", {"from_household_id": w.household,
                                                                            "to_household_id": BIGINT_OVER})),
        "cancellation_target_1e30": submit(lambda w: event("cancellation", {"target_event_id": HUGE})),
        "correction_entity_2e63": submit(lambda w: event("correction", {"target_event_id": w.approved_event, "changes": [
            {"entity": "person", "entity_id": BIGINT_OVER, "field": "given_name", "value": "x"}]})),
        "correction_value_id_1e30": submit(lambda w: event("correction", {"target_event_id": w.approved_event, "changes": [
            {"entity": "household", "entity_id": w.household, "field": "address_id", "value": HUGE}]})),
        "person_correction_2e63": submit(lambda w: event("ex_officio_correction", {"person_id": BIGINT_OVER,
                                                                                   "changes": {"given_name": "x"}})),
        "approve_batch_1e30": post("/events/approve", {"event_ids": [HUGE]}),
        "approve_batch_2e63": post("/events/approve", {"event_ids": [BIGINT_OVER]}),
        "path_person": get(f"/persons/{HUGE_TEXT}"),
        "path_person_2e63": get(f"/persons/{BIGINT_OVER}"),
        "path_person_not_a_number": get("/persons/abc"),
        "path_household_1e30": get(f"/households/{HUGE}"),
        "path_approve_1e30": post(f"/events/{HUGE}/approve"),
        "path_approve_2e63": post(f"/events/{BIGINT_OVER}/approve"),
        "path_reject_1e30": post(f"/events/{HUGE}/reject", {"reason": "書類不備"}),
        "query_search_page_1e30": get(f"/persons?name={FAMILY}&page={HUGE}"),
        "query_events_page_1e30": get(f"/events?page={HUGE}"),
        "query_person_as_of_garbage": get(lambda w: f"/persons/{w.head}?as_of=99999-99-99"),
        "query_events_unknown_status": get("/events?status=nonsense"),
    },
    "unknown_kinds": {
        "unknown_kind": submit(lambda w: event("no_such_kind", {"person_id": w.head})),
        "kind_is_a_number": submit(lambda w: event(1, {"person_id": w.head})),  # type: ignore[arg-type]
        "kind_is_null": submit(lambda w: event(None, {"person_id": w.head})),  # type: ignore[arg-type]
        "kind_of_another_shape": submit(lambda w: event("death", move_in(w)["request"])),
        "unknown_top_level_item": submit(lambda w: {**move_in(w), "approve_now": True}),
        "unknown_request_item": submit(lambda w: move_in(w, approved_by=1)),
    },
    "over_long_strings": {
        "family_name_101": submit(lambda w: move_in(w, persons=[person(family_name="長" * (NAME_LIMIT + 1))])),
        "previous_address_5000": submit(lambda w: move_in(w, previous_address="長" * 5000)),
        "banchi_5000": submit(lambda w: move_in(w, household={"new": {"address_id": w.address_id, "banchi": "1" * 5000}})),
        "reject_reason_1001": post(lambda w: f"/events/{w.provisional_event}/reject", {"reason": "理" * 1001}),
        "idempotency_key_81": submit(lambda w: move_in(w), key="k" * 81),
        "correction_value_5000": submit(lambda w: event("correction", {"target_event_id": w.approved_event, "changes": [
            {"entity": "person", "entity_id": w.head, "field": "given_name", "value": "長" * 5000}]})),
    },
    "not_json_objects": {
        "not_json": submit(lambda w: "this is not json", raw=True),
        "truncated_json": submit(lambda w: '{"kind": "move_in", ', raw=True),
        "invalid_utf8": submit(lambda w: b'{"kind": "\xff\xfe"}', raw=True),
        "form_encoded": submit(lambda w: "kind=move_in&effective_date=2024-02-01", raw=True,
                               content_type="application/x-www-form-urlencoded"),
        "text_plain": submit(lambda w: "kind=move_in", raw=True, content_type="text/plain"),
        "empty_body": submit(lambda w: "", raw=True),
        "json_array": submit(lambda w: [move_in(w)]),
        "json_empty_array": submit(lambda w: []),
        "json_string": submit(lambda w: "move_in"),
        "json_number": submit(lambda w: 1),
        "json_null": submit(lambda w: None, raw=True, text="null"),
        "approve_batch_array": post("/events/approve", lambda w: [w.provisional_event]),
        "reject_not_json": post(lambda w: f"/events/{w.provisional_event}/reject", "reason", raw=True),
    },
}


def _api_params() -> list[Any]:
    return [pytest.param(family, name, case, id=f"{family}/{name}")
            for family, cases in API_CASES.items() for name, case in cases.items()]


def _api_request(client: Client, method: str, path: str, body: Any, opts: dict[str, Any]) -> Any:
    key = opts.get("key", "malformed-1")
    headers = {"Idempotency-Key": key} if key is not None else {}
    if method == "get":
        return client.get(API + path)
    content_type = opts.get("content_type", "application/json")
    if "text" in opts:
        data: Any = opts["text"]
    elif opts.get("raw"):
        data = body
    else:
        import json

        data = json.dumps(body, ensure_ascii=False)  # lists, strings, numbers as JSON too
    return client.generic("POST", API + path, data or b"", content_type=content_type, headers=headers)


def _assert_envelope(resp: Any, what: str) -> list[dict[str, Any]]:
    assert resp["Content-Type"].startswith("application/json"), f"{what}: {resp['Content-Type']}"
    data = resp.json()
    assert isinstance(data, dict) and set(data) <= {"errors", "warnings"} and "errors" in data, f"{what}: {data}"
    errors = data["errors"]
    assert isinstance(errors, list) and errors, f"{what}: {data}"
    for e in errors:
        assert set(e) == {"rule", "field", "message"}, f"{what}: {e}"
        assert all(isinstance(e[k], str) for k in e) and e["rule"], f"{what}: {e}"
        assert JAPANESE.search(e["message"]), f"{what}: message not in Japanese: {e['message']!r}"
    return errors


@pytest.mark.django_db
@pytest.mark.parametrize(("family", "name", "case"), _api_params())
def test_api_refuses_malformed_input(family: str, name: str, case: Case, world: World) -> None:
    before = _counts(world)
    method, path, body, opts = case(world)
    who = "approver" if "/approve" in path or "/reject" in path or path.startswith("/events?") else "clerk"
    resp = _api_request(world.client(who), method, path, body, opts)
    what = f"{family}/{name}: {method.upper()} {path} -> {resp.status_code}"
    assert 400 <= resp.status_code < 500, f"{what} {_body(resp)[:500]}"
    assert resp.status_code not in (401, 403), f"{what}: refused by the guard, so the input was never tried"
    errors = _assert_envelope(resp, what)
    assert FAMILY not in _body(resp)
    assert _counts(world) == before, f"{what}: something was written"
    if name == "family_name_101":
        (e,) = errors
        assert e["rule"] == "too_long" and e["field"] == "request.persons.0.family_name", e
        assert "氏" in e["message"] and f"{NAME_LIMIT}文字" in e["message"], e


# ---- the web forms and screens -----------------------------------------------------------------
# A web case: (who, method, path, data); the answer must be 4xx, or — only where marked — the
# screen with the bad optional value left out ("ignored").

FORM = "/registry/events/new/{kind}/"


def form_post(kind: str, data: Callable[[W], dict[str, Any]] | dict[str, Any]) -> Callable[[W], Any]:
    return lambda w: ("clerk", "post", FORM.format(kind=kind), data(w) if callable(data) else data)


def move_in_form(w: W, **extra: Any) -> dict[str, Any]:
    data = {"effective_date": "2024-04-01", "reported_date": "2024-04-02", "previous_address": "東京都千代田区1番",
            "address_id": str(w.address_id), "banchi": "3番地4", "rows": "1",
            "persons-1-family_name": "渡邉", "persons-1-given_name": "一郎", "persons-1-birth_date": "1980-05-01",
            "persons-1-sex": "1", "persons-1-relationship": "世帯主", "persons-1-resident_type": "japanese"}
    for k, v in extra.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    return data


def hh_form(w: W, **extra: Any) -> dict[str, Any]:
    return {"household": str(w.household), "effective_date": "2024-04-01", **extra}


WEB_CASES: dict[str, dict[str, Callable[[W], Any]]] = {
    "nested_types": {
        "address_id_is_text": form_post("move_in", lambda w: move_in_form(w, address_id="abc")),
        "existing_household_is_text": form_post("move_in", lambda w: move_in_form(w, existing_household_id="abc")),
        "household_is_text": form_post("death", lambda w: hh_form(w, household="abc", person_id=str(w.wife))),
        "person_id_is_text": form_post("death", lambda w: hh_form(w, person_id="abc")),
        "person_ids_are_text": form_post("move_out_abroad", lambda w: hh_form(w, person_ids=["x", "y"], destination="英国")),
        "move_within_address_is_text": form_post("move_within", lambda w: hh_form(
            w, person_ids=[str(w.head)], address_id="abc", banchi="1")),
        "correction_change_without_entity": form_post("correction", lambda w: {
            "effective_date": "2024-04-01", "target_event_id": str(w.approved_event),
            "change-1-field": "given_name", "change-1-value": "健"}),
        "correction_field_unknown": form_post("correction", lambda w: {
            "effective_date": "2024-04-01", "target_event_id": str(w.approved_event),
            "change-1-field": "nonsense", "change-1-entity_id": str(w.head), "change-1-value": "x"}),
        "birth_date_is_text": form_post("move_in", lambda w: move_in_form(w, **{"persons-1-birth_date": "abc"})),
        "rows_is_text": form_post("move_in", lambda w: move_in_form(w, rows="abc", **{"persons-1-family_name": ""})),
    },
    "missing_keys": {
        "empty_post_move_in": form_post("move_in", {}),
        "empty_post_correction": form_post("correction", {}),
        "empty_post_name_change": form_post("name_change", {}),
        "missing_effective_date": form_post("move_in", lambda w: move_in_form(w, effective_date=None)),
        "missing_persons": form_post("move_in", lambda w: move_in_form(
            w, **{k: None for k in move_in_form(w) if k.startswith("persons-")})),
        "missing_household_of_death": form_post("death", lambda w: {"effective_date": "2024-04-01",
                                                                    "person_id": str(w.wife)}),
        "json_body_to_a_form": lambda w: ("clerk", "json", FORM.format(kind="move_in"), {"kind": "move_in"}),
        "reject_without_reason": lambda w: ("approver", "post", f"/registry/approvals/{w.provisional_event}/reject/", {}),
        "support_without_anything": lambda w: ("all", "post", "/registry/support/", {}),
    },
    "huge_integers": {
        "address_id_20_digits": form_post("move_in", lambda w: move_in_form(w, address_id=HUGE_TEXT)),
        "address_id_2e63": form_post("move_in", lambda w: move_in_form(w, address_id=str(BIGINT_OVER))),
        "existing_household_1e30": form_post("move_in", lambda w: move_in_form(w, existing_household_id=str(HUGE))),
        "death_person_1e30": form_post("death", lambda w: hh_form(w, person_id=str(HUGE))),
        "death_person_2e63": form_post("death", lambda w: hh_form(w, person_id=str(BIGINT_OVER))),
        "household_1e30": form_post("death", lambda w: hh_form(w, household=str(HUGE), person_id=str(w.wife))),
        "person_ids_2e63": form_post("move_out_abroad", lambda w: hh_form(w, person_ids=[str(BIGINT_OVER)],
                                                                          destination="英国")),
        "merge_target_1e30": form_post("household_merge", lambda w: hh_form(w, to_household_id=str(HUGE))),
        "cancellation_target_1e30": form_post("cancellation", lambda w: {"effective_date": "2024-04-01",
                                                                         "target_event_id": str(HUGE)}),
        "correction_entity_2e63": form_post("correction", lambda w: {
            "effective_date": "2024-04-01", "target_event_id": str(w.approved_event),
            "change-1-field": "given_name", "change-1-entity_id": str(BIGINT_OVER), "change-1-value": "健"}),
        "correction_address_value_1e30": form_post("correction", lambda w: {
            "effective_date": "2024-04-01", "target_event_id": str(w.approved_event),
            "change-1-field": "address_id", "change-1-entity_id": str(w.household), "change-1-value": str(HUGE)}),
        "person_correction_2e63": form_post("ex_officio_correction", lambda w: {
            "effective_date": "2024-04-01", "person_id": str(BIGINT_OVER),
            "change-1-field": "given_name", "change-1-value": "健"}),
        "rows_1e30": form_post("move_in", lambda w: move_in_form(w, rows=str(HUGE), **{"persons-1-family_name": ""})),
        "support_person_1e30": lambda w: ("all", "post", "/registry/support/", {
            "person_id": str(HUGE), "start_date": "2024-04-01", "reason": "DV", "months": "12"}),
        "support_months_1e30": lambda w: ("all", "post", "/registry/support/", {
            "person_id": str(w.head), "start_date": "2024-04-01", "reason": "DV", "months": str(HUGE)}),
        "path_person": lambda w: ("clerk", "get", f"/registry/persons/{HUGE_TEXT}/", None),
        "path_person_2e63": lambda w: ("clerk", "get", f"/registry/persons/{BIGINT_OVER}/", None),
        "path_household_1e30": lambda w: ("clerk", "get", f"/registry/households/{HUGE}/", None),
        "path_my_number_1e30": lambda w: ("all", "post", f"/registry/persons/{HUGE}/my-number/", {}),
        "path_approve_1e30": lambda w: ("approver", "post", f"/registry/approvals/{HUGE}/approve/", {}),
        "path_reject_2e63": lambda w: ("approver", "post", f"/registry/approvals/{BIGINT_OVER}/reject/", {"reason": "x"}),
        "path_support_extend_1e30": lambda w: ("all", "post", f"/registry/support/{HUGE}/extend/", {}),
        "path_support_end_2e63": lambda w: ("all", "post", f"/registry/support/{BIGINT_OVER}/end/", {}),
        "query_form_household_1e30": lambda w: ("clerk", "get", f"/registry/events/new/death/?household={HUGE_TEXT}", None),
        "query_form_household_2e63": lambda w: ("clerk", "get", f"/registry/events/new/death/?household={BIGINT_OVER}", None),
    },
    "unknown_kinds": {
        "unknown_kind_get": lambda w: ("clerk", "get", FORM.format(kind="no_such_kind"), None),
        "unknown_kind_post": form_post("no_such_kind", lambda w: move_in_form(w)),
        "unknown_kind_row": lambda w: ("clerk", "get", "/registry/events/new/no_such_kind/row/", None),
        "row_of_a_kind_without_rows": lambda w: ("clerk", "get", "/registry/events/new/death/row/", None),
    },
    "over_long_strings": {
        "family_name_101": form_post("move_in", lambda w: move_in_form(
            w, **{"persons-1-family_name": "長" * (NAME_LIMIT + 1)})),
        "previous_address_5000": form_post("move_in", lambda w: move_in_form(w, previous_address="長" * 5000)),
        "banchi_5000": form_post("move_in", lambda w: move_in_form(w, banchi="1" * 5000)),
        "name_change_family_101": form_post("name_change", lambda w: {
            "effective_date": "2024-04-01", "person_id": str(w.head), "family_name": "長" * (NAME_LIMIT + 1)}),
        "destination_5000": form_post("move_out_abroad", lambda w: hh_form(w, person_ids=[str(w.head), str(w.wife)],
                                                                          destination="長" * 5000)),
        "relationship_5000": form_post("death", lambda w: hh_form(w, person_id=str(w.wife),
                                                                  **{f"rel-{w.head}": "長" * 5000})),
        "reject_reason_5000": lambda w: ("approver", "post", f"/registry/approvals/{w.provisional_event}/reject/",
                                         {"reason": "理" * 5000}),
    },
}

# GET screens whose optional filter is out of range: the value is left out (never a database
# error), so the screen answers 200 without showing anything the filter did not ask for.
IGNORED: dict[str, Callable[[W], Any]] = {
    "menu_household_1e30": lambda w: ("clerk", "get", f"/registry/events/new/?household={HUGE_TEXT}", None),
    "search_address_id_1e30": lambda w: ("clerk", "get", f"/registry/?address_id={HUGE_TEXT}", None),
    "search_address_id_2e63": lambda w: ("clerk", "get", f"/registry/?address_id={BIGINT_OVER}", None),
    "search_page_1e30": lambda w: ("clerk", "get", f"/registry/?name=該当なし&page={HUGE}", None),
    "approvals_page_1e30": lambda w: ("approver", "get", f"/registry/approvals/?page={HUGE}&kind=nonsense", None),
    "row_index_1e30": lambda w: ("clerk", "get", f"/registry/events/new/move_in/row/?index={HUGE}", None),
    "support_person_1e30": lambda w: ("all", "get", f"/registry/support/?person_id={HUGE}", None),
    "audit_page_1e30": lambda w: ("all", "get", f"/audit/?page={HUGE}&subject_id=1", None),
    "form_prefill_1e30": lambda w: ("clerk", "get", f"/registry/events/new/name_change/?person_id={HUGE}", None),
}


def _web_params() -> list[Any]:
    return [pytest.param(family, name, case, id=f"web/{family}/{name}")
            for family, cases in WEB_CASES.items() for name, case in cases.items()]


def _web_request(world: World, case: Callable[[W], Any]) -> tuple[str, str, Any]:
    who, method, path, data = case(world)
    client = world.client(who)
    if method == "get":
        resp = client.get(path)
    elif method == "json":
        import json

        resp = client.post(path, json.dumps(data), content_type="application/json")
    else:
        resp = client.post(path, data or {})
    return f"{method.upper()} {path}", resp, who


@pytest.mark.django_db
@pytest.mark.parametrize(("family", "name", "case"), _web_params())
def test_web_refuses_malformed_input(family: str, name: str, case: Callable[[W], Any], world: World) -> None:
    before = _counts(world)
    where, resp, _ = _web_request(world, case)
    what = f"{family}/{name}: {where} -> {resp.status_code}"
    assert 400 <= resp.status_code < 500, what
    assert resp.status_code not in (401, 403), f"{what}: refused by the guard, so the input was never tried"
    body = _body(resp)
    assert JAPANESE.search(body), f"{what}: no Japanese page"
    if resp.status_code == 400 and "/registry/events/new/" in where:
        assert 'class="error-summary"' in body, f"{what}: the form shows no error"
    assert _counts(world) == before, f"{what}: something was written"
    if name in ("family_name_101", "name_change_family_101"):
        assert f"氏は{NAME_LIMIT}文字以内で入力してください" in body, f"{what}: no message naming 氏 and {NAME_LIMIT}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(IGNORED), ids=[f"web/ignored_filters/{n}" for n in sorted(IGNORED)])
def test_web_screens_leave_out_an_out_of_range_filter(name: str, world: World) -> None:
    before = _counts(world)
    where, resp, _ = _web_request(world, IGNORED[name])
    what = f"{name}: {where} -> {resp.status_code}"
    assert resp.status_code == 200, what
    body = _body(resp)
    for value in (HUGE_TEXT, str(HUGE), str(BIGINT_OVER)):
        assert value not in body, f"{what}: the out-of-range value was carried on instead of left out"
    if name.startswith("search_"):
        assert FAMILY not in body, f"{what}: a dropped filter must not widen the search to everyone"
    assert _counts(world) == before, f"{what}: something was written"


def test_every_family_is_fed_to_both_entry_points() -> None:
    families = {"nested_types", "missing_keys", "huge_integers", "unknown_kinds", "over_long_strings"}
    assert families <= set(API_CASES) and families <= set(WEB_CASES)
    assert "not_json_objects" in API_CASES
    assert MAX_ID == 2**63 - 1 and BIGINT_OVER > MAX_ID and HUGE > MAX_ID
