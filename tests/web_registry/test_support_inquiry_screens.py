"""[1380]#9 on the screens: a 支援対象者照会担当 sees the measures but no management form, and the
management routes refuse them; a plain clerk of another municipality sees nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import support
from jichitai.tenancy.context import activate

from .conftest import login
from .test_support_screens import family  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.mark.std("1380#9")
def test_inquiry_role_reads_the_measure_but_cannot_manage_it(
        office: Any, office_b: Any, family: dict[str, Any], staff_client: Any) -> None:  # noqa: F811
    with activate(office.ctx()):
        m = support.start_measure(family["wife"], start=dt.date(2026, 4, 1), reason="DV", against=[],
                                  staff=family["officer"])
    inquirer = staff_client(roles=["clerk", "support_inquiry"])
    listing = inquirer.get("/registry/support/").content.decode()
    assert f"/registry/support/{m.pk}/" in listing and "支援措置を開始する" not in listing
    detail = inquirer.get(f"/registry/support/{m.pk}/")
    assert detail.status_code == 200 and f"registry/support/{m.pk}/extend/" not in detail.content.decode()
    refused = inquirer.post("/registry/support/", {"person_id": str(family["son"]), "start_date": "2026-04-01",
                                                   "months": "12", "reason": "DV"})
    assert refused.status_code == 400 and "支援対象者管理" in refused.content.decode()
    for action in ("extend", "end", "update"):
        assert inquirer.post(f"/registry/support/{m.pk}/{action}/", {}).status_code == 403
    manager = staff_client(family["officer"]).get(f"/registry/support/{m.pk}/").content.decode()
    assert f"registry/support/{m.pk}/extend/" in manager
    with activate(office.ctx()):
        assert support.active_measure(family["son"]) is None and support.active_measure(family["wife"]) == m

    # another municipality's 支援対象者照会担当 does not reach A's measure
    from django.test import Client

    from jichitai.accounts.models import RoleGrant, Staff

    other = Staff.objects.create(username="inquiry-b")
    RoleGrant.objects.create(staff=other, municipality=office_b.municipality, role="support_inquiry")
    b = login(Client(), other, office_b.municipality)
    assert b.get(f"/registry/support/{m.pk}/").status_code == 404
    assert f"/registry/support/{m.pk}/" not in b.get("/registry/support/").content.decode()
