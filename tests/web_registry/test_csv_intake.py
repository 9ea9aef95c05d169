"""[1430]#1 on the 異動 side: 転出証明書, 住民異動届 and 個人番号カード券面事項 CSV (made by any means,
UTF-8 or Shift_JIS) pre-fill the 異動 forms; every problem names the file, the line, the item and the
rule, and nothing is drafted from a file with a problem. A protected person is "not found" exactly as
a person not on the register; another municipality's residents and drafts are never reached."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jichitai.codes import my_number_check_digit, resident_code_check_digit
from jichitai.registry import support
from jichitai.registry.models import RegistryEvent
from jichitai.tenancy.context import activate
from tests.registry.conftest import move_in_family, people

from .conftest import login

pytestmark = pytest.mark.django_db
URL = "/registry/events/csv/"
CODE = "1234567890" + str(resident_code_check_digit("1234567890"))
CODE2 = "1234567891" + str(resident_code_check_digit("1234567891"))
NUMBER = "12345678901" + str(my_number_check_digit("12345678901"))
CERT_HEADER = "証明書番号,氏名,フリガナ,生年月日,性別,続柄,住民票コード,本籍,筆頭者,転出元住所,転出先住所,転出予定日\n"


def _post(
    client: Client, source: str, text: str, name: str = "in.csv", encoding: str = "utf-8"
) -> Any:
    f = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return client.post(URL, {"source": source, "file": f})


def _value(page: str, name: str) -> str:
    m = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page
    )
    return m.group(1) if m else ""


@pytest.mark.std("1430#1")
def test_a_move_out_certificate_fills_the_move_in_form(office: Any, staff_client: Any) -> None:
    client = staff_client("clerk")
    text = CERT_HEADER + (
        f"T-1,山田　太郎,ヤマダ　タロウ,昭和55年5月1日,男,世帯主,{CODE},東京都千代田区1番,山田太郎,"
        "東京都千代田区千代田1番1号,本町一丁目3番地,令和6年4月1日\n"
        f"T-1,山田　花子,やまだ　はなこ,1982-07-07,女,妻,{CODE2},東京都千代田区1番,山田太郎,"
        "東京都千代田区千代田1番1号,本町一丁目3番地,令和6年4月1日\n"
    )
    listed = _post(
        client, "move_out_certificate", text, "tenshutsu.csv", "cp932"
    )  # Shift_JIS as a spreadsheet saves
    body = listed.content.decode()
    assert listed.status_code == 200 and "山田　太郎、山田　花子" in body and "2〜3行目" in body
    link = re.search(r'href="(/registry/events/new/move_in/\?intake=0)"', body)
    assert link is not None
    form = client.get(link.group(1)).content.decode()
    assert (
        _value(form, "persons-1-family_name") == "山田"
        and _value(form, "persons-2-given_name") == "花子"
    )
    assert _value(form, "persons-2-given_name_kana") == "ハナコ"  # ひらがな normalized to カタカナ
    assert (
        _value(form, "persons-1-birth_date") == "1980-05-01"
        and _value(form, "persons-1-resident_code") == CODE
    )
    assert (
        _value(form, "previous_address") == "東京都千代田区千代田1番1号"
        and _value(form, "banchi") == "3番地"
    )
    assert re.search(rf'<option value="{office.address.pk}" selected', form)
    with activate(office.ctx()):
        assert not RegistryEvent.objects.exists()  # the intake stores nothing
    # the form as pre-filled, the 異動日 (not on a 転出証明書) typed by the clerk, submitted: a 仮登録
    values = client.session["jichitai_csv_intake"]["event"]["drafts"][0]["values"]
    assert "effective_date" not in values
    post = {**values, "effective_date": "令和6年4月5日", "rows": "2", "idempotency_key": "csv-1"}
    done = client.post("/registry/events/new/move_in/", post)
    assert done.status_code == 302, re.findall(
        r"[^<>]*(?:ください|できません|ありません)[^<>]*", done.content.decode()
    )[:8]
    with activate(office.ctx()):
        (event,) = RegistryEvent.objects.all()
        assert [p["given_name"] for p in event.request["persons"]] == ["太郎", "花子"]
        assert event.request["previous_address"] == "東京都千代田区千代田1番1号"


@pytest.mark.std("1430#1")
def test_every_problem_names_file_line_item_and_rule(office: Any, staff_client: Any) -> None:
    client = staff_client("clerk")
    text = CERT_HEADER + (
        "1,山田　太郎,ヤマダ,令和6年2月30日,男,世帯主,,,,東京都,,\n"
        "2,山田　次郎,ヤマダ,1990-01-01,X,孫,123,,,東京都,,\n"
    )
    refused = _post(client, "move_out_certificate", text, "bad.csv")
    body = refused.content.decode()
    assert refused.status_code == 400 and "intake-drafts" not in body
    assert "bad.csv 2行目 生年月日" in body and "(date)" in body.replace("（", "(").replace(
        "）", ")"
    )
    assert "bad.csv 3行目 性別" in body and "bad.csv 3行目 続柄" in body and "子の子" in body
    assert "bad.csv 3行目 住民票コード" in body
    missing = _post(
        client,
        "move_out_certificate",
        "氏名,生年月日,趣味\n山田　太郎,1980-01-01,釣り\n",
        "cols.csv",
    )
    text = missing.content.decode()
    assert (
        "「趣味」は取り込める項目ではありません" in text
        and "「転出元住所」の列がありません" in text
    )


@pytest.mark.std("1430#1")
def test_a_notification_finds_the_household_for_a_move_within(
    office: Any, office_b: Any, staff_client: Any
) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
    text = (
        "受付番号,異動の種類,異動日,届出日,新住所,方書,氏名,生年月日\n"
        "U-7,転居,令和6年5月1日,令和6年5月2日,栄町二丁目5番地,コーポ栄101,髙橋　一郎,1980-05-01\n"
        "U-7,転居,令和6年5月1日,令和6年5月2日,栄町二丁目5番地,コーポ栄101,髙橋　花子,1982-07-07\n"
    )
    client = staff_client("clerk")
    body = _post(client, "notification", text).content.decode()
    link = re.search(
        r'href="(/registry/events/new/move_within/\?intake=0&amp;household=(\d+))"', body
    )
    assert link is not None and int(link.group(2)) == head.household_id
    form = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert re.search(rf'value="{head.pk}"[^>]*checked', form) and re.search(
        rf'value="{wife.pk}"[^>]*checked', form
    )
    assert not re.search(rf'value="{son.pk}"[^>]*checked', form)
    assert (
        _value(form, "effective_date") == "2024-05-01" and _value(form, "katagaki") == "コーポ栄101"
    )
    assert re.search(rf'<option value="{office.address2.pk}" selected', form)
    # B's clerk: A's family is not on B's register
    client_b = login(Client(), office_b.clerk, office_b.municipality)
    refused = _post(client_b, "notification", text).content.decode()
    assert "氏名・生年月日が一致する住民が見つかりません（髙橋　一郎）" in refused


@pytest.mark.std("1430#1")
def test_a_protected_person_is_not_found_without_need_to_know(
    office: Any, staff_client: Any
) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        from tests.registry.test_support_period import _officers

        manager, _ = _officers(office)
        support.start_measure(
            wife.pk, start=dt.date(2024, 1, 1), reason="DV", against=[], staff=manager
        )
    protected = "受付番号,異動の種類,異動日,新住所,氏名,生年月日\n1,転出,令和6年5月1日,大阪市,髙橋　花子,1982-07-07\n"
    nobody = "受付番号,異動の種類,異動日,新住所,氏名,生年月日\n1,転出,令和6年5月1日,大阪市,髙橋　花江,1982-07-07\n"
    clerk = staff_client("clerk")
    seen = _post(clerk, "notification", protected).content.decode()
    unknown = _post(clerk, "notification", nobody).content.decode()
    assert "見つかりません（髙橋　花子）" in seen

    def problems(page: str) -> str:
        return page.split('<ul id="intake-problems">')[1].split("</ul>")[0]

    # word for word what a person not on the register gets: nothing tells the protected person apart
    assert problems(seen).replace("花子", "？") == problems(unknown).replace("花江", "？")
    officer = login(Client(), manager, office.municipality)
    drafted = _post(officer, "notification", protected)
    assert drafted.status_code == 200 and "転出届（転出予定）を開く" in drafted.content.decode()


@pytest.mark.std("1430#1")
def test_card_data_fills_a_move_in_and_its_my_number_needs_the_right(
    office: Any, office_b: Any, staff_client: Any
) -> None:
    from jichitai.accounts.models import RoleGrant, Staff

    text = f"住所,氏名,旧氏,生年月日,性別,個人番号\n東京都港区1番,鈴木　一,,平成2年3月4日,男,{NUMBER}\n"
    refused = _post(staff_client("clerk"), "card", text, "card.csv").content.decode()
    assert "card.csv 2行目 個人番号" in refused and "個人番号を取り込む権限がありません" in refused
    staff = Staff.objects.create(username="kenmu-intake", display_name="兼務 職員")
    for m in (office.municipality, office_b.municipality):
        RoleGrant.objects.create(staff=staff, municipality=m, role="clerk")
    RoleGrant.objects.create(staff=staff, municipality=office.municipality, role="my_number_access")
    client = login(Client(), staff, office.municipality)
    body = _post(client, "card", text, "card.csv").content.decode()
    form = client.get("/registry/events/new/move_in/?intake=0").content.decode()
    assert "鈴木　一" in body and _value(form, "persons-1-my_number") == NUMBER
    assert (
        _value(form, "previous_address") == "東京都港区1番"
        and _value(form, "persons-1-birth_date") == "1990-03-04"
    )
    # the drafts are the acting municipality's: the same staff member working for B gets an empty form
    in_b = login(Client(), staff, office_b.municipality)
    session = in_b.session
    session["jichitai_csv_intake"] = client.session["jichitai_csv_intake"]  # even carried over
    session.save()
    other = in_b.get("/registry/events/new/move_in/?intake=0")
    assert (
        other.status_code == 200
        and NUMBER not in other.content.decode()
        and "鈴木" not in other.content.decode()
    )


def test_an_expired_session_with_a_drafted_my_number_is_cleared_by_the_hourly_unit(
    office: Any, office_b: Any
) -> None:
    """deploy/systemd/jichitai-sessions-clear runs `jichitai manage clearsessions`: a session past its
    8 hours, drafts and 個人番号 included, is deleted; a live one (another municipality's) is kept."""
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone

    from jichitai.accounts.models import RoleGrant, Staff

    staff = Staff.objects.create(username="kenmu-expiry", display_name="兼務 職員")
    RoleGrant.objects.create(staff=staff, municipality=office.municipality, role="clerk")
    RoleGrant.objects.create(staff=staff, municipality=office.municipality, role="my_number_access")
    RoleGrant.objects.create(staff=staff, municipality=office_b.municipality, role="clerk")
    client = login(Client(), staff, office.municipality)
    text = f"住所,氏名,旧氏,生年月日,性別,個人番号\n東京都港区1番,鈴木　一,,平成2年3月4日,男,{NUMBER}\n"
    assert "鈴木　一" in _post(client, "card", text, "card.csv").content.decode()
    expired = Session.objects.get(session_key=client.session.session_key)
    assert NUMBER in str(expired.get_decoded())  # what the unit is for
    live = login(Client(), staff, office_b.municipality).session.session_key
    Session.objects.filter(pk=expired.pk).update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    call_command("clearsessions")  # what `jichitai manage clearsessions` runs (test_deploy_files)
    assert not Session.objects.filter(pk=expired.pk).exists()
    assert Session.objects.filter(pk=live).exists()
    assert "鈴木" not in client.get("/registry/events/new/move_in/?intake=0").content.decode()
