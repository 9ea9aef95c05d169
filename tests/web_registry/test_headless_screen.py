"""[100] on the screens and the API: 「世帯主なし」 and an empty head."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.registry.test_headless import _headless

pytestmark = pytest.mark.django_db


@pytest.mark.std("100#1", "100#2")
def test_headless_is_shown_exported_and_answered_with_an_empty_head(office: Any, staff_client: Any) -> None:
    head, wife, child = _headless(office)
    clerk = staff_client("clerk")
    page = clerk.get(f"/registry/households/{wife.household_id}/").content.decode()
    assert '<dd id="household-head">世帯主なし</dd>' in page
    body = json.loads(clerk.get(f"/api/v1/households/{wife.household_id}").content)
    assert body["head_id"] is None and body["headless"] is True
    other = staff_client("clerk")
    assert other.get("/registry/households/999999/").status_code == 404
    assert Client().get(f"/api/v1/households/{wife.household_id}").status_code in (401, 403)


@pytest.mark.std("100#1")
def test_the_death_form_alerts_then_registers_a_household_without_a_head(office: Any, staff_client: Any) -> None:
    from jichitai.registry.models import Household, RegistryEvent
    from jichitai.tenancy.context import activate
    from tests.registry.conftest import move_in_family, people

    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
    clerk = staff_client("clerk")
    data = {"household": str(head.household_id), "effective_date": "2023-01-01", "person_id": str(head.pk),
            "idempotency_key": "k-headless"}
    page = clerk.post("/registry/events/new/death/", data).content.decode()
    assert "世帯主なし" in page and "アラートの内容を確認しました" in page
    clerk.post("/registry/events/new/death/", {**data, "confirm_alerts": "1"})
    with activate(office.ctx()):
        assert RegistryEvent.objects.filter(kind="death", status="provisional").count() == 1
        assert Household.objects.get(pk=wife.household_id).head_id == head.pk  # until approval
