"""[1420]#6: at issuance, the items that exceed the form's print width are output as a list — the
answer of the issuance (counter and API) names the 文字超過リスト of that issuance, which lists them
(screen and CSV to print); an issuance without overflow names none. Another municipality and a
protected person's lines are never on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from jichitai.certificates.models import Issuance, OverflowEntry
from jichitai.registry import support
from jichitai.tenancy.context import activate
from tests.certificates.conftest import family, household_from

from .conftest import login, officer
from .test_overflow_screen import LONG, _form

pytestmark = pytest.mark.django_db
HEADER = "X-Jichitai-Overflow-List"


@pytest.mark.std("1420#6")
def test_the_issuance_names_its_overflow_list_and_the_list_holds_the_full_text(
    office, office_b, staff_client
) -> None:
    with activate(office.ctx()):
        short_head, _, _ = family(office)
        head = next(p for p in household_from(office, LONG) if p.birth_date == dt.date(1970, 5, 1))
    client = staff_client("clerk")
    plain = client.post("/certificates/issue/", _form(short_head.pk))
    assert plain.status_code == 200 and HEADER not in plain  # nothing overflowed: no list
    issued = client.post("/certificates/issue/", _form(head.pk, overflow_confirmed="1"))
    assert issued.status_code == 200
    link = issued[HEADER]
    with activate(office.ctx()):
        history = Issuance.objects.latest("pk")
    assert link == f"/certificates/overflow/?issuance={history.pk}&format=csv"
    body = client.get(link).content.decode("utf-8")
    assert body.startswith("\ufeff記録日,区分") and LONG in body and history.numbers[0] in body
    assert body.count("\r\n") == 2  # the header and this issuance's one line only
    page = client.get(f"/certificates/overflow/?issuance={history.pk}").content.decode()
    assert "この発行" in page and LONG in page
    api = client.post(
        "/api/v1/certificates",
        {
            "kind": "juminhyo",
            "subject_ids": [head.pk],
            "overflow_confirmed": True,
            "requester": {"kind": "self", "person_id": head.pk},
        },
        content_type="application/json",
        headers={"Idempotency-Key": "ov-1"},
    )
    assert api.status_code == 200 and api[HEADER].startswith("/certificates/overflow/?issuance=")
    # another municipality's clerk asking for A's issuance gets an empty list
    client_b = login(Client(), office_b.clerk, office_b.municipality)
    other = client_b.get(link).content.decode("utf-8")
    assert LONG not in other and other.count("\r\n") == 1


@pytest.mark.std("1420#6")
def test_a_protected_persons_overflow_is_listed_only_for_need_to_know(office, staff_client) -> None:
    with activate(office.ctx()):
        head, wife = household_from(office, LONG)
        staff = officer(office)
    officer_client = login(Client(), staff, office.municipality)
    issued = officer_client.post("/certificates/issue/", _form(head.pk, overflow_confirmed="1"))
    link = issued[HEADER]
    with activate(office.ctx()):
        support.start_measure(
            wife.pk,
            start=dt.date(2024, 1, 1),
            reason="DV",
            against=[{"person_id": head.pk}],
            staff=staff,
        )
        OverflowEntry.objects.filter(issuance__isnull=False).update(person_id=wife.pk)
    assert LONG not in staff_client("clerk").get(link).content.decode("utf-8")
    assert LONG in officer_client.get(link).content.decode("utf-8")
