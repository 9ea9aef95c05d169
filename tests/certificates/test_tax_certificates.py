"""課税証明書・所得証明書・非課税証明書 on the one issuance path: the 年度 is required and must have a
課税情報; 未申告 is refused (take the 申告 first), 非課税証明書 only for a 非課税 record; the PDF
prints the 年度, the address on 1 January (the 賦課期日), the income items, 所得控除合計 and the
levies; only 本人, the same household or a 代理人 with the person's 委任状 (tax secrecy); a person
who has moved out still gets the 年度's certificate; another municipality and a protected person
reveal nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from jichitai.certificates.issuance import (
    CertificateRequest,
    Requester,
    finalize,
    issue,
)
from jichitai.certificates.issuance import messages as msg
from jichitai.certificates.issuance.fake import fake_renderer, read_fake
from jichitai.certificates.kinds import tax as kinds_tax
from jichitai.certificates.models import Issuance
from jichitai.certificates.render import render_certificate
from jichitai.registry import support
from jichitai.tax import services
from jichitai.tax.models import Assessment
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply
from tests.tax.conftest import taxable
from tests.web_registry.conftest import login

from .conftest import STATION, family, officer
from .glyphs import pdf_text
from .kind_helpers import api_post, refused, self_request

pytestmark = pytest.mark.django_db
D = dt.date
EXEMPT = {
    "pension_revenue": 800_000,
    "pension_income": 200_000,
    "total_income": 200_000,
    "deductions": 430_000,
    "income_levy": 0,
    "per_capita_levy": 0,
}


def record(at: Any, person: Any, year: int = 2025, status: str = "taxable", **amounts: Any) -> None:
    services.record(
        person.pk, year, status, amounts if status != "taxable" else taxable(), staff=at.clerk
    )


def tax_request(
    subjects: list[int],
    kind: str = "kazei",
    year: str | None = "令和7年度",
    requester: Requester | None = None,
) -> CertificateRequest:
    return CertificateRequest(
        kind=kind,
        subject_ids=tuple(subjects),
        requester=requester or Requester("self", person_id=subjects[0]),
        station=STATION,
        params={} if year is None else {"fiscal_year": year},
    )


def _flat(pdf: bytes) -> str:
    return re.sub(r"\s", "", pdf_text(pdf))


def _printed(at: Any, req: Any, staff: Any = None) -> dict[str, Any]:
    issued = issue(req, staff=staff or at.clerk, renderer=fake_renderer)
    return read_fake(issued.copies[0].content)


def test_the_taxation_certificate_prints_the_year_the_income_and_the_levies(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        record(office, head)
        issued = issue(
            tax_request([head.pk], year="2025"), staff=office.clerk, renderer=render_certificate
        )
        finalize(issued, [head.pk])
        (copy,) = issued.copies
        assert copy.content.startswith(b"%PDF-")
        flat = _flat(copy.content)
        for text in (
            "課税証明書",
            "令和7年度",
            "令和6年中の所得",
            "住所（令和7年1月1日現在）",
            "本町一丁目1番地2",
            "髙橋",
            "一郎",
            "昭和55年5月1日",
            "給与4,000,000円2,760,000円",
            "年金0円0円",
            "事業0円0円",
            "その他0円0円",
            "合計所得金額2,760,000円",
            "所得控除合計1,130,000円",
            "所得割額163,000円",
            "均等割額5,000円",
            "年税額168,000円",
            "課税区分課税",
            "上記のとおり、令和7年度の個人住民税の課税状況を証明します。",
        ):
            assert text in flat, text
        assert re.sub(r"\s", "", copy.number) in flat and "1/1" in flat
        assert "テスト県甲村1番地" not in flat and "住民票コード" not in flat  # no 住民票 items
        row = Issuance.objects.get()
        assert (row.kind, row.params) == ("kazei", {"fiscal_year": "2025"})  # which 年度


def test_the_income_certificate_certifies_income_without_the_levies(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        record(office, head)
        issued = issue(
            tax_request([head.pk], "shotoku"), staff=office.clerk, renderer=render_certificate
        )
        flat = _flat(issued.copies[0].content)
        assert "所得証明書" in flat and "合計所得金額2,760,000円" in flat
        assert "所得控除合計1,130,000円" in flat and "課税区分課税" in flat
        assert "所得割額" not in flat and "年税額" not in flat
        assert "上記のとおり、令和6年中の所得を証明します。" in flat


def test_the_exemption_certificate_only_for_an_exempt_record(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        record(office, head)
        record(office, wife, status="exempt", **EXEMPT)
        household = Requester("household", person_id=head.pk)
        issued = issue(
            tax_request([wife.pk], "hikazei", requester=household),
            staff=office.clerk,
            renderer=render_certificate,
        )
        flat = _flat(issued.copies[0].content)
        assert "非課税証明書" in flat and "花子" in flat and "課税区分非課税" in flat
        assert "年金800,000円200,000円" in flat and "所得割額0円" in flat and "均等割額0円" in flat
        assert "上記のとおり、令和7年度の個人住民税は非課税であることを証明します。" in flat
        taxed = refused(office, tax_request([head.pk], "hikazei"))
        assert taxed.messages == [
            "令和7年度は課税されているため非課税証明書は交付できません。課税証明書を請求してください。"
        ]
        # a 非課税 record also has its 課税証明書 (it says 非課税)
        assert _printed(office, tax_request([wife.pk], requester=household))["extra"]["status"] == (
            "非課税"
        )


def test_the_year_is_required_and_must_have_an_assessment(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        record(office, head)
        record(office, son, status="undeclared")
        for kind in ("kazei", "shotoku", "hikazei"):
            no_year = refused(office, tax_request([head.pk], kind, year=None))
            assert no_year.messages == [kinds_tax.YEAR_NEEDED] and no_year.codes == ["fiscal_year"]
        bad = refused(office, tax_request([head.pk], year="来年度"))
        assert bad.messages == ["年度が正しくありません（例: 令和7年度、2025）: 来年度"]
        for year in ("令和6年度", "2024", "R6"):
            none = refused(office, tax_request([head.pk], year=year))
            assert none.messages == ["令和6年度の課税情報がありません。"]
            assert none.codes == ["no_assessment"]
        household = Requester("household", person_id=head.pk)
        for kind in ("kazei", "shotoku", "hikazei"):
            undeclared = refused(office, tax_request([son.pk], kind, requester=household))
            assert undeclared.messages == [
                "令和7年度は未申告のため証明書を交付できません。"
                "先に住民税の申告を受け付けてから発行してください。"
            ]
        # several persons at once: every one needs the year's record
        assert refused(office, tax_request([head.pk, wife.pk], requester=household)).messages == [
            "令和7年度の課税情報がありません。"
        ]


def test_requesters_tax_secrecy(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        record(office, head)
        cases = [
            (Requester("self", person_id=wife.pk), kinds_tax.SELF_ONLY),
            (
                Requester("agent", name="代理 次郎", principal_id=head.pk),
                kinds_tax.POWER_OF_ATTORNEY,
            ),
            (
                Requester("agent", name="代理 次郎", power_of_attorney=True, principal_id=wife.pk),
                kinds_tax.POWER_OF_ATTORNEY,
            ),
            (Requester("third_party", name="債権 太郎", purpose="債権回収"), kinds_tax.REQUESTER),
            (
                Requester("official", name="甲税務署", purpose="国税徴収法第141条"),
                kinds_tax.REQUESTER,
            ),
        ]
        for requester, message in cases:
            assert refused(office, tax_request([head.pk], requester=requester)).messages == [
                message
            ]
        assert "地方税法第22条" in kinds_tax.REQUESTER
        agent = Requester("agent", name="代理 次郎", power_of_attorney=True, principal_id=head.pk)
        assert _printed(office, tax_request([head.pk], requester=agent))["person_ids"] == [head.pk]
        household = Requester("household", person_id=son.pk)
        assert _printed(office, tax_request([head.pk], requester=household))["person_ids"] == [
            head.pk
        ]


def test_a_person_who_moved_since_gets_the_year_with_the_address_of_1_january(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        record(office, head)
        record(office, son)
        record(office, head, year=2026)
        members = [head.pk, wife.pk, son.pk]
        apply(
            office,
            "move_within",
            {
                "person_ids": members,
                "address": {"address_id": office.address2.pk, "banchi": "5番地"},
            },
            D(2025, 3, 1),
        )
        apply(
            office,
            "move_out_planned",
            {
                "person_ids": [son.pk],
                "destination": "大阪府大阪市北区",
                "planned_date": "2025-08-01",
            },
            D(2025, 7, 20),
        )
        then = _printed(office, tax_request([head.pk], year="2025"))
        assert then["address"] == "本町一丁目1番地2"
        assert then["extra"]["address_label"] == "住所（令和7年1月1日現在）"
        now = _printed(office, tax_request([head.pk], year="2026"))
        assert now["address"] == "栄町二丁目5番地"
        # moved out: the 年度's certificate is still his, through his 委任状 (not as household)
        agent = Requester("agent", name="代理 次郎", power_of_attorney=True, principal_id=son.pk)
        gone = _printed(office, tax_request([son.pk], requester=agent))
        assert gone["person_ids"] == [son.pk] and gone["address"] == "本町一丁目1番地2"
        household = Requester("household", person_id=head.pk)
        assert refused(office, tax_request([son.pk], requester=household)).messages == [
            kinds_tax.NOT_SAME_HOUSEHOLD
        ]


def test_another_municipalitys_person_and_assessment_are_not_found(office, office_b) -> None:
    with activate(office_b.ctx(office_b.clerk)):
        b_head, _, _ = family(office_b)
        record(office_b, b_head)
    with activate(office.ctx()):
        head, _, _ = family(office)
        assert not Assessment.objects.exists()  # B's record is not in A
        assert refused(office, tax_request([b_head.pk])).messages == [msg.NOT_FOUND]
        assert refused(office, tax_request([head.pk])).messages == [
            "令和7年度の課税情報がありません。"
        ]


def test_a_protected_person_is_not_revealed_to_staff_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        record(office, wife, status="exempt", **EXEMPT)
        staff = officer(office)
        support.start_measure(
            wife.pk, start=D(2024, 1, 1), reason="DV", against=[{"person_id": head.pk}], staff=staff
        )
        for kind in ("kazei", "shotoku", "hikazei"):
            hers = refused(office, tax_request([wife.pk], kind))
            unknown = refused(office, tax_request([999_999], kind))
            assert hers.messages == unknown.messages == [msg.NOT_FOUND]
            assert "支援措置" not in hers.messages[0] and "800,000" not in str(hers)
        # a year without a record reads the same as her (nothing about her records leaks)
        assert refused(office, tax_request([wife.pk], year="2020")).messages == [msg.NOT_FOUND]
        printed = _printed(office, tax_request([wife.pk], "hikazei"), staff=staff)
        assert printed["person_ids"] == [wife.pk]
        by_him = tax_request([wife.pk], requester=Requester("household", person_id=head.pk))
        assert refused(office, by_him, staff=staff).messages == [
            "支援措置の加害者等からの請求のため交付できません。"
        ]


def test_the_counter_form_and_the_api_carry_the_year(office) -> None:
    from jichitai.web.certificates.form import to_request

    with activate(office.ctx()):
        head, _, _ = family(office)
        record(office, head)
    values, body = self_request("kazei", head.pk, fiscal_year="令和7年度")
    req, problems = to_request(values)
    assert problems == [] and dict(req.params) == {"fiscal_year": "令和7年度"}
    client = login(Client(), office.clerk, office.municipality)
    page = client.get("/certificates/").content.decode()
    assert 'name="fiscal_year"' in page and 'name="card_number"' in page and "課税証明書" in page
    screen = client.post("/certificates/issue/", {**values.dict(), "fiscal_year": "令和6年度"})
    assert screen.status_code == 400
    assert "令和6年度の課税情報がありません。" in screen.content.decode()
    missing = api_post(client, body, "tax-1")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["message"] == kinds_tax.YEAR_NEEDED
    third_party = {"kind": "third_party", "name": "債権 太郎", "purpose": "債権回収"}
    year = {"fiscal_year": "2025"}
    third = api_post(client, {**body, "params": year, "requester": third_party}, "tax-2")
    assert third.status_code == 403 and third.json()["errors"][0]["message"] == kinds_tax.REQUESTER
    ok = api_post(client, {**body, "params": year}, "tax-3")
    assert ok.status_code == 200, ok.content[:300]
    assert "課税証明書" in _flat(ok.content) and "均等割額5,000円" in _flat(ok.content)
