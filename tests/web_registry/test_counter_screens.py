"""窓口の画面 ([530] 仮登録一覧・全部本登録・取下げ・修正, [540] 確認票, [570] 届出日の初期表示, [580] 受理通知).

Each screen tried from the protected side too (支援措置: nothing of the person to staff without
need-to-know) and with another municipality's ids (404).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from jichitai.registry import events
from jichitai.registry.models import EventStatus, RegistryEvent
from jichitai.registry.rules import today
from jichitai.tenancy.context import activate
from jichitai.wareki import format_date
from tests.registry.conftest import apply, move_in_family, people
from tests.registry.test_counter_workflow import move_in_request, protected_wife
from tests.registry.test_search_support import _protect

pytestmark = pytest.mark.django_db
D = dt.date


def _submit(office: Any, req: dict[str, Any], staff: Any = None) -> Any:
    return events.submit_event("move_in", req, effective_date=D(2024, 4, 1), reported_date=D(2024, 4, 2),
                               entered_by=staff or office.clerk, confirm_alerts=True)


@pytest.mark.std("570#2")
def test_the_reported_date_shows_today_on_a_new_notification(office, staff_client) -> None:
    client = staff_client("clerk")
    page = client.get("/registry/events/new/move_in/").content.decode()
    assert f'value="{format_date(today())}"' in page
    page = client.get("/registry/events/new/ex_officio_entry/").content.decode()  # 職権: no 届出日
    reported = re.search(r'<input[^>]*name="reported_date"[^>]*>', page)
    assert reported and f'value="{format_date(today())}"' not in reported.group(0)


@pytest.mark.std("530#4")
def test_the_clerks_provisional_list_shows_the_entries_and_each_can_be_opened(office, staff_client) -> None:
    with activate(office.ctx()):
        sub = _submit(office, move_in_request(office))
    page = staff_client("clerk").get("/registry/provisional/").content.decode()
    assert f"/registry/provisional/{sub.event.pk}/" in page and "転入" in page
    sheet = staff_client("clerk").get(f"/registry/provisional/{sub.event.pk}/").content.decode()
    assert "異動入力確認票" in sheet and "青木" in sheet and "令和6年4月1日" in sheet
    queue = staff_client("approver").get("/registry/approvals/").content.decode()
    assert f'name="event" value="{sub.event.pk}"' in queue  # 異動者 chosen for 一括決裁


@pytest.mark.std("530#5")
def test_the_queue_shows_a_part_and_approves_all_of_it(office, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
        mine = events.submit_event("move_out_planned", {"person_ids": [head.pk], "destination": "大阪府"},
                                   effective_date=D(2024, 4, 1), reported_date=D(2024, 4, 1), entered_by=office.clerk)
        other = _submit(office, move_in_request(office))
    approver = staff_client("approver")
    page = approver.get(f"/registry/approvals/?person={head.pk}").content.decode()
    assert f"受付番号 {mine.event.pk}" in page and f"受付番号 {other.event.pk}" not in page
    resp = approver.post("/registry/approvals/approve-all/", {"person": str(head.pk)})
    assert resp.status_code == 302
    with activate(office.ctx()):
        assert RegistryEvent.objects.get(pk=mine.event.pk).status == EventStatus.APPROVED
        assert RegistryEvent.objects.get(pk=other.event.pk).status == EventStatus.PROVISIONAL
    assert staff_client("clerk").post("/registry/approvals/approve-all/", {}).status_code in (302, 403)
    with activate(office.ctx()):
        assert RegistryEvent.objects.get(pk=other.event.pk).status == EventStatus.PROVISIONAL


@pytest.mark.std("530#3")
def test_a_provisional_entry_is_withdrawn_from_its_sheet(office, staff_client) -> None:
    with activate(office.ctx()):
        sub = _submit(office, move_in_request(office))
    resp = staff_client("clerk").post(f"/registry/provisional/{sub.event.pk}/withdraw/", {"reason": "誤入力"})
    assert resp.status_code == 302
    with activate(office.ctx()):
        assert RegistryEvent.objects.get(pk=sub.event.pk).status == EventStatus.WITHDRAWN
    again = staff_client("clerk").post(f"/registry/provisional/{sub.event.pk}/withdraw/", {})
    assert again.status_code == 302  # refused with the message, back to the sheet


@pytest.mark.std("540#1")
def test_the_form_opens_with_the_entry_and_submitting_it_corrects_the_entry(office, staff_client) -> None:
    with activate(office.ctx()):
        sub = _submit(office, move_in_request(office, banchi="7番地"))
    client = staff_client("clerk")
    page = client.get(f"/registry/events/new/move_in/?amend={sub.event.pk}").content.decode()
    assert 'value="7番地"' in page and 'value="青木"' in page and f'name="amend" value="{sub.event.pk}"' in page
    post = {"amend": str(sub.event.pk), "effective_date": "2024-04-01", "reported_date": "2024-04-02",
            "previous_address": "東京都千代田区千代田1番1号", "address_id": str(office.address.pk), "banchi": "8番地",
            "rows": "1", "persons-1-family_name": "青木", "persons-1-given_name": "一郎",
            "persons-1-family_name_kana": "アオキ", "persons-1-given_name_kana": "イチロウ",
            "persons-1-birth_date": "1980-05-01", "persons-1-sex": "1", "persons-1-relationship": "世帯主",
            "persons-1-resident_type": "japanese", "persons-1-honseki": "テスト県甲村1番地",
            "persons-1-hittousha": "青木一郎", "persons-1-resident_code": sub.event.request["persons"][0]["resident_code"],
            "confirm_alerts": "1"}
    resp = client.post("/registry/events/new/move_in/", post)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    with activate(office.ctx()):
        assert RegistryEvent.objects.get(pk=sub.event.pk).status == EventStatus.WITHDRAWN
        (new,) = RegistryEvent.objects.filter(status=EventStatus.PROVISIONAL)
        assert new.request["household"]["new"]["banchi"] == "8番地" and new.touches["replaces"] == sub.event.pk


def test_another_clerks_or_a_protected_entry_is_not_opened_for_correction_540(office, staff_client) -> None:
    with activate(office.ctx()):
        wife, officer = protected_wife(office)
        sub = events.submit_event("move_out_planned", {"person_ids": [wife.pk], "destination": "大阪府大阪市"},
                                  effective_date=D(2024, 4, 1), reported_date=D(2024, 4, 1), entered_by=officer)
        hid = wife.household_id
    page = staff_client("approver").get(
        f"/registry/events/new/move_out_planned/?amend={sub.event.pk}&household={hid}").content.decode()
    assert "大阪府大阪市" not in page and 'name="amend"' not in page
    sheet = staff_client("approver").get(f"/registry/provisional/{sub.event.pk}/").content.decode()
    assert "大阪府大阪市" not in sheet and "髙橋\u3000花子" not in sheet and "支援措置" in sheet
    other_clerk = staff_client(roles=["clerk"])
    page = other_clerk.get(f"/registry/events/new/move_out_planned/?amend={sub.event.pk}&household={hid}")
    assert 'name="amend"' not in page.content.decode()


@pytest.mark.std("580#1")
def test_the_receipt_notice_is_shown_for_an_approved_notification(office, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        event = apply(office, "move_within", {"person_ids": [p.pk for p in people()], "address": {
            "address_id": office.address2.pk, "banchi": "9番地"}}, D(2024, 5, 1))
    page = staff_client("clerk").get(f"/registry/events/{event.pk}/receipt-notice/?notifier_name=代理+人子")
    text = page.content.decode()
    assert page.status_code == 200 and "住民異動届受理通知" in text and "代理 人子" in text
    assert "本町一丁目1番地2" in text and "栄町二丁目9番地" not in text


def test_the_receipt_notice_screen_masks_a_protected_person_and_refuses_a_provisional_event_580(
        office, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        event = apply(office, "move_within", {"person_ids": [p.pk for p in people()], "address": {
            "address_id": office.address2.pk, "banchi": "9番地"}}, D(2024, 5, 1))
        _protect(office, people()[1].pk)
        pending = _submit(office, move_in_request(office))
    text = staff_client("clerk").get(f"/registry/events/{event.pk}/receipt-notice/").content.decode()
    assert "髙橋\u3000花子" not in text and "本町一丁目1番地2" not in text and "（非表示）" in text
    resp = staff_client("clerk").get(f"/registry/events/{pending.event.pk}/receipt-notice/")
    assert resp.status_code == 200 and "本登録" in resp.content.decode() and "notice-errors" in resp.content.decode()


def test_another_municipalitys_event_is_not_found_on_the_counter_screens_530(office, office_b, staff_client) -> None:
    with activate(office_b.ctx(office_b.clerk)):
        theirs = move_in_family(office_b)
        pending = _submit(office_b, move_in_request(office_b, "井上", "8"), staff=office_b.clerk)
    client = staff_client("clerk")
    assert client.get(f"/registry/events/{theirs.pk}/receipt-notice/").status_code == 404
    assert client.get(f"/registry/provisional/{pending.event.pk}/").status_code == 404
    assert client.post(f"/registry/provisional/{pending.event.pk}/withdraw/", {}).status_code == 404
    page = client.get(f"/registry/events/new/move_in/?amend={pending.event.pk}").content.decode()
    assert "井上" not in page
    with activate(office_b.ctx(office_b.clerk)):
        assert RegistryEvent.objects.get(pk=pending.event.pk).status == EventStatus.PROVISIONAL
