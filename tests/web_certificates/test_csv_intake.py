"""[1430]#1 on the certificate side: 交付申請書 and 個人番号カード券面事項 CSV pre-fill the counter;
problems by file, line, item and rule; a protected person is "not found"; another municipality's
residents are never found. The reader itself is tried with random bytes (hypothesis)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.registry import support
from jichitai.registry.csv_intake import checks, events
from jichitai.registry.csv_intake.reading import Problem, Refused, read
from jichitai.tenancy.context import activate

from .conftest import family, login, officer

URL = "/certificates/intake/"
HEADER = (
    "申請番号,証明書の種類,対象者氏名,対象者生年月日,世帯全員,本籍・筆頭者,部数,請求者の区分,請求者氏名,"
    "請求者生年月日,使用目的\n"
)


def _post(client: Client, source: str, text: str, name: str = "shinsei.csv") -> Any:
    f = SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")
    return client.post(URL, {"source": source, "file": f})


@pytest.mark.django_db
@pytest.mark.std("1430#1")
def test_an_application_fills_the_counter(office: Any, office_b: Any, staff_client: Any) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
    client = staff_client("clerk")
    text = (
        HEADER
        + "A-1,住民票の写し,髙橋　一郎,昭和55年5月1日,はい,はい,2,同一世帯,髙橋　花子,1982-07-07,年金の手続\n"
    )
    body = _post(client, "application", text).content.decode()
    assert 'href="/certificates/?intake=0"' in body and "住民票の写し" in body
    page = client.get("/certificates/?intake=0").content.decode()
    assert f'value="{head.pk}"' in page  # the subject
    assert re.search(
        rf'name="requester_person_id"[^>]*value="{wife.pk}"', page
    )  # the requester, found
    assert re.search(r'name="whole_household"[^>]*checked', page) and re.search(
        r'name="honseki"[^>]*checked', page
    )
    assert re.search(r'name="copies"[^>]*value="2"', page) and "年金の手続" in page
    assert not re.search(r'name="my_number"[^>]*checked', page)
    # issued as pre-filled: the issuance rules apply as at the counter
    values = client.session["jichitai_csv_intake"]["certificate"]["drafts"][0]["values"]
    issued = client.post("/certificates/issue/", values)
    assert issued.status_code == 200, re.findall(
        r"[^<>]*(?:ください|できません|ありません)[^<>]*", issued.content.decode()
    )[:6]
    assert issued.content.startswith((b"%PDF-", b"PK\x03\x04"))  # one PDF, or signed copies zipped
    from jichitai.certificates.models import Issuance

    with activate(office.ctx()):
        (row,) = Issuance.objects.all()
        assert row.copies == 2 and row.purpose == "年金の手続"
    bad = HEADER + "A-2,住民票の原本,髙橋　一郎,1980-05-01,たぶん,,20,友人,,,\n"
    refused = _post(client, "application", bad, "bad.csv").content.decode()
    for item in ("証明書の種類", "世帯全員", "部数", "請求者の区分"):
        assert f"bad.csv 2行目 {item}" in refused, item
    # B's counter: A's residents are not found
    client_b = login(Client(), office_b.clerk, office_b.municipality)
    assert "見つかりません（髙橋　一郎）" in _post(client_b, "application", text).content.decode()


@pytest.mark.django_db
@pytest.mark.std("1430#1")
def test_card_data_is_a_self_request_and_a_protected_person_is_not_found(
    office: Any, staff_client: Any
) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        staff = officer(office)
        support.start_measure(
            wife.pk, start=dt.date(2024, 1, 1), reason="DV", against=[], staff=staff
        )
    card = "住所,氏名,旧氏,通称,生年月日,性別\n本町一丁目1番地2,髙橋　一郎,,,1980-05-01,男\n"
    client = staff_client("clerk")
    _post(client, "card", card)
    page = client.get("/certificates/?intake=0").content.decode()
    assert re.search(rf'name="requester_person_id"[^>]*value="{head.pk}"', page)
    protected = "住所,氏名,生年月日,性別\n本町一丁目1番地2,髙橋　花子,1982-07-07,女\n"
    nobody = "住所,氏名,生年月日,性別\n本町一丁目1番地2,髙橋　花江,1982-07-07,女\n"
    seen = _post(client, "card", protected).content.decode()
    unknown = _post(client, "card", nobody).content.decode()

    def problems(p: str) -> str:
        return p.split('<ul id="intake-problems">')[1].split("</ul>")[0]

    assert problems(seen).replace("花子", "？") == problems(unknown).replace("花江", "？")
    assert "intake-drafts" not in seen
    assert (
        'href="/certificates/?intake=0"'
        in _post(login(Client(), staff, office.municipality), "card", protected).content.decode()
    )


CELLS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(CELLS, min_size=0, max_size=8), max_size=6),
    st.sampled_from(["utf-8", "cp932"]),
)
def test_the_reader_never_fails_and_locates_every_problem(
    lines: list[list[str]], encoding: str
) -> None:
    header = "証明書番号,氏名,生年月日,性別,続柄,転出元住所\n"
    body = "\n".join(",".join('"' + c.replace('"', '""') + '"' for c in row) for row in lines)
    try:
        data = (header + body).encode(encoding)
    except UnicodeEncodeError:
        data = (header + body).encode("utf-8")
    rows, problems = read(data, "h.csv", events.MOVE_OUT_CERTIFICATE)
    assert all(
        isinstance(p, Problem) and p.file == "h.csv" and 0 <= p.line <= len(lines) + 2
        for p in problems
    )
    for r in rows:  # a value is there only when its checker took it
        assert set(r.values) <= {c.key for c in events.MOVE_OUT_CERTIFICATE}


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_a_date_in_wareki_or_seireki_reads_back(day: dt.date) -> None:
    from jichitai.wareki import format_date

    assert checks.date(day.isoformat()) == day.isoformat()
    assert checks.date(format_date(day)) == day.isoformat()
    assert checks.date(
        day.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    ) in (day.isoformat(),)


def test_checkers_refuse_in_japanese() -> None:
    for check, value, rule in (
        (checks.sex, "M", "sex"),
        (checks.relationship, "ペット", "relationship"),
        (checks.furigana, "Yamada", "kana_only"),
        (checks.count, "11", "copies"),
        (checks.my_number, "123456789012", "my_number"),
    ):
        with pytest.raises(Refused) as exc:
            check(value)
        assert exc.value.rule == rule and re.search(r"[ぁ-んァ-ン一-龥]", exc.value.message)
