"""[1380]#7 事務分掌 on certificates: the items a staff member may print follow their rights
(本籍・住民票コード・在留資格等 as on screen, 個人番号 its own right), per staff member; tried on the
写し, the 記載事項証明書 and the counter screen, from the protected side and from another municipality."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client

from jichitai.accounts.models import DisplayRestriction, RoleGrant, Staff
from jichitai.certificates.issuance import IssuanceRefused, Requester, issue
from jichitai.certificates.issuance import messages as msg
from jichitai.certificates.issuance.duties import MESSAGE
from jichitai.certificates.issuance.fake import fake_renderer
from jichitai.certificates.models import Issuance
from jichitai.registry import support
from jichitai.tenancy.context import activate
from tests.web_registry.conftest import login

from .conftest import family, issue_for, officer, request

pytestmark = pytest.mark.django_db


def _restricted(office: Any, name: str, *withheld: str) -> Staff:
    staff = Staff.objects.create(
        username=f"{name}-{office.municipality.pk}", display_name="窓口 分掌"
    )
    RoleGrant.objects.create(staff=staff, municipality=office.municipality, role="clerk")
    for cap in withheld:
        DisplayRestriction.objects.create(
            staff=staff, municipality=office.municipality, capability=cap
        )
    return staff


def _refused(office: Any, subjects: list[int], staff: Any, **kw: Any) -> list[str]:
    before = Issuance.objects.count()
    with pytest.raises(IssuanceRefused) as exc:
        issue_for(office, subjects, staff=staff, **kw)
    assert Issuance.objects.count() == before  # nothing numbered, nothing issued
    return exc.value.messages


@pytest.mark.std("1380#7")
def test_items_follow_the_staff_members_rights(office: Any, office_b: Any) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        no_honseki = _restricted(office, "nohonseki", "registry.show_honseki")
        no_number = _restricted(office, "nonumber", "certificates.my_number")
        assert _refused(office, [head.pk], no_honseki, honseki=True) == [
            MESSAGE.format(items="本籍・筆頭者")
        ]
        issue_for(
            office, [head.pk], staff=no_honseki, my_number=True, resident_code=True
        )  # the rest stays
        assert _refused(office, [head.pk], no_number, my_number=True) == [
            MESSAGE.format(items="個人番号")
        ]
        issue_for(office, [head.pk], staff=no_number, honseki=True)
        both = _restricted(
            office, "both", "registry.show_resident_code", "registry.show_residence_status"
        )
        assert _refused(office, [head.pk], both, resident_code=True, foreign_items=True) == [
            MESSAGE.format(items="住民票コード、国籍・地域、在留資格等")
        ]
        # 記載事項証明書: the items chosen by name are held to the same rights
        kisai = replace(request([head.pk], kind="kisai"), params={"items": "住所,本籍・筆頭者"})
        with pytest.raises(IssuanceRefused, match="事務分掌"):
            issue(kisai, staff=no_honseki, renderer=fake_renderer)
        issue(
            replace(kisai, params={"items": "住所,個人番号"}),
            staff=no_honseki,
            renderer=fake_renderer,
        )
        assert Issuance.objects.filter(staff=office.clerk).count() == 0
    with activate(
        office_b.ctx()
    ):  # A's restriction is A's; in B the person of A is not found at all
        RoleGrant.objects.create(staff=no_honseki, municipality=office_b.municipality, role="clerk")
        b_head, _, _ = family(office_b)
        issue_for(office_b, [b_head.pk], staff=no_honseki, honseki=True)
        with pytest.raises(IssuanceRefused) as exc:
            issue_for(office_b, [head.pk], staff=no_honseki, honseki=True)
        assert exc.value.messages == [msg.NOT_FOUND]


@pytest.mark.std("1380#7")
def test_a_protected_person_reads_not_found_before_any_duty_rule(office: Any) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        support.start_measure(
            wife.pk, start=dt.date(2026, 4, 1), reason="DV", against=[], staff=officer(office)
        )
        restricted = _restricted(office, "nohonseki", "registry.show_honseki")
        self_req = Requester("self", person_id=wife.pk)
        # the duty rule would refuse 本籍, but the protected person is "not found" first: nothing revealed
        assert _refused(office, [wife.pk], restricted, honseki=True, requester=self_req) == [
            msg.NOT_FOUND
        ]
        assert _refused(office, [head.pk], restricted, honseki=True) == [
            MESSAGE.format(items="本籍・筆頭者")
        ]


@pytest.mark.std("1380#7")
def test_the_counter_screen_says_which_item_the_clerk_may_not_print(office: Any) -> None:
    from tests.web_certificates.test_counter_screen import _form

    with activate(office.ctx()):
        head, _, _ = family(office)
        staff = _restricted(office, "counter", "certificates.my_number")
    client = login(Client(), staff, office.municipality)
    refused = client.post("/certificates/issue/", _form([head.pk], my_number="1"))
    assert refused.status_code == 400 and "個人番号" in refused.content.decode()
    assert "事務分掌" in refused.content.decode()
    assert client.post("/certificates/issue/", _form([head.pk])).status_code == 200
