"""/tax/person/<id>/: 課税情報の照会・入力 (和暦 年度, errors in Japanese, 支援措置, other municipality)."""

from __future__ import annotations

from typing import Any

from jichitai.tax.models import Assessment
from jichitai.tenancy.context import activate
from tests.protection_world import alerts

from .conftest import Family

FORM = {
    "year": "2025",
    "status": "taxable",
    "salary_revenue": "４，０００，０００",
    "salary_income": "2,760,000円",
    "total_income": "2760000",
    "deductions": "1130000",
    "income_levy": "163000",
    "per_capita_levy": "5000",
}


def html(resp: Any) -> str:
    return resp.content.decode()


def test_enter_view_and_correct(family: Family, client_for: Any) -> None:
    c = client_for(family.office.clerk, family.office)
    url = f"/tax/person/{family.head}/"
    page = c.get(url + "?year=令和7年度")
    assert page.status_code == 200
    assert "課税情報：髙橋\u3000一郎（令和7年度）" in html(
        page
    ) and "令和7年度の課税情報はありません。" in html(page)
    resp = c.post(url + "enter/", FORM)
    assert resp.status_code == 302 and resp["Location"].endswith("?year=2025")
    page = html(c.get(url + "?year=2025"))
    assert "4,000,000円" in page and "163,000円" in page and "職員入力" in page
    bad = c.post(
        url + "enter/", {**FORM, "status": "exempt"}
    )  # no reason, levies on an exempt record
    assert bad.status_code == 400
    assert "非課税の記録の所得割額・均等割額は0円です" in html(bad)
    ok = c.post(
        url + "enter/",
        {**FORM, "status": "exempt", "income_levy": "0", "per_capita_levy": "0", "reason": "更正"},
    )
    assert ok.status_code == 302
    page = html(c.get(url + "?year=2025"))
    assert "更正" in page and page.count("窓口 花子") >= 2
    with activate(family.office.ctx()):
        assert list(Assessment.objects.order_by("version").values_list("status", flat=True)) == [
            "taxable",
            "exempt",
        ]


def test_bad_input_is_a_clear_error_never_a_5xx(family: Family, client_for: Any) -> None:
    c = client_for(family.office.clerk, family.office)
    url = f"/tax/person/{family.head}/"
    assert "年度が正しくありません" in html(c.get(url + "?year=令和99", follow=False))
    resp = c.post(
        url + "enter/",
        {**FORM, "salary_revenue": "-5", "deductions": "1,2,3", "status": "nonsense"},
    )
    assert resp.status_code == 400
    text = html(resp)
    assert (
        "給与収入：金額に負の値は入力できません" in text
        and "所得控除合計：桁区切りのカンマ" in text
    )
    assert c.get("/tax/person/99999999/").status_code == 404
    assert c.post("/tax/person/99999999/enter/", FORM).status_code == 404
    assert c.get("/tax/person/99999999999999999999/").status_code == 404


def test_a_protected_person_from_the_protected_side(family: Family, client_for: Any) -> None:
    """The clerk without need-to-know learns nothing of 花子's tax record, cannot write one, and
    every try is alerted; the 支援措置担当 sees it."""
    officer = client_for(family.officer, family.office)
    assert officer.post(f"/tax/person/{family.wife}/enter/", FORM).status_code == 302
    before = alerts(family.office, family.wife)
    clerk = client_for(family.office.clerk, family.office)
    for resp in (
        clerk.get(f"/tax/person/{family.wife}/?year=2025"),
        clerk.post(f"/tax/person/{family.wife}/enter/", {**FORM, "reason": "x"}),
    ):
        assert resp.status_code == 403
        text = html(resp)
        assert "支援措置の対象" in text
        for secret in (
            "髙橋\u3000花子",
            "昭和57年",
            family.atena[family.wife],
            "4,000,000",
            "163,000",
        ):
            assert secret not in text
    assert alerts(family.office, family.wife) == before + 2
    with activate(family.office.ctx()):
        assert Assessment.objects.filter(person_id=family.wife).count() == 1
    seen = officer.get(f"/tax/person/{family.wife}/?year=2025")
    assert seen.status_code == 200 and "163,000円" in html(seen)


def test_another_municipalitys_person_is_not_found(
    family: Family, office_b: Any, client_for: Any
) -> None:
    client_for(family.office.clerk, family.office).post(f"/tax/person/{family.head}/enter/", FORM)
    c = client_for(office_b.clerk, office_b)
    assert c.get(f"/tax/person/{family.head}/?year=2025").status_code == 404
    assert c.post(f"/tax/person/{family.head}/enter/", {**FORM, "reason": "x"}).status_code == 404
    with activate(family.office.ctx()):
        assert Assessment.objects.count() == 1


def test_staff_without_tax_manage_are_refused(family: Family, client_for: Any) -> None:
    from jichitai.accounts.models import RoleGrant, Staff

    auditor = Staff.objects.create(username="tax-aud")
    RoleGrant.objects.create(staff=auditor, municipality=family.office.municipality, role="auditor")
    assert client_for(auditor, family.office).get(f"/tax/person/{family.head}/").status_code == 403


def test_the_person_page_links_to_the_tax_record_for_staff_who_may_open_it(
    family: Family, client_for: Any
) -> None:
    from jichitai.accounts.models import RoleGrant, Staff

    reader = Staff.objects.create(username="tax-reader")
    RoleGrant.objects.create(
        staff=reader, municipality=family.office.municipality, role="support_inquiry"
    )
    link = f'href="/tax/person/{family.head}/"'
    assert link in html(
        client_for(family.office.clerk, family.office).get(f"/registry/persons/{family.head}/")
    )
    page = client_for(reader, family.office).get(f"/registry/persons/{family.head}/")
    assert page.status_code == 200 and link not in html(page)
