"""記載事項証明書 at the counter and through the API: the items ticked, the 方書 omission, the
history option; a protected person reads as not found; nothing of another municipality."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from jichitai.certificates.issuance import messages as msg
from jichitai.certificates.models import Issuance
from jichitai.registry import support
from jichitai.tenancy.context import activate
from tests.certificates.glyphs import pdf_text

from .conftest import family, login, officer

pytestmark = pytest.mark.django_db


def _form(subjects: list[int], **extra: Any) -> dict[str, Any]:
    data = {
        "subject_ids": "、".join(str(s) for s in subjects),
        "kind": "kisai",
        "form": "household",
        "requester_kind": "self",
        "requester_person_id": str(subjects[0]),
        "copies": "1",
        "terminal": "本庁1",
    }
    data.update(extra)
    return data


def test_the_counter_issues_an_extract_of_the_ticked_items(office, office_b, staff_client) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
    client = staff_client("clerk")
    page = client.get("/certificates/").content.decode()
    assert "住民票記載事項証明書" in page and 'name="item" value="birth_date"' in page
    assert 'name="omit_katagaki"' in page and 'name="history"' in page
    response = client.post("/certificates/issue/", _form([head.pk], item=["birth_date", "sex"]))
    assert response.status_code == 200, response.content.decode()[:400]
    flat = re.sub(r"\s", "", pdf_text(response.content))
    assert "住民票記載事項証明書" in flat and "昭和55年5月1日" in flat and "男" in flat
    assert "住所" not in flat and "本籍" not in flat  # not ticked, not printed
    with activate(office.ctx()):
        assert set(Issuance.objects.get().items) == {"氏名", "生年月日", "性別"}
    none = client.post("/certificates/issue/", _form([head.pk]))
    assert none.status_code == 400 and "証明する事項を選んでください。" in none.content.decode()
    refused = client.post(
        "/certificates/issue/", _form([head.pk], kind="juminhyo", omit_katagaki="1")
    )
    assert refused.status_code == 400 and "方書は住民票の写しでは省略できません" in (
        refused.content.decode()
    )
    with activate(office.ctx()):
        support.start_measure(
            wife.pk, start=dt.date(2024, 1, 1), reason="DV", against=[], staff=officer(office)
        )
    hidden = client.post("/certificates/issue/", _form([wife.pk], item=["address"]))
    assert hidden.status_code == 400 and msg.NOT_FOUND in hidden.content.decode()
    other = login(Client(), office_b.clerk, office_b.municipality).post(
        "/certificates/issue/", _form([head.pk], item=["name"])
    )
    assert other.status_code == 400 and msg.NOT_FOUND in other.content.decode()


def test_the_api_issues_an_extract_with_params(office, staff_client) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
    client = staff_client("clerk")
    body = {
        "kind": "kisai",
        "subject_ids": [head.pk],
        "requester": {"kind": "self", "person_id": head.pk},
        "options": {"history": True},
        "params": {"items": "住所,生年月日", "omit_katagaki": "1"},
    }
    response = client.post(
        "/api/v1/certificates",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "kisai-1"},
    )
    assert response.status_code == 200, response.content[:400]
    flat = re.sub(r"\s", "", pdf_text(response.content))
    assert "住民票記載事項証明書" in flat and "履歴" in flat and "転入" in flat
    bad = client.post(
        "/api/v1/certificates",
        {**body, "params": {"items": "血液型"}},
        content_type="application/json",
        headers={"Idempotency-Key": "kisai-2"},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["rule"] == "items"
