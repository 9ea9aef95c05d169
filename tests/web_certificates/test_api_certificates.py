"""POST /api/v1/certificates: the PDF bound to the request's Idempotency-Key, refusals as JSON in
Japanese (404 not found / protected / another municipality alike, 403 requester rules), no reuse
of a key (a reprint is a new request and a new number)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client

from jichitai.certificates.issuance import messages as msg
from jichitai.certificates.models import Issuance
from jichitai.registry import support
from jichitai.tenancy.context import activate

from .conftest import family, login, officer

pytestmark = pytest.mark.django_db
URL = "/api/v1/certificates"


def _body(subjects: list[int], **requester: Any) -> dict[str, Any]:
    return {
        "kind": "juminhyo",
        "subject_ids": subjects,
        "requester": requester or {"kind": "self", "person_id": subjects[0]},
        "station": {"terminal": "API1", "printer": "P1"},
    }


def _post(client: Client, body: dict[str, Any], key: str = "k-1") -> Any:
    return client.post(URL, body, content_type="application/json", headers={"Idempotency-Key": key})


def test_issue_returns_the_pdf_bound_to_the_key(office, staff_client) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
    client = staff_client("clerk")
    response = _post(client, _body([head.pk]), "req-0001")
    assert response.status_code == 200, response.content[:400]
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"]
    with activate(office.ctx()):
        row = Issuance.objects.get()
    assert row.request_id.startswith("api:") and row.request_id.endswith(":req-0001")
    assert row.numbers[0].replace(" ", "_") in unquote(response["Content-Disposition"])
    replay = _post(client, _body([head.pk]), "req-0001")
    assert replay.status_code == 409
    assert replay.json()["errors"][0]["rule"] == "already_issued"
    again = _post(client, _body([head.pk]), "req-0002")  # a reprint: a new request, a new number
    assert again.status_code == 200
    with activate(office.ctx()):
        numbers = [n for r in Issuance.objects.order_by("pk") for n in r.numbers]
    assert len(set(numbers)) == 2
    long_key = _post(client, _body([head.pk]), "k" * 80)  # longer than the 請求ID column
    assert long_key.status_code == 200
    assert _post(client, _body([head.pk]), "k" * 80).status_code == 409


def test_refusals_are_json_in_japanese(office, staff_client) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
    client = staff_client("clerk")
    third = _post(client, _body([head.pk], kind="third_party", name="債権 太郎"), "r1")
    assert third.status_code == 403
    assert third.json()["errors"][0]["message"] == msg.PURPOSE
    joshu = _post(client, {**_body([head.pk]), "kind": "joshu"}, "r2")
    assert joshu.status_code == 403 and joshu.json()["errors"][0]["message"] == msg.NOT_REMOVED
    unknown = _post(client, _body([999_999]), "r3")
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["message"] == msg.NOT_FOUND
    bad_kind = _post(client, {**_body([head.pk]), "kind": "x"}, "r4")
    assert bad_kind.status_code == 422 and bad_kind.json()["errors"][0]["message"] == msg.KIND
    assert _post(client, {"kind": "juminhyo"}, "r5").status_code == 422
    assert _post(client, _body([head.pk]), "").status_code in (400, 422)
    huge = _post(client, _body([10**30]), "r6")
    assert huge.status_code in (404, 422)
    with activate(office.ctx()):
        assert not Issuance.objects.exists()


def test_protected_person_reads_as_not_found(office, staff_client) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        support.start_measure(
            wife.pk,
            start=dt.date(2024, 1, 1),
            reason="DV",
            against=[{"person_id": head.pk}],
            staff=officer(office),
        )
    client = staff_client("clerk")
    hidden = _post(client, _body([wife.pk]), "p1")
    unknown = _post(client, _body([999_999]), "p2")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()


def test_another_municipality_and_no_right(office, office_b, staff_client) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
    client_b = login(Client(), office_b.clerk, office_b.municipality)
    response = _post(client_b, _body([head.pk]), "b1")
    assert response.status_code == 404 and head.given_name not in response.content.decode()
    reader = staff_client(roles=["support_inquiry"])
    assert _post(reader, _body([head.pk]), "b2").status_code == 403
    with activate(office.ctx()):
        assert not Issuance.objects.exists()
