"""[660]#1: an approved 転出 leads straight to its 転出証明書: the 異動入力確認票 links to the counter
with the kind, the persons and the 届出人 filled in, and issuing gives the PDF. A 支援措置-protected
person is not named in that link to staff without need-to-know."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from jichitai.certificates.models import Issuance, MoveOutCertificate
from jichitai.registry import events, support
from jichitai.tenancy.context import activate
from tests.certificates.glyphs import pdf_text

from .conftest import family, officer

pytestmark = pytest.mark.django_db


def _submit(office: Any, ids: list[int], staff: Any = None) -> int:
    today = timezone.localdate()
    sub = events.submit_event(
        "move_out_planned",
        {
            "person_ids": ids,
            "destination": "大阪府大阪市北区梅田一丁目1番1号",
            "planned_date": (today + dt.timedelta(days=7)).isoformat(),
        },
        effective_date=today,
        reported_date=today,
        entered_by=staff or office.clerk,
    )
    return sub.event.pk


def _link(page: str) -> str | None:
    found = re.search(r'href="([^"]+)" id="move-out-certificate"', page)
    return html.unescape(found.group(1)) if found else None


@pytest.mark.std("660#1")
def test_an_approved_move_out_leads_straight_to_its_certificate(office, staff_client) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        event_id = _submit(office, [head.pk, wife.pk])
    clerk = staff_client("clerk")
    assert (
        _link(clerk.get(f"/registry/provisional/{event_id}/").content.decode()) is None
    )  # not yet 決裁
    approved = staff_client(office.approver).post(
        f"/registry/approvals/{event_id}/approve/", follow=True
    )
    assert (
        "転出証明書を発行してください" in approved.content.decode()
    )  # the flow says what comes next
    link = _link(clerk.get(f"/registry/provisional/{event_id}/").content.decode())
    assert link is not None and link.startswith("/certificates/?")
    query = {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}
    assert query["kind"] == "tenshutsu" and query["requester_person_id"] == str(head.pk)
    counter = clerk.get(link).content.decode()
    assert '<option value="tenshutsu" selected>' in counter
    assert f"{head.pk}、{wife.pk}" in counter
    issued = clerk.post("/certificates/issue/", {**query, "copies": "1", "terminal": "本庁1"})
    assert issued.status_code == 200, issued.content.decode()[:500]
    text = re.sub(r"\s", "", pdf_text(issued.content))
    assert "転出証明書" in text and head.given_name in text and wife.given_name in text
    assert son.given_name not in text
    # pressing again is refused: the next one is a 再交付, asked for as such
    again = clerk.post("/certificates/issue/", {**query, "copies": "1"})
    assert again.status_code == 400 and "再交付" in again.content.decode()
    reissued = clerk.post("/certificates/issue/", {**query, "copies": "1", "reissue": "1"})
    assert reissued.status_code == 200 and "再交付" in pdf_text(reissued.content)
    with activate(office.ctx()):
        assert Issuance.objects.filter(kind="tenshutsu").count() == 2
        assert MoveOutCertificate.objects.count() == 2


def test_the_link_does_not_name_a_protected_mover_to_staff_without_need_to_know(
    office, staff_client
) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        staff = officer(office)
        support.start_measure(
            wife.pk,
            start=dt.date(2024, 1, 1),
            reason="DV",
            against=[{"person_id": head.pk}],
            staff=staff,
        )
        event_id = _submit(office, [wife.pk, son.pk], staff=staff)
        from jichitai.accounts.models import RoleGrant

        boss = officer(office, "support-approver")
        RoleGrant.objects.create(staff=boss, municipality=office.municipality, role="approver")
        events.approve_event(event_id, approver=boss)
    page = staff_client("clerk").get(f"/registry/provisional/{event_id}/").content.decode()
    link = _link(page)
    assert f"{wife.pk}" not in parse_qs(urlparse(link or "/?").query).get("subject_ids", [""])[
        0
    ].split("、")
    if link is not None:  # the son alone, as his own requester
        assert parse_qs(urlparse(link).query)["subject_ids"] == [str(son.pk)]
    # staff with need-to-know see both
    full = _link(staff_client(staff).get(f"/registry/provisional/{event_id}/").content.decode())
    assert full is not None
    assert parse_qs(urlparse(full).query)["subject_ids"] == [f"{wife.pk}、{son.pk}"]


def test_the_api_issues_and_reissues_a_move_out_certificate(office, staff_client) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        events.approve_event(_submit(office, [head.pk]), approver=office.approver)
    client = staff_client("clerk")
    body = {
        "kind": "tenshutsu",
        "subject_ids": [head.pk],
        "requester": {"kind": "self", "person_id": head.pk},
    }

    def post(data: dict[str, Any], key: str) -> Any:
        return client.post(
            "/api/v1/certificates",
            data,
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )

    first = post(body, "mo-1")
    assert first.status_code == 200 and "再交付" not in pdf_text(first.content)
    refused = post(body, "mo-2")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["rule"] == "already_issued"
    again = post({**body, "params": {"reissue": "1"}}, "mo-3")
    assert again.status_code == 200 and "再交付" in pdf_text(again.content)
