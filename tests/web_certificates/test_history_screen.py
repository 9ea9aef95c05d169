"""交付履歴照会 per person ([360]) and 処分 of a wrongly issued copy: 支援措置 and other municipality."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from jichitai.certificates.models import Issuance
from jichitai.registry import support
from jichitai.tenancy.context import activate
from tests.certificates.conftest import issue_for

from .conftest import family, login, officer

pytestmark = pytest.mark.django_db


@pytest.mark.std("360#1")
def test_history_lists_the_persons_issuances_and_records_a_disposal(office, staff_client) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        first = issue_for(office, [head.pk])
        issue_for(office, [wife.pk])
        number = first.copies[0].number
    client = staff_client("clerk")
    page = client.get(f"/certificates/person/{head.pk}/history/")
    body = page.content.decode()
    assert page.status_code == 200 and "交付履歴照会" in body
    assert number in body and body.count("住民票の写し") >= 1
    with activate(office.ctx()):
        wife_number = Issuance.objects.get(subjects__person_id=wife.pk).numbers[0]
    assert wife_number not in body  # only this person's issuances
    url = f"/certificates/issuance/{first.history_id}/dispose/"
    empty = client.post(url, {"person_id": head.pk, "reason": " "})
    assert empty.status_code == 400 and "処分の理由を入力してください。" in empty.content.decode()
    unconfirmed = client.post(url, {"person_id": head.pk, "reason": "対象者の取り違え"})
    assert unconfirmed.status_code == 400 and "確認欄にチェック" in unconfirmed.content.decode()
    done = client.post(url, {"person_id": head.pk, "reason": "対象者の取り違え", "confirm": "1"})
    assert done.status_code == 302
    with activate(office.ctx()):
        row = Issuance.objects.get(pk=first.history_id)
    assert row.disposed_at is not None and row.disposed_reason == "対象者の取り違え"
    assert "取消済" in client.get(f"/certificates/person/{head.pk}/history/").content.decode()
    # a row of another person cannot be disposed of through this person's history
    with activate(office.ctx()):
        wife_row = Issuance.objects.get(subjects__person_id=wife.pk)
    other = client.post(
        f"/certificates/issuance/{wife_row.pk}/dispose/", {"person_id": head.pk, "reason": "x"}
    )
    assert other.status_code == 404


def test_protected_persons_history_is_empty_to_staff_without_need_to_know(
    office, staff_client
) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        staff = officer(office)
        support.start_measure(
            wife.pk,
            start=dt.date(2024, 1, 1),
            reason="DV",
            against=[{"person_id": head.pk}],
            staff=staff,
        )
        issued = issue_for(office, [wife.pk], staff=staff)
    number = issued.copies[0].number
    clerk = staff_client("clerk")
    hidden = clerk.get(f"/certificates/person/{wife.pk}/history/")
    unknown = clerk.get("/certificates/person/999999/history/")
    assert hidden.status_code == unknown.status_code == 200
    assert number not in hidden.content.decode()
    assert "交付履歴はありません。" in hidden.content.decode()
    refused = clerk.post(
        f"/certificates/issuance/{issued.history_id}/dispose/",
        {"person_id": wife.pk, "reason": "x"},
    )
    assert refused.status_code == 404
    # the 支援措置担当 sees it
    seen = login(Client(), staff, office.municipality)
    assert number in seen.get(f"/certificates/person/{wife.pk}/history/").content.decode()


def test_another_municipality_cannot_see_or_dispose(office, office_b) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        issued = issue_for(office, [head.pk])
    number = issued.copies[0].number
    client_b = login(Client(), office_b.clerk, office_b.municipality)
    page = client_b.get(f"/certificates/person/{head.pk}/history/")
    assert page.status_code == 200 and number not in page.content.decode()
    gone = client_b.post(
        f"/certificates/issuance/{issued.history_id}/dispose/",
        {"person_id": head.pk, "reason": "x"},
    )
    assert gone.status_code == 404
    with activate(office.ctx()):
        assert Issuance.objects.get(pk=issued.history_id).disposed_at is None


@pytest.mark.std("360#1")
def test_the_persons_history_lists_the_resident_code_notices_printed_for_them(
    office, office_b, staff_client
) -> None:
    from jichitai.certificates.notices import print_notice
    from jichitai.registry.models import RegistryEvent

    with activate(office.ctx()):
        head, wife, _ = family(office)
        event = RegistryEvent.objects.filter(kind="move_in").latest("pk")
        print_notice("resident_code_notice", staff=office.clerk, event_id=event.pk, person_id=head.pk)
        staff = officer(office)
        support.start_measure(
            wife.pk, start=dt.date(2024, 1, 1), reason="DV", against=[{"person_id": head.pk}],
            staff=staff,
        )
        print_notice("resident_code_notice", staff=staff, event_id=event.pk, person_id=wife.pk)
    clerk = staff_client("clerk")
    page = clerk.get(f"/certificates/person/{head.pk}/history/").content.decode()
    assert page.count("住民票コード通知票") >= 2 and "通知票等の交付はありません。" not in page
    # the protected wife's notice is not shown to a clerk without need-to-know; her officer sees it
    hidden = clerk.get(f"/certificates/person/{wife.pk}/history/").content.decode()
    assert "通知票等の交付はありません。" in hidden
    seen = login(Client(), staff, office.municipality).get(f"/certificates/person/{wife.pk}/history/")
    assert "通知票等の交付はありません。" not in seen.content.decode()
    other = login(Client(), office_b.clerk, office_b.municipality)
    assert "通知票等の交付はありません。" in other.get(
        f"/certificates/person/{head.pk}/history/"
    ).content.decode()
