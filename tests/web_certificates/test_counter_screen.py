"""The counter: issue a 住民票の写し as an inline PDF with its 発行番号, a 見本 without a number, a
reprint as a new number, refusals in Japanese with 400, 支援措置 and another municipality."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import unquote

import pytest

from jichitai.certificates.issuance import messages as msg
from jichitai.certificates.models import Issuance
from jichitai.registry import support
from jichitai.tenancy.context import activate
from tests.certificates.glyphs import pdf_text

from .conftest import family, officer

pytestmark = pytest.mark.django_db


def _form(subjects: list[int], **extra: Any) -> dict[str, Any]:
    data = {
        "subject_ids": "、".join(str(s) for s in subjects),
        "kind": "juminhyo",
        "form": "household",
        "requester_kind": "self",
        "requester_person_id": str(subjects[0]) if subjects else "",
        "copies": "1",
        "terminal": "本庁1",
        "printer": "プリンタ001",
    }
    data.update(extra)
    return data


def test_issue_returns_the_pdf_inline_with_its_number(office, staff_client) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
    client = staff_client("clerk")
    page = client.get(f"/certificates/?person={head.pk}")
    assert page.status_code == 200 and "証明書交付" in page.content.decode()
    assert f'value="{head.pk}"' in page.content.decode()
    response = client.post("/certificates/issue/", _form([head.pk]))
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    with activate(office.ctx()):
        row = Issuance.objects.get()
    (number,) = row.numbers
    assert response["Content-Disposition"].startswith("inline;")
    assert number.replace(" ", "_") + ".pdf" in unquote(response["Content-Disposition"])
    flat = pdf_text(response.content).replace(" ", "").replace("\n", "")
    assert head.given_name in flat and wife.given_name not in flat
    assert number.replace(" ", "").replace("　", "") in flat.replace("　", "")
    # a reprint is a new issuance with a new number
    again = client.post("/certificates/issue/", _form([head.pk]))
    assert again.status_code == 200
    with activate(office.ctx()):
        numbers = [n for r in Issuance.objects.order_by("pk") for n in r.numbers]
    assert len(numbers) == 2 and numbers[0] != numbers[1] and numbers[1].endswith(" 002")


@pytest.mark.std("1420#2")
def test_two_copies_are_two_signed_pdfs_with_two_numbers(office, staff_client) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
    response = staff_client("clerk").post("/certificates/issue/", _form([head.pk], copies="2"))
    assert response.status_code == 200
    with activate(office.ctx()):
        row = Issuance.objects.get()
    assert len(row.numbers) == 2 and row.copies == 2
    # the demo and tests sign (JICHITAI_CERTIFICATE_SIGNING): each copy is its own signed PDF in
    # one ZIP, since joining signed files would break their signatures
    import io
    import zipfile

    from tests.certificates.test_signing import pdfsig, whole_and_valid

    assert response["Content-Type"] == "application/zip"
    files = zipfile.ZipFile(io.BytesIO(response.content))
    assert len(files.namelist()) == 2
    for n, name in zip(row.numbers, sorted(files.namelist()), strict=True):
        pdf = files.read(name)
        assert n.replace(" ", "").replace("　", "") in pdf_text(pdf).replace(" ", "").replace("　", "")
        assert whole_and_valid(pdfsig(pdf))


def test_an_issued_copy_from_the_counter_is_signed(office, staff_client) -> None:
    from tests.certificates.test_signing import pdfsig, whole_and_valid

    with activate(office.ctx()):
        head, _, _ = family(office)
    response = staff_client("clerk").post("/certificates/issue/", _form([head.pk]))
    assert response.status_code == 200
    report = pdfsig(response.content)
    assert whole_and_valid(report) and f"CN={office.municipality.name}" in report, report


@pytest.mark.std("1420#3")
def test_preview_is_marked_and_takes_no_number(office, staff_client) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
    response = staff_client("clerk").post("/certificates/preview/", _form([head.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "見本" in text and head.given_name in text.replace(" ", "")
    with activate(office.ctx()):
        assert not Issuance.objects.exists()
    # the next real copy still gets number 001: the preview took none
    issued = staff_client("clerk").post("/certificates/issue/", _form([head.pk]))
    assert issued.status_code == 200
    with activate(office.ctx()):
        assert Issuance.objects.get().numbers[0].endswith(" 001")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"requester_kind": ""}, msg.REQUESTER_KIND),
        ({"kind": "nonsense"}, msg.KIND),
        ({"requester_kind": "third_party", "requester_person_id": ""}, msg.PURPOSE),
        ({"kind": "joshu"}, msg.NOT_REMOVED),
        ({"subject_ids": "abc"}, "対象者の住民IDは数字で入力してください。"),
        ({"copies": "x"}, "部数は数字で入力してください。"),
    ],
)
def test_refusals_are_shown_in_japanese_with_400(office, staff_client, extra, message) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
    for url in ("/certificates/issue/", "/certificates/preview/"):
        response = staff_client("clerk").post(url, _form([head.pk], **extra))
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()
    with activate(office.ctx()):
        assert not Issuance.objects.exists()


def test_no_subject_and_garbage_never_fail(office, staff_client) -> None:
    client = staff_client("clerk")
    assert client.post("/certificates/issue/", {}).status_code == 400
    weird = {"subject_ids": "9" * 40, "copies": "１００００", "requester_person_id": "-1"}
    assert client.post("/certificates/issue/", _form([], **weird)).status_code == 400
    assert client.get("/certificates/?q=" + "髙" * 300).status_code in (200, 400)


def test_search_offers_the_register_persons(office, staff_client) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
    page = staff_client("clerk").get("/certificates/?q=髙橋").content.decode()
    assert f'name="subject" value="{head.pk}"' in page and f'value="{wife.pk}"' in page
    assert "昭和55年5月1日" in page  # 和暦 ([90])


def test_protected_person_is_not_found_and_not_offered(office, staff_client) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        support.start_measure(
            wife.pk,
            start=dt.date(2024, 1, 1),
            reason="DV",
            against=[{"person_id": head.pk}],
            staff=officer(office),
        )
    client = staff_client("clerk")
    own = client.post("/certificates/issue/", _form([wife.pk]))
    unknown = client.post("/certificates/issue/", _form([999_999]))
    assert own.status_code == unknown.status_code == 400
    assert msg.NOT_FOUND in own.content.decode() and msg.NOT_FOUND in unknown.content.decode()
    assert "昭和57年7月7日" not in own.content.decode()  # her birth date: nothing of her leaks
    preview = client.post("/certificates/preview/", _form([wife.pk]))
    assert preview.status_code == 400 and msg.NOT_FOUND in preview.content.decode()
    page = client.get("/certificates/?q=髙橋").content.decode()
    assert f'value="{wife.pk}"' not in page and "昭和57年7月7日" not in page
    with activate(office.ctx()):
        assert not Issuance.objects.exists()


def test_another_municipality_person_is_unreachable(office, office_b, staff_client) -> None:
    from django.test import Client

    from tests.web_registry.conftest import login

    with activate(office.ctx()):
        head, _, _ = family(office)
    client_b = login(Client(), office_b.clerk, office_b.municipality)
    response = client_b.post("/certificates/issue/", _form([head.pk]))
    assert response.status_code == 400 and msg.NOT_FOUND in response.content.decode()
    assert head.given_name not in response.content.decode()
    assert head.given_name not in client_b.get("/certificates/?q=髙橋").content.decode()
    with activate(office_b.ctx(office_b.clerk)):
        assert not Issuance.objects.exists()


def test_person_screen_links_to_the_counter(office, staff_client) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
    page = staff_client("clerk").get(f"/registry/persons/{head.pk}/").content.decode()
    assert f"/certificates/?person={head.pk}" in page and "証明書発行" in page
    nothing = staff_client(roles=["support_inquiry"]).get(f"/registry/persons/{head.pk}/")
    assert "証明書発行" not in nothing.content.decode()
