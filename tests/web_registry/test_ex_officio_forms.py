"""The 職権 part of the 異動 forms ([780]#2, [790]#3: dates first shown as today), the 失踪 and 軽微な修正
forms ([830], [840]#3, [850]) and the 出生 form's 戸籍の表示の引用 ([770]#2). Another municipality's
person or household cannot be reached from A's form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.registry.ex_officio_models import ExOfficioRecord
from jichitai.registry.models import Person, RegistryEvent
from jichitai.registry.records_models import EventEntry
from jichitai.tenancy.context import activate
from jichitai.wareki import format_date
from tests.registry.conftest import move_in_family, people

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.std("780#2", "790#3")
@pytest.mark.parametrize("kind", ["name_change", "ex_officio_correction", "disappearance", "death"])
def test_the_koseki_and_offer_dates_start_as_today_in_wareki(
    office: Any, staff_client: Any, kind: str
) -> None:
    with activate(office.ctx()):
        head = move_in_family(office).household_id
    page = (
        staff_client("clerk").get(f"/registry/events/new/{kind}/?household={head}").content.decode()
    )
    today = format_date(timezone.localdate())
    for name in ("koseki_reported_on", "notified_on", "offered_on"):
        assert f'name="{name}"' in page
    assert page.count(f'value="{today}"') >= 3 and "職権の契機" in page


@pytest.mark.std("780#1", "790#1", "790#2")
def test_a_name_change_on_a_koseki_notice_is_entered_with_its_record(
    office: Any, office_b: Any, staff_client: Any
) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
    data = {
        "effective_date": "2024-05-01",
        "person_id": str(wife.pk),
        "family_name": "佐藤",
        "basis": "koseki_notice",
        "notified_on": "令和6年5月8日",
        "offered_on": "令和6年5月9日",
        "matter": "本籍地からの通知",
        "idempotency_key": "k-ex-1",
    }
    resp = staff_client("clerk").post("/registry/events/new/name_change/", data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    with activate(office.ctx()):
        event = RegistryEvent.objects.get(kind="name_change")
        record = ExOfficioRecord.objects.get(event=event)
        assert (record.basis, record.matter) == ("koseki_notice", "本籍地からの通知")
        entry = EventEntry.objects.get(event=event)
        assert (entry.notified_on, entry.offered_on) == (
            D(2024, 5, 8),
            None,
        )  # only the basis's date is kept
        assert "basis" not in event.request and event.reported_date is None
    resp = staff_client("clerk").post(
        "/registry/events/new/ex_officio_correction/",
        {
            "effective_date": "2024-05-01",
            "person_id": str(wife.pk),
            "change-1-field": "given_name_kana",
            "change-1-value": "ハナ",
            "basis": "offer",
            "offered_on": "令和6年5月9日",
            "idempotency_key": "k-ex-2",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    with activate(office.ctx()):
        event = RegistryEvent.objects.get(kind="ex_officio_correction")
        assert EventEntry.objects.get(event=event).offered_on == D(2024, 5, 9)
    with activate(office_b.ctx()):
        assert not ExOfficioRecord.objects.exists()


def test_bad_inputs_are_messages_not_errors(office: Any, staff_client: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
    base = {"effective_date": "2024-05-01", "person_id": str(wife.pk), "family_name": "佐藤"}
    for extra in (
        {"basis": "koseki_notice", "notified_on": "明日かも"},
        {"basis": "nonsense"},
        {"basis": "report_applied"},
        {"basis": "offer", "reported_date": "2024-05-01"},
    ):
        resp = staff_client("clerk").post("/registry/events/new/name_change/", {**base, **extra})
        assert resp.status_code == 400, extra
    with activate(office.ctx()):
        assert (
            not RegistryEvent.objects.exists()
            or not RegistryEvent.objects.filter(kind="name_change").exists()
        )


@pytest.mark.std("830#1", "840#3", "850#1")
def test_the_disappearance_and_minor_correction_forms(
    office: Any, office_b: Any, staff_client: Any
) -> None:
    with activate(office.ctx()):
        hid = move_in_family(office).household_id
        head, wife, child = people()
    menu = staff_client("clerk").get("/registry/events/new/").content.decode()
    assert "軽微な修正" in menu and "職権修正" in menu and "失踪" in menu
    resp = staff_client("clerk").post(
        f"/registry/events/new/disappearance/?household={hid}",
        {
            "household": str(hid),
            "effective_date": "2024-05-01",
            "person_id": str(child.pk),
            "basis": "koseki_notice",
            "notified_on": "2024-05-03",
            "idempotency_key": "k-ex-3",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    resp = staff_client("clerk").post(
        "/registry/events/new/minor_correction/",
        {
            "effective_date": "2024-05-01",
            "ground": "residence_indication",
            "household_id": str(hid),
            "change-1-field": "banchi",
            "change-1-value": "5番",
            "idempotency_key": "k-ex-4",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    resp = staff_client("clerk").post(
        "/registry/events/new/minor_correction/",
        {
            "effective_date": "2024-05-01",
            "ground": "lot_number",
            "person_id": str(wife.pk),
            "change-1-field": "family_name",
            "change-1-value": "高橋",
            "idempotency_key": "k-ex-5",
        },
    )
    assert resp.status_code == 400 and "修正できない項目" in resp.content.decode()
    with activate(office.ctx()):
        assert set(RegistryEvent.objects.values_list("kind", flat=True)) >= {
            "disappearance",
            "minor_correction",
        }
    with activate(office_b.ctx()):
        other = move_in_family(office_b, family="山田").household_id
    resp = staff_client("clerk").post(
        "/registry/events/new/minor_correction/",
        {
            "effective_date": "2024-05-01",
            "ground": "residence_indication",
            "household_id": str(other),
            "change-1-field": "banchi",
            "change-1-value": "5番",
            "idempotency_key": "k-ex-6",
        },
    )
    assert resp.status_code == 400 and "見つかりません" in resp.content.decode()


@pytest.mark.std("770#2")
def test_the_birth_form_quotes_a_members_koseki_display(office: Any, staff_client: Any) -> None:
    with activate(office.ctx()):
        hid = move_in_family(office).household_id
        head = people()[0]
    page = (
        staff_client("clerk").get(f"/registry/events/new/birth/?household={hid}").content.decode()
    )
    assert "戸籍の表示（本籍・筆頭者）を引用する世帯員" in page
    resp = staff_client("clerk").post(
        f"/registry/events/new/birth/?household={hid}",
        {
            "household": str(hid),
            "effective_date": "2024-05-01",
            "person-family_name": "髙橋",
            "person-given_name": "三郎",
            "person-sex": "1",
            "person-relationship": "子",
            "person-resident_code": "12345678901",
            "koseki_from_id": str(head.pk),
            "idempotency_key": "k-ex-7",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    with activate(office.ctx()):
        event = RegistryEvent.objects.get(kind="birth")
        assert event.request["koseki_from_id"] == head.pk
        from jichitai.registry import events

        events.approve_event(event.pk, approver=office.approver)
        baby = Person.objects.without_read_log("テスト").get(given_name="三郎")
        assert baby.honseki == head.honseki


@pytest.mark.std("800#1", "800#2")
def test_the_address_setting_form_takes_an_unknown_or_unreported_previous_address(
    office: Any, staff_client: Any
) -> None:
    page = staff_client("clerk").get("/registry/events/new/ex_officio_entry/").content.decode()
    assert "未届転入" in page and "不明" in page
    data = {
        "effective_date": "2024-05-01",
        "address_id": str(office.address.pk),
        "banchi": "8番地",
        "previous_address": "大阪府大阪市北区2番",
        "unreported": "true",
        "basis": "investigation",
        "persons-1-family_name": "青木",
        "persons-1-given_name": "一",
        "persons-1-birth_date": "1975-01-01",
        "persons-1-sex": "1",
        "persons-1-relationship": "世帯主",
        "persons-1-honseki": "不明",
        "persons-1-resident_code": "12345678902",
        "idempotency_key": "k-ex-8",
    }
    resp = staff_client("clerk").post("/registry/events/new/ex_officio_entry/", data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    with activate(office.ctx()):
        event = RegistryEvent.objects.get(kind="ex_officio_entry")
        assert (
            event.request["unreported"] is True
            and ExOfficioRecord.objects.filter(event=event).exists()
        )


def _koseki_file(*notices: dict[str, Any]) -> Any:
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"format": "jichitai.koseki-notice/1", "source": "甲県乙市", "notices": list(notices)}
    return SimpleUploadedFile("koseki.json", json.dumps(body, ensure_ascii=False).encode(), "application/json")


@pytest.mark.std("770#1")
def test_the_koseki_screen_enters_the_file_and_lists_what_needs_a_look(office: Any, office_b: Any,
                                                                        staff_client: Any) -> None:
    from tests.registry.conftest import apply, person_spec
    from tests.registry.test_snapshots import _protect

    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
        apply(office, "move_in", {"household": {"new": {"address_id": office.address2.pk, "banchi": "5番地"}},
                                  "persons": [person_spec("p1", "青木", "守", "1970-03-03", "世帯主")],
                                  "previous_address": "東京都千代田区千代田1番1号"}, D(2020, 4, 1))
        (wife,) = people(family_name="青木")  # the protected one, in a household of his own
        _protect(office, wife.pk)
    with activate(office_b.ctx()):
        move_in_family(office_b, family="山田")
        elsewhere = people()[0]
    assert "戸籍通知の取込" in staff_client("clerk").get("/registry/events/new/").content.decode()
    assert staff_client("clerk").get("/registry/events/koseki/").status_code == 200
    notices = (
        {"id": "N1", "type": "koseki_display", "effective_date": "2024-05-01",
         "person": {"resident_code": head.resident_code}, "honseki": "甲県乙市本町9番地"},
        {"id": "N2", "type": "name", "effective_date": "2024-05-01",
         "person": {"resident_code": wife.resident_code}, "family_name": "佐藤"},
        {"id": "N3", "type": "death", "effective_date": "2024-05-01",
         "person": {"resident_code": elsewhere.resident_code}},
    )
    page = staff_client("clerk").post("/registry/events/koseki/", {"file": _koseki_file(*notices)})
    text = page.content.decode()
    assert page.status_code == 200
    assert "仮登録した通知（1件）" in text
    assert "確認リスト（2件）" in text
    listed = text.split('id="koseki-entered"')[1]
    assert "支援措置" not in listed and wife.atena_no not in listed and "青木" not in listed and "栄町" not in listed
    assert "山田" not in listed and elsewhere.atena_no not in listed
    csv_resp = staff_client("clerk").post("/registry/events/koseki/", {"file": _koseki_file(*notices), "as_csv": "1"})
    body = csv_resp.content.decode("utf-8-sig")
    assert csv_resp["Content-Type"].startswith("text/csv") and body.splitlines()[0].startswith("通知番号")
    for bad in ({}, {"file": _koseki_file()} and {"file": __import__("io").BytesIO(b"not json")}):
        assert staff_client("clerk").post("/registry/events/koseki/", bad).status_code == 400
    with activate(office.ctx()):
        assert RegistryEvent.objects.filter(kind="ex_officio_correction").count() == 1
    with activate(office_b.ctx()):
        assert not RegistryEvent.objects.filter(kind="death").exists()


@pytest.mark.std("760#1")
def test_a_report_form_enters_the_change_ex_officio_without_a_report_date(office: Any, staff_client: Any) -> None:
    with activate(office.ctx()):
        hid = move_in_family(office).household_id
        head, wife, child = people()
    page = staff_client("clerk").get(f"/registry/events/new/move_within/?household={hid}").content.decode()
    assert "届出の準用（届出がない場合）" in page
    data = {"household": str(hid), "effective_date": "2024-05-01", "person_ids": [str(child.pk)],
            "address_id": str(office.address2.pk), "banchi": "3番地", "basis": "report_applied",
            "matter": "転居届がないため職権で記載", "idempotency_key": "k-ex-9"}
    resp = staff_client("clerk").post(f"/registry/events/new/move_within/?household={hid}", data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    resp = staff_client("clerk").post(f"/registry/events/new/move_within/?household={hid}",
                                      {**data, "reported_date": "2024-05-02", "idempotency_key": "k-ex-10"})
    assert resp.status_code == 400 and "届出日は空欄" in resp.content.decode()
    with activate(office.ctx()):
        event = RegistryEvent.objects.get(kind="move_within")
        assert event.reported_date is None and event.ex_officio.basis == "report_applied"
