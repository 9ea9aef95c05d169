"""抑止 on the screens and the API ([410]): the mark in search results, the person and household
pages, 照会 holds refusing or asking to confirm, the 抑止管理 screen and its separate rights — and
never a word about a protected person to staff without need-to-know."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import holds
from jichitai.registry.holds_models import Hold
from jichitai.registry.selectors import MASK
from jichitai.tenancy.context import activate
from tests.protection_world import Protected, build, revealed
from tests.registry.conftest import move_in_family, people

D = dt.date
pytestmark = pytest.mark.django_db


def html(resp: Any) -> str:
    return resp.content.decode()


@pytest.fixture
def family(office: Any) -> dict[str, int]:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
    return {"head": head.pk, "wife": wife.pk, "son": son.pk, "household": head.household_id}


def _hold(office: Any, **kw: Any) -> Hold:
    with activate(office.ctx()):
        return holds.set_hold(start=D(2024, 1, 1), staff=office.approver, **kw)


@pytest.mark.std("410#7")
def test_search_results_mark_held_persons(office: Any, family: dict[str, int], staff_client: Any) -> None:
    _hold(office, process="issuance", level="error", person_id=family["son"], reason="請求者確認中")
    page = html(staff_client("clerk").get("/registry/", {"name": "髙橋"}))
    rows = {line for line in page.split("<tr") if "hold-mark" in line}
    assert len(rows) == 1 and "髙橋\u3000太郎" in rows.pop()
    _hold(office, process="entry", level="alert", household_id=family["household"], reason="世帯調査中")
    page = html(staff_client("clerk").get("/registry/", {"name": "髙橋"}))
    assert page.count('class="hold-mark"') == 3  # the household's hold marks every member


@pytest.mark.std("410#2")
def test_inquiry_hold_refuses_or_asks_to_confirm_the_person_page_and_api(
        office: Any, family: dict[str, int], staff_client: Any) -> None:
    clerk = staff_client("clerk")
    error = _hold(office, process="inquiry", level="error", person_id=family["head"], reason="照会禁止の調査")
    resp = clerk.get(f"/registry/persons/{family['head']}/")
    assert resp.status_code == 403 and "照会は抑止されています" in html(resp) and "1980" not in html(resp)
    assert "昭和55年" not in html(resp)
    api = clerk.get(f"/api/v1/persons/{family['head']}")
    assert api.status_code == 403 and api.json()["errors"][0]["rule"] == "hold"
    with activate(office.ctx()):
        holds.release_hold(error.pk, staff=office.approver, reason="調査終了")
        holds.set_hold(process="inquiry", level="alert", person_id=family["head"], start=D(2024, 1, 1),
                       reason="要確認", staff=office.approver)
    resp = clerk.get(f"/registry/persons/{family['head']}/")
    assert resp.status_code == 200 and "確認して表示する" in html(resp) and "昭和55年" not in html(resp)
    shown = html(clerk.get(f"/registry/persons/{family['head']}/", {"confirm": "1"}))
    assert "昭和55年5月1日" in shown and "照会・アラート" in shown
    alert = clerk.get(f"/api/v1/persons/{family['head']}")
    assert alert.status_code == 403 and alert.json()["errors"][0]["rule"] == "hold_alert"
    assert clerk.get(f"/api/v1/persons/{family['head']}", {"confirm_hold": "true"}).status_code == 200


def test_holds_on_a_protected_person_say_nothing_to_staff_without_need_to_know(
        office: Any, staff_client: Any) -> None:
    world: Protected = build(office)
    for process in ("inquiry", "issuance"):
        _hold(office, process=process, level="error", person_id=world.wife, reason="秘密荘の件")
    _hold(office, process="entry", level="alert", household_id=world.some, reason="秘密荘の世帯")
    clerk = staff_client("clerk")
    for url in (f"/registry/persons/{world.wife}/", f"/registry/households/{world.some}/", "/registry/holds/"):
        page = html(clerk.get(url, {"name": "髙橋"} if url == "/registry/" else {}))
        assert revealed(page, world) == [], url
        assert "秘密荘" not in page, url
    page = html(clerk.get(f"/registry/persons/{world.wife}/"))
    assert MASK in page and "照会は抑止" not in page
    son = html(clerk.get(f"/registry/persons/{world.son}/"))  # the co-resident: his household's hold, no reason
    assert "hold-mark" in son and "秘密荘" not in son
    listing = html(clerk.get("/registry/holds/"))
    assert MASK in listing and f"住民ID {world.wife}" not in listing
    results = html(clerk.get("/registry/", {"name": "髙橋"}))
    assert revealed(results, world) == []
    api = clerk.get(f"/api/v1/persons/{world.wife}")
    assert api.status_code == 403 and "秘密荘" not in api.content.decode()
    assert "支援措置" in api.content.decode()


@pytest.mark.std("410#5", "410#8")
def test_holds_screen_sets_releases_and_temporarily_releases_with_separate_rights(
        office: Any, family: dict[str, int], staff_client: Any) -> None:
    clerk, approver = staff_client("clerk"), staff_client("approver")
    resp = clerk.post("/registry/holds/", {"household_id": str(family["household"]), "process": "issuance",
                                           "level": "alert", "start_date": "令和6年4月1日", "reason": "世帯の調査"})
    assert resp.status_code == 302
    bad = clerk.post("/registry/holds/", {"person_id": "abc", "process": "", "level": "", "start_date": "令和6年13月1日",
                                          "reason": ""})
    assert bad.status_code == 400 and "住民IDは数字で入力してください" in html(bad) and "開始日の形式" in html(bad)
    with activate(office.ctx()):
        hold = Hold.objects.get()
    page = html(clerk.get("/registry/holds/"))
    assert "世帯の調査" in page and "令和6年4月1日" in page and "一時解除</button>" not in page
    assert "pick=person&amp;field=person_id" in page
    prefilled = html(clerk.get("/registry/holds/", {"person_id": str(family["head"])}))
    assert f'name="person_id" value="{family["head"]}"' in prefilled
    person = html(clerk.get(f"/registry/persons/{family['head']}/"))
    assert f"/registry/holds/?person={family['head']}" in person  # set one from the person's page
    assert clerk.post(f"/registry/holds/{hold.pk}/release/", {"release_reason": "x"}).status_code == 403
    assert clerk.post(f"/registry/holds/{hold.pk}/release-temporarily/").status_code == 403
    household = html(clerk.get(f"/registry/households/{family['household']}/"))
    assert "証明書発行・アラート（確認のうえ処理可）" in household and "世帯の調査" in household
    assert approver.post(f"/registry/holds/{hold.pk}/release-temporarily/", {"minutes": "5"}).status_code == 302
    assert "一時解除中" in html(approver.get("/registry/holds/"))
    assert approver.post(f"/registry/holds/{hold.pk}/release/", {"release_reason": "調査終了"}).status_code == 302
    with activate(office.ctx()):
        hold.refresh_from_db()
        assert hold.released_at is not None and hold.release_reason == "調査終了"
    refused = html(clerk.post("/registry/holds/", {"person_id": str(family["head"]), "process": "entry",
                                                   "level": "error", "start_date": "令和6年4月1日",
                                                   "reason": "不受理申出"}))
    assert "不受理申出による抑止は設定できません" in refused


@pytest.mark.std("410#2")
def test_entry_form_refuses_under_an_error_hold_and_asks_to_confirm_an_alert_hold(
        office: Any, family: dict[str, int], staff_client: Any) -> None:
    clerk = staff_client("clerk")
    data = {"effective_date": "2023-07-01", "person_id": str(family["son"]), "family_name": "斎藤",
            "family_name_kana": "サイトウ", "idempotency_key": "hold-1"}
    error = _hold(office, process="entry", level="error", person_id=family["son"], reason="戸籍照会中")
    refused = clerk.post("/registry/events/new/name_change/", data)
    assert refused.status_code == 400 and "異動入力が抑止されています" in html(refused) and "戸籍照会中" in html(refused)
    with activate(office.ctx()):
        holds.release_hold(error.pk, staff=office.approver, reason="照会済み")
    _hold(office, process="entry", level="alert", household_id=family["household"], reason="世帯の確認")
    asked = clerk.post("/registry/events/new/name_change/", {**data, "idempotency_key": "hold-2"})
    assert asked.status_code in (200, 400) and "抑止（アラート）があります" in html(asked)
    assert 'name="confirm_alerts"' in html(asked)
    done = clerk.post("/registry/events/new/name_change/", {**data, "idempotency_key": "hold-2", "confirm_alerts": "1"})
    assert done.status_code == 302
