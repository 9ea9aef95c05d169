"""統計の画面 ([1080]): the tables and SVG charts for a 和暦 基準日, CSV and XLSX downloads, bad input
answered 400 in Japanese, only the capability's holders, another municipality never counted, and
no person reachable from it (支援措置: tested from the protected side)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.tenancy.context import activate
from tests.registry.conftest import move_in_family, people
from tests.registry.test_search_support import _protect

pytestmark = pytest.mark.django_db
URL = "/registry/statistics/"


def _html(r) -> str:
    return r.content.decode()


@pytest.mark.std("1080#1")
def test_the_screen_shows_the_tables_and_charts_for_a_wareki_date(
    office, office_b, staff_client
) -> None:
    with activate(office.ctx()):
        move_in_family(office, dt.date(2024, 4, 1))
    with activate(office_b.ctx()):
        move_in_family(office_b, dt.date(2024, 4, 1), family="渡辺")
        move_in_family(office_b, dt.date(2024, 5, 1), family="佐藤")
    r = staff_client("clerk").get(URL, {"date": "令和7年1月1日"})
    assert r.status_code == 200
    html = _html(r)
    assert "令和7年1月1日現在" in html and "令和6年1月1日〜令和6年12月31日" in html
    assert 'id="table-population"' in html and "<svg" in html and "人口ピラミッド" in html
    assert (
        "<rect" in html and "<script>" not in html and " style=" not in html
    )  # CSP: nothing inline
    assert _total(html, "population") == ["2", "1", "3"]  # A's three persons, never B's six


def _total(html: str, key: str) -> list[str]:
    """The cells of a table's last (total) row."""
    table = html.split(f'id="table-{key}"')[1].split("</table>")[0]
    return re.findall(r"<td>([^<]*)</td>", table.split('class="total"')[1])


def test_the_default_date_is_this_years_first_of_january(office, staff_client) -> None:
    r = staff_client("approver").get(URL)
    assert r.status_code == 200
    assert f"令和{dt.date.today().year - 2018}年1月1日現在" in _html(r)


@pytest.mark.parametrize(
    "query",
    [
        {"date": "令和99年13月1日"},
        {"date": "abc"},
        {"date": "x" * 5000},
        {"date": "2025-01-01", "start": "2025-06-01"},
        {"date": "1800-01-01"},
    ],
)
def test_bad_input_is_named_never_a_5xx(office, staff_client, query) -> None:
    client = staff_client("clerk")
    r = client.get(URL, query)
    assert r.status_code == 400 and "error-summary" in _html(r)
    assert client.get("/registry/statistics.csv", query).status_code == 400


def test_csv_and_xlsx_download(office, staff_client) -> None:
    from openpyxl import load_workbook

    with activate(office.ctx()):
        move_in_family(office, dt.date(2024, 4, 1))
    client = staff_client("clerk")
    r = client.get("/registry/statistics.csv", {"date": "2025-01-01"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = r.content.decode("utf-8-sig")
    assert "基準日,令和7年1月1日現在" in text and "【住民票記載数（集計期間）】" in text
    assert "国内転入,0,0,0,0,0,0,0" not in text  # the 3 persons' 転入 are counted
    r = client.get("/registry/statistics.xlsx", {"date": "令和7年1月1日"})
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames[0] == "表紙" and book.worksheets[1]["D5"].value == 3
    with activate(office.ctx()):  # each output is in the operation log, with what was asked
        outputs = [
            e.detail["output"] for e in AuditEntry.objects.filter(action="registry.statistics")
        ]
        assert sorted(outputs) == ["csv", "xlsx"]


def test_only_the_capability_holders_see_it(office, staff_client) -> None:
    assert staff_client(roles=["auditor"]).get(URL).status_code == 403
    assert (
        staff_client(roles=["support_measure"]).get("/registry/statistics.csv").status_code == 403
    )
    r = staff_client("clerk").get("/registry/")
    assert 'href="/registry/statistics/"' in _html(r)


def test_a_protected_person_is_counted_but_never_shown(office, staff_client) -> None:
    """支援措置: the screen and files carry counts only; no name, 宛名番号, address or link to a
    person reaches staff, with or without need-to-know."""
    with activate(office.ctx()):
        move_in_family(office, dt.date(2024, 4, 1))
        head = people()[0]
        _protect(office, head.pk, dt.date(2024, 5, 1))
        secrets = [
            head.family_name,
            head.given_name,
            head.atena_no,
            head.household.household_no,
            "本町一丁目",
            "1番地2",
            head.resident_code,
        ]
    for who in ("clerk", "approver"):
        client = staff_client(who)
        for path in (URL, "/registry/statistics.csv"):
            body = client.get(path, {"date": "2025-01-01"}).content.decode("utf-8-sig")
            assert "/registry/persons/" not in body and "/registry/households/" not in body
            for secret in secrets:
                assert secret not in body.split("</nav>")[-1], secret
    html = _html(staff_client("clerk").get(URL, {"date": "2025-01-01"}))
    assert _total(html, "population")[-1] == "3"  # counted all the same
