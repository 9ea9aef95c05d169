"""文字超過リスト ([1070]#2) on screen and as CSV; the counter's 文字溢れ alert and its confirmation; an
undrawable character refused with a Japanese message and listed; another municipality and a
protected person never shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from jichitai.certificates.models import Issuance, OverflowEntry
from jichitai.registry import support
from jichitai.registry.models import Person
from jichitai.tenancy.context import activate
from tests.certificates.conftest import household_from

from .conftest import login, officer

pytestmark = pytest.mark.django_db
LONG = "東京都千代田区千代田一丁目1番1号" * 15


def _household(office: Any, previous: str = LONG) -> list[Any]:
    return household_from(office, previous)


def _entry(office: Any, person: Any) -> Any:
    return OverflowEntry.objects.create(
        kind="overflow",
        staff=office.clerk,
        certificate_kind="juminhyo",
        person_id=person.pk,
        item="転入前住所",
        text=LONG,
    )


def _form(pid: int, **extra: str) -> dict[str, str]:
    return {
        "subject_ids": str(pid),
        "kind": "juminhyo",
        "form": "household",
        "requester_kind": "self",
        "requester_person_id": str(pid),
        "copies": "1",
        **extra,
    }


@pytest.mark.std("1070#2")
def test_the_counter_alerts_then_issues_with_the_annex_and_the_list_shows_it(
    office, staff_client
) -> None:
    with activate(office.ctx()):
        head, _ = _household(office)
    client = staff_client("clerk")
    alert = client.post("/certificates/issue/", _form(head.pk))
    assert (
        alert.status_code == 400
        and "欄に収まらない事項があります（転入前住所）" in alert.content.decode()
    )
    assert "文字溢れを確認しました" in alert.content.decode()
    issued = client.post("/certificates/issue/", _form(head.pk, overflow_confirmed="1"))
    assert issued.status_code == 200 and issued["Content-Type"] in (
        "application/pdf",
        "application/zip",
    )
    page = client.get("/certificates/overflow/").content.decode()
    assert "文字超過リスト" in page and "文字溢れ" in page and "髙橋　一郎" in page and LONG in page
    with activate(office.ctx()):
        (number,) = Issuance.objects.get().numbers
        entry = OverflowEntry.objects.get()
    assert number in page
    csv = client.get("/certificates/overflow/?format=csv")
    body = csv.content.decode("utf-8")
    assert csv["Content-Type"].startswith("text/csv") and body.startswith("\ufeff記録日,区分")
    assert LONG in body and "住民票の写し" in body
    done = client.post(f"/certificates/overflow/{entry.pk}/check/")
    assert done.status_code == 302
    assert "確認済" in client.get("/certificates/overflow/").content.decode()
    assert LONG not in client.get("/certificates/overflow/?unchecked=1").content.decode()


@pytest.mark.std("1070#2")
def test_an_undrawable_name_is_refused_in_japanese_and_listed(office, staff_client) -> None:
    with activate(office.ctx()):
        head, _ = _household(office, "大阪府堺市1番")
        Person.objects.filter(pk=head.pk).update(given_name="一\ue000郎")
    client = staff_client("clerk")
    refused = client.post("/certificates/issue/", _form(head.pk))
    text = refused.content.decode()
    assert (
        refused.status_code == 400
        and "印字できない文字（U+E000）" in text
        and "文字超過リスト" in text
    )
    page = client.get("/certificates/overflow/").content.decode()
    assert "印字できない文字（外字）" in page and "U+E000" in page and "氏名" in page
    preview = client.post("/certificates/preview/", _form(head.pk))  # the 見本 lists it as well
    assert preview.status_code == 400 and "印字できない文字（U+E000）" in preview.content.decode()
    with activate(office.ctx()):
        assert not Issuance.objects.exists()
        assert OverflowEntry.objects.filter(kind="undrawable", person_id=head.pk).count() == 2


def test_another_municipality_sees_none_of_the_list_and_cannot_check_it(office, office_b) -> None:
    with activate(office.ctx()):
        head, _ = _household(office)
        entry = _entry(office, head)
    client_b = login(Client(), office_b.clerk, office_b.municipality)
    assert LONG not in client_b.get("/certificates/overflow/").content.decode()
    assert LONG not in client_b.get("/certificates/overflow/?format=csv").content.decode("utf-8")
    assert client_b.post(f"/certificates/overflow/{entry.pk}/check/").status_code == 404
    with activate(office.ctx()):
        assert OverflowEntry.objects.get(pk=entry.pk).checked_at is None


@pytest.mark.std("440#1")
def test_a_protected_persons_line_is_not_on_the_screen_without_need_to_know(
    office, staff_client
) -> None:
    with activate(office.ctx()):
        head, wife = _household(office)
        staff = officer(office)
        support.start_measure(
            wife.pk,
            start=dt.date(2024, 1, 1),
            reason="DV",
            against=[{"person_id": head.pk}],
            staff=staff,
        )
        _entry(office, wife)
    clerk = staff_client("clerk")
    assert "記録はありません。" in clerk.get("/certificates/overflow/").content.decode()
    for path in ("/certificates/overflow/", "/certificates/overflow/?format=csv"):
        body = clerk.get(path).content.decode("utf-8")
        assert LONG not in body and "髙橋　花子" not in body
    assert (
        LONG
        in login(Client(), staff, office.municipality)
        .get("/certificates/overflow/")
        .content.decode()
    )


@pytest.mark.std("1070#2")
def test_the_api_alerts_then_issues_when_the_overflow_is_confirmed(office, staff_client) -> None:
    with activate(office.ctx()):
        head, _ = _household(office)
    client = staff_client("clerk")
    body = {
        "kind": "juminhyo",
        "subject_ids": [head.pk],
        "requester": {"kind": "self", "person_id": head.pk},
    }

    def post(key: str, **extra: Any) -> Any:
        return client.post(
            "/api/v1/certificates",
            {**body, **extra},
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )

    alert = post("o-1")
    assert alert.status_code == 403 and alert.json()["errors"][0]["rule"] == "overflow"
    assert "転入前住所" in alert.json()["errors"][0]["message"]
    issued = post("o-2", overflow_confirmed=True)
    assert issued.status_code == 200 and issued.content.startswith(b"%PDF-")
    with activate(office.ctx()):
        (row,) = Issuance.objects.all()
        assert OverflowEntry.objects.get().number == row.numbers[0]
        assert row.pages == 2  # the 別紙 is a page of its own
