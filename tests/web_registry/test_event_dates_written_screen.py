"""[80]#1 on the screens and the API: a 出生・死亡's 異動日 typed as a 不詳日 is kept as written and shown
so (approval queue, person page, history), with its internal date as the 異動日."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.models import RegistryEvent
from jichitai.tenancy.context import activate
from tests.registry.conftest import people, resident_code
from tests.web_registry.test_views import _family, html

pytestmark = pytest.mark.django_db


@pytest.mark.std("80#1")
def test_the_birth_form_takes_an_unknown_day_and_the_screens_show_it_as_written(office, staff_client) -> None:
    head, _, _ = _family(office)
    clerk = staff_client("clerk")
    form = html(clerk.get("/registry/events/new/birth/", {"household": head.household_id}))
    assert "令和6年5月頃" in form  # the help says a 不詳 day may be typed
    resp = clerk.post("/registry/events/new/birth/", {
        "household": str(head.household_id), "effective_date": "令和4年2月頃",
        "person-family_name": "髙橋", "person-given_name": "次郎", "person-given_name_kana": "ジロウ",
        "person-sex": "1", "person-relationship": "子", "person-honseki": "なし",
        "person-resident_code": resident_code()})
    assert resp.status_code == 302, html(resp)[:2000]
    with activate(office.ctx()):
        event = RegistryEvent.objects.filter(kind="birth", status="provisional").latest("pk")
    assert (event.effective_date, event.effective_date_text) == (dt.date(2022, 2, 1), "令和4年2月頃")
    assert "異動日 令和4年2月頃" in html(staff_client("approver").get("/registry/approvals/"))
    staff_client("approver").post(f"/registry/approvals/{event.pk}/approve/")
    with activate(office.ctx()):
        (child,) = people(given_name="次郎")
    page = html(clerk.get(f"/registry/persons/{child.pk}/"))
    assert "令和4年2月頃" in page and "令和4年2月1日" not in page  # no みなし date anywhere ([80]#4)
    api = clerk.get(f"/api/v1/persons/{child.pk}").json()
    assert api["record"]["birth_date_text"] == "令和4年2月頃"
    assert [h["effective_date_text"] for h in api["history"]] == ["令和4年2月頃"]


@pytest.mark.std("80#1")
def test_the_api_takes_a_death_date_as_written_and_refuses_it_for_other_kinds(office, staff_client) -> None:
    _, wife, child = _family(office)
    clerk = staff_client("clerk")
    body = {"kind": "death", "effective_date": "2023-01-01", "reported_date": "2023-03-01",
            "request": {"person_id": child.pk, "effective_date_text": "令和5年頃"}}
    resp = clerk.post("/api/v1/events", body, content_type="application/json", headers={"Idempotency-Key": "d-1"})
    assert resp.status_code == 201, resp.content
    assert resp.json()["effective_date_text"] == "令和5年頃"
    body = {"kind": "name_change", "effective_date": "2023-01-01", "reported_date": "2023-03-01",
            "request": {"person_id": wife.pk, "family_name": "青木", "effective_date_text": "令和5年頃"}}
    resp = clerk.post("/api/v1/events", body, content_type="application/json", headers={"Idempotency-Key": "n-1"})
    assert resp.status_code == 422 and "effective_date_text" in resp.content.decode()
