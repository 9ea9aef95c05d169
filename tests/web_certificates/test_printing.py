"""印刷 ([1420]) at the counter: the printer's トレー（ホッパ） kept in the 交付履歴 (#1), PDF or 紙 with
the municipality's default (#4), no mass printing (#8), and the 閲覧用写し made as a file only (#9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jichitai.certificates import notices, printing
from jichitai.certificates.issuance import messages as msg
from jichitai.certificates.issuance.eligibility import MAX_COPIES, MAX_SUBJECTS
from jichitai.certificates.models import Issuance
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import MunicipalSetting

from .conftest import family, login
from .test_counter_screen import _form

pytestmark = pytest.mark.django_db
API = "/api/v1/certificates"


def _api(client: Client, body: dict[str, Any], key: str) -> Any:
    return client.post(API, body, content_type="application/json", headers={"Idempotency-Key": key})


def _body(head: Any, **extra: Any) -> dict[str, Any]:
    body = {
        "kind": "juminhyo",
        "subject_ids": [head.pk],
        "requester": {"kind": "self", "person_id": head.pk},
        "station": {"terminal": "API1", "printer": "P1", "tray": "トレー2"},
    }
    body.update(extra)
    return body


@pytest.mark.std("1420#1", "1420#4")
def test_the_printer_and_tray_chosen_are_kept_in_the_history(
    office, office_b, staff_client
) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
    client = staff_client("clerk")
    page = client.get(f"/certificates/?person={head.pk}").content.decode()
    assert 'name="printer"' in page and 'name="tray"' in page and "トレー（ホッパ）" in page
    form = _form([head.pk], printer="窓口プリンタ2", tray="ホッパ1（再生紙）")
    assert client.post("/certificates/issue/", form).status_code == 200
    assert _api(client, _body(head), "tray-1").status_code == 200
    with activate(office.ctx()):
        rows = list(Issuance.objects.order_by("pk"))
    assert [(r.printer, r.tray) for r in rows] == [
        ("窓口プリンタ2", "ホッパ1（再生紙）"),
        ("P1", "トレー2"),
    ]
    too_long = _api(client, _body(head, station={"tray": "T" * 51}), "tray-2")
    assert too_long.status_code == 422
    with activate(office_b.ctx(office_b.clerk)):  # another municipality never sees the history
        assert not Issuance.objects.exists()


@pytest.mark.std("1420#4")
def test_pdf_or_paper_with_the_municipalitys_default(office, office_b, staff_client) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
    client = staff_client("clerk")
    page = client.get("/certificates/").content.decode()
    assert '<option value="paper" selected>' in page  # no setting: 紙 (opened to print)
    paper = client.post("/certificates/issue/", _form([head.pk]))
    assert paper["Content-Disposition"].startswith("inline;")
    pdf = client.post("/certificates/issue/", _form([head.pk], output="pdf"))
    assert pdf.status_code == 200 and pdf["Content-Disposition"].startswith("attachment;")
    assert pdf.content.startswith(b"%PDF-")
    with activate(office.ctx()):
        MunicipalSetting.objects.create(key=printing.OUTPUT_SETTING, value="pdf")
    page = client.get("/certificates/").content.decode()
    assert '<option value="pdf" selected>' in page
    by_default = client.post("/certificates/issue/", _form([head.pk]))
    assert by_default["Content-Disposition"].startswith("attachment;")
    asked = client.post("/certificates/issue/", _form([head.pk], output="paper"))
    assert asked["Content-Disposition"].startswith("inline;")
    odd = client.post("/certificates/issue/", _form([head.pk], output="fax"))  # → the default
    assert odd["Content-Disposition"].startswith("attachment;")
    assert _api(client, _body(head), "out-1")["Content-Disposition"].startswith("attachment;")
    api_paper = _api(client, _body(head, output="paper"), "out-2")
    assert api_paper["Content-Disposition"].startswith("inline;")
    assert _api(client, _body(head, output="fax"), "out-3").status_code == 422
    # the setting is the municipality's own: office_b's counter still defaults to 紙
    client_b = login(Client(), office_b.clerk, office_b.municipality)
    page_b = client_b.get("/certificates/").content.decode()
    assert '<option value="paper" selected>' in page_b
    with activate(office_b.ctx(office_b.clerk)):
        assert printing.default_output() == printing.PAPER


@pytest.mark.std("1420#8")
def test_no_mass_printing_of_certificates_or_notices(office, staff_client) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
    client = staff_client("clerk")
    many = _form([head.pk], copies=str(MAX_COPIES + 1))
    refused = client.post("/certificates/issue/", many)
    assert refused.status_code == 400
    assert msg.COPIES.format(n=MAX_COPIES) in refused.content.decode()
    ids = [head.pk, wife.pk, son.pk] + list(range(10**6, 10**6 + MAX_SUBJECTS))
    crowd = client.post("/certificates/issue/", _form(ids))
    assert crowd.status_code == 400
    assert msg.SUBJECTS.format(n=MAX_SUBJECTS) in crowd.content.decode()
    assert _api(client, _body(head, options={"copies": 101}), "mass-1").status_code == 422
    assert _api(client, _body(head, subject_ids=ids), "mass-2").status_code == 422
    with activate(office.ctx()):
        assert not Issuance.objects.exists()
        from jichitai.registry import documents
        from tests.certificates.test_notices import _sample

        doc = _sample(documents.load_all()["receipt_notice"], office.municipality.code)
        with pytest.raises(notices.NoticeRefused, match="50通まで"):
            notices.print_documents([doc] * (notices.MAX_DOCUMENTS + 1), staff=office.clerk)


@pytest.mark.std("1420#9")
def test_the_inspection_copy_is_a_file_and_has_no_print_path(office) -> None:
    from django.urls import get_resolver

    from jichitai.registry.batch import inspection

    with activate(office.ctx()):
        family(office)
        result = inspection.run({})
    assert result.files and all(name.endswith(".csv") for name in result.files)
    assert not any(bytes(data).startswith(b"%PDF") for data in result.files.values())

    def routes(resolver: Any, prefix: str = "") -> list[str]:
        out: list[str] = []
        for p in resolver.url_patterns:
            here = prefix + str(p.pattern)
            out += routes(p, here) if hasattr(p, "url_patterns") else [here]
        return out

    # the only printing routes: a certificate, a notice of one event or measure, a screen's log
    printing_routes = [r for r in routes(get_resolver()) if "print" in r or "pdf" in r]
    assert not [r for r in printing_routes if "batch" in r or "inspection" in r], printing_routes
