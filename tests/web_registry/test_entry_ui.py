"""What a clerk meets on the 異動 forms and the approval queue (issue 8's defects), [390] 2.3.1.

All errors of a form at once, lengths refused at entry, pickers from search instead of typed ids,
五十音順, and a queue that neither approves on a stray Enter nor grows without paging.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from jichitai.registry import events
from jichitai.tenancy.context import activate
from tests.registry.conftest import move_in_family, people

pytestmark = pytest.mark.django_db


def html(resp: Any) -> str:
    return resp.content.decode()


def test_an_empty_move_in_form_reports_every_error_at_once(staff_client: Any) -> None:
    resp = staff_client("clerk").post("/registry/events/new/move_in/", {"rows": "4", "idempotency_key": "k-empty"})
    assert resp.status_code == 400
    page = html(resp)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    for message in ("異動日を入力してください。", "転入には従前の住所（前住所）の入力が必要です。",
                    "住所（町字）を入力してください。", "番地を入力してください。", "異動者を1人以上入力してください。"):
        assert message in summary, message
    assert "入力内容を確認してください（5件）" in summary


def test_an_over_long_name_is_refused_next_to_its_field(office: Any, staff_client: Any) -> None:
    data = {"effective_date": "2024-04-01", "previous_address": "大阪府", "address_id": str(office.address.pk),
            "banchi": "1", "rows": "1", "idempotency_key": "k-long", "persons-1-family_name": "長" * 101,
            "persons-1-birth_date": "1990-01-01", "persons-1-sex": "1", "persons-1-relationship": "世帯主",
            "persons-1-resident_type": "japanese"}
    resp = staff_client("clerk").post("/registry/events/new/move_in/", data)
    page = html(resp)
    assert resp.status_code == 400
    assert 'id="f-persons-1-family_name-error"' in page and "異動者1の氏は100文字以内で入力してください。" in page


def test_household_and_person_pickers_come_from_search(office: Any, staff_client: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
    clerk = staff_client("clerk")
    form = html(clerk.get("/registry/events/new/birth/"))
    assert 'name="pick" value="household"' in form and "住民検索で世帯を選ぶ" in form
    found = html(clerk.get("/registry/", {"name": "髙橋", "pick": "household", "field": "household",
                                          "next": "/registry/events/new/birth/"}))
    link = f'/registry/events/new/birth/?household={head.household_id}'
    assert link in found and "この世帯を選ぶ" in found
    assert f"（世帯ID {head.household_id}）・本町一丁目1番地2" in html(clerk.get(link))  # opened on it
    person = html(clerk.get("/registry/", {"name": "髙橋", "pick": "person", "field": "person_id",
                                           "next": "/registry/events/new/name_change/"}))
    assert f"/registry/events/new/name_change/?person_id={head.pk}" in person
    assert f'value="{head.pk}"' in html(clerk.get(f"/registry/events/new/name_change/?person_id={head.pk}"))
    # a return address outside the register is never offered
    evil = html(clerk.get("/registry/", {"name": "髙橋", "pick": "person", "field": "person_id",
                                         "next": "https://example.com/"}))
    assert "この人を選ぶ" not in evil and "example.com" not in evil


def test_search_results_are_in_gojuon_order_340(office: Any, staff_client: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)  # 髙橋 一郎 イチロウ, 花子 ハナコ, 太郎 タロウ
    page = html(staff_client("clerk").get("/registry/", {"name": "高橋"}))
    names = re.findall(r'<a href="/registry/persons/\d+/">([^<]+)<', page)
    assert names == ["髙橋\u3000一郎", "髙橋\u3000太郎", "髙橋\u3000花子"]  # イ, タ, ハ


def test_queue_has_no_autofocus_on_approving_pages_and_filters(office: Any, staff_client: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        for i in range(23):
            events.submit_event("name_change", {"person_id": head.pk, "family_name": "名" + "十一二三四五六七八九"[i % 10]},
                                effective_date=head.became_resident_on, reported_date=None, entered_by=office.clerk)
        events.submit_event("death", {"person_id": child.pk}, effective_date=head.became_resident_on,
                            reported_date=None, entered_by=office.clerk)
    approver = staff_client("approver")
    page = html(approver.get("/registry/approvals/"))
    assert "autofocus" not in re.sub(r"<form method=\"get\".*?</form>", "", page, flags=re.S)
    assert "仮登録された異動 24件（1 / 2 ページ）" in page and page.count('class="queue-item"') == 20
    second = html(approver.get("/registry/approvals/", {"page": "2"}))
    assert second.count('class="queue-item"') == 4
    deaths = html(approver.get("/registry/approvals/", {"kind": "death"}))
    assert deaths.count('class="queue-item"') == 1 and "死亡" in deaths
    mine = html(approver.get("/registry/approvals/", {"entered_by": office.clerk.username}))
    assert "24件" in mine
    assert "0件" in html(approver.get("/registry/approvals/", {"entered_by": "nobody"}))
