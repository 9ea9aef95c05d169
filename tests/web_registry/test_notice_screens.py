"""「PDFで印刷」 on the register's document screens (受理通知, 異動入力確認票) and the 支援措置期間終了通知
(one measure, and the list of measures ending within N days) — real PDFs, logged, tried from the
protected side and from another municipality."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from jichitai.certificates.models import NoticePrint
from jichitai.registry import support
from jichitai.registry.models import RegistryEvent
from jichitai.tenancy.context import activate
from tests.certificates.glyphs import pdf_text
from tests.registry.conftest import move_in_family, people

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def flat(pdf: bytes) -> str:
    return re.sub(r"\s", "", pdf_text(pdf))


@pytest.fixture
def family(office: Any) -> dict[str, Any]:
    from jichitai.accounts.models import RoleGrant, Staff

    officer = Staff.objects.create(username="notice-officer", display_name="支援 担当")
    for role in ("clerk", "support_measure"):
        RoleGrant.objects.create(staff=officer, municipality=office.municipality, role=role)
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        event = RegistryEvent.objects.filter(kind="move_in").latest("pk")
    return {"head": head, "wife": wife, "son": son, "event": event.pk, "officer": officer}


def _measure(office: Any, family: dict[str, Any], days_left: int) -> Any:
    with activate(office.ctx()):
        return support.start_measure(
            family["wife"].pk,
            start=TODAY - dt.timedelta(days=330),
            end=TODAY + dt.timedelta(days=days_left),
            reason="DV（配偶者からの暴力）",
            against=[{"person_id": family["head"].pk, "name": "髙橋 一郎"}],
            staff=family["officer"],
        )


def test_the_receipt_notice_screen_prints_its_pdf_and_logs_it(office, family, staff_client) -> None:
    clerk = staff_client("clerk")
    page = clerk.get(f"/registry/events/{family['event']}/receipt-notice/").content.decode()
    assert "PDFで印刷" in page and f"/registry/events/{family['event']}/receipt-notice/pdf/" in page
    resp = clerk.post(
        f"/registry/events/{family['event']}/receipt-notice/pdf/", {"notifier_name": "髙橋　一郎"}
    )
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert "no-store" in resp["Cache-Control"]
    assert "住民異動届受理通知" in flat(resp.content) and "髙橋一郎" in flat(resp.content)
    with activate(office.ctx()):
        assert NoticePrint.objects.get().kind == "receipt_notice"
    assert clerk.get(f"/registry/events/{family['event']}/receipt-notice/pdf/").status_code == 405
    assert clerk.post("/registry/events/999999/receipt-notice/pdf/").status_code == 404


@pytest.mark.std("540#1", "890#1")
def test_the_entry_sheet_and_the_events_resident_code_notices_print(
    office, family, staff_client
) -> None:
    clerk = staff_client("clerk")
    page = clerk.get(f"/registry/provisional/{family['event']}/").content.decode()
    assert (
        "PDFで印刷" in page
        and f"/registry/events/{family['event']}/resident-code-notices/pdf/" in page
    )
    resp = clerk.post(f"/registry/provisional/{family['event']}/pdf/")
    assert resp.status_code == 200 and "異動入力確認票" in flat(resp.content)
    codes = clerk.post(f"/registry/events/{family['event']}/resident-code-notices/pdf/")
    text = flat(codes.content)
    assert (
        codes.status_code == 200 and text.count("住民票コード通知票") == 3
    )  # one per person numbered
    for person in (family["head"], family["wife"], family["son"]):
        assert person.resident_code in text


def test_another_municipalitys_event_is_not_found(office, office_b, family, staff_client) -> None:
    from django.test import Client

    from tests.web_registry.conftest import login

    other = login(Client(), office_b.clerk, office_b.municipality)
    assert other.post(f"/registry/events/{family['event']}/receipt-notice/pdf/").status_code == 404
    assert other.post(f"/registry/provisional/{family['event']}/pdf/").status_code == 404
    assert (
        other.post(f"/registry/events/{family['event']}/resident-code-notices/pdf/").status_code
        == 404
    )


@pytest.mark.std("440#4")
def test_the_support_end_notice_from_the_measure_and_the_ending_list(
    office, family, staff_client
) -> None:
    m = _measure(office, family, 15)
    officer = staff_client(family["officer"])
    assert (
        "支援措置期間終了通知をPDFで印刷"
        in officer.get(f"/registry/support/{m.pk}/").content.decode()
    )
    listed = officer.get("/registry/support/ending/?days=30").content.decode()
    assert "髙橋\u3000花子" in listed and f"/registry/support/{m.pk}/end-notice/" in listed
    assert "髙橋\u3000花子" not in officer.get("/registry/support/ending/?days=10").content.decode()
    bad = officer.get("/registry/support/ending/?days=abc")
    assert bad.status_code == 400 and "日数は1〜366" in bad.content.decode()
    start = officer.post(f"/registry/support/{m.pk}/start-notice/")
    assert start.status_code == 200 and "支援措置開始通知" in flat(start.content)
    one = officer.post(f"/registry/support/{m.pk}/end-notice/")
    assert one.status_code == 200 and "髙橋花子様" in flat(one.content)
    assert "一郎" not in flat(one.content)  # nothing of the 加害者 (here the head)
    everyone = officer.post("/registry/support/ending/pdf/", {"days": "30"})
    assert everyone.status_code == 200 and "支援措置期間終了通知" in flat(everyone.content)
    empty = officer.post("/registry/support/ending/pdf/", {"days": "5"})
    assert empty.status_code == 302  # nothing to print: back to the list with the message
    with activate(office.ctx()):
        assert NoticePrint.objects.count() == 3


def test_no_path_prints_the_support_end_notice_for_staff_without_need_to_know(
    office, family, staff_client
) -> None:
    m = _measure(office, family, 15)
    for client in (
        staff_client("clerk"),
        staff_client("approver"),
        staff_client(roles=["support_inquiry"]),
    ):
        assert client.post(f"/registry/support/{m.pk}/end-notice/").status_code == 403
        assert client.post(f"/registry/support/{m.pk}/start-notice/").status_code == 403
        assert client.get("/registry/support/ending/").status_code == 403
        assert client.post("/registry/support/ending/pdf/", {"days": "30"}).status_code == 403
    # the receipt notice of her 転入, printed by a clerk, carries the mask, not her name
    resp = staff_client("clerk").post(f"/registry/events/{family['event']}/receipt-notice/pdf/")
    assert resp.status_code == 200
    assert "花子" not in flat(resp.content) and "＊＊＊＊（支援措置対象）" in flat(resp.content)
    with activate(office.ctx()):
        assert family["wife"].pk not in NoticePrint.objects.get().person_ids


@pytest.mark.std("710#1")
def test_the_not_arrived_list_prints_its_inquiries(office, family, staff_client) -> None:
    from tests.registry.conftest import apply

    planned = TODAY - dt.timedelta(days=45)
    with activate(office.ctx()):
        apply(
            office,
            "move_out_planned",
            {
                "person_ids": [family["son"].pk],
                "destination": "大阪府大阪市北区梅田1丁目",
                "planned_date": planned.isoformat(),
            },
            planned - dt.timedelta(days=3),
        )
    clerk = staff_client("clerk")
    page = clerk.get("/registry/move-outs/not-arrived/?days=30").content.decode()
    assert f"/registry/move-outs/not-arrived/{family['son'].pk}/inquiry/pdf/" in page
    one = clerk.post(
        f"/registry/move-outs/not-arrived/{family['son'].pk}/inquiry/pdf/", {"days": "30"}
    )
    assert one.status_code == 200 and "転入通知未着照会書" in flat(one.content)
    # (pdftotext puts a name's parts apart at the ideographic space: each part is checked)
    assert "大阪府大阪市北区梅田1丁目を管轄する市区町村長" in flat(one.content) and "太郎" in flat(
        one.content
    )
    every = clerk.post("/registry/move-outs/not-arrived/inquiries/pdf/", {"days": "30"})
    assert (
        every.status_code == 200
        and "転入通知未着照会書" in flat(every.content)
        and "タロウ" in flat(every.content)
    )
    # the head is not on the list: no inquiry about him (404, not a 5xx)
    assert (
        clerk.post(f"/registry/move-outs/not-arrived/{family['head'].pk}/inquiry/pdf/").status_code
        == 404
    )
    # protected: the clerk makes no inquiry about him, the support staff does
    with activate(office.ctx()):
        support.start_measure(
            family["son"].pk,
            start=TODAY - dt.timedelta(days=2),
            reason="DV",
            against=[],
            staff=family["officer"],
        )
    assert (
        clerk.post(f"/registry/move-outs/not-arrived/{family['son'].pk}/inquiry/pdf/").status_code
        == 404
    )
    assert (
        staff_client(family["officer"])
        .post(f"/registry/move-outs/not-arrived/{family['son'].pk}/inquiry/pdf/", {"days": "30"})
        .status_code
        == 200
    )
