"""支援措置 screens: the period alerts on the person's page (need-to-know only), the measure's own
page with its [160] items, 延長 from one month before the end, 終了 with reason and confirmation,
and removed household members ([430]) — tried from the protected side."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import events, support
from jichitai.registry.models import SupportMeasure
from jichitai.registry.selectors import MASK
from jichitai.tenancy.context import activate
from tests.registry.conftest import move_in_family, people

D = dt.date
pytestmark = pytest.mark.django_db


def html(resp: Any) -> str:
    return resp.content.decode()


@pytest.fixture
def family(office: Any, staff_client: Any) -> dict[str, Any]:
    from jichitai.accounts.models import RoleGrant, Staff

    officer = Staff.objects.create(username="screens-officer", display_name="支援 担当")
    for role in ("clerk", "support_measure"):
        RoleGrant.objects.create(staff=officer, municipality=office.municipality, role=role)
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
    return {"head": head.pk, "wife": wife.pk, "son": son.pk, "household": head.household_id, "officer": officer}


def _measure(office: Any, family: dict[str, Any], start: dt.date, end: dt.date | None = None) -> SupportMeasure:
    with activate(office.ctx()):
        return support.start_measure(family["wife"], start=start, end=end, reason="DV（配偶者からの暴力）",
                                     against=[{"person_id": family["head"], "name": "髙橋 一郎"}],
                                     staff=family["officer"])


@pytest.mark.std("410#6", "440#5", "380#1")
def test_after_the_end_date_the_page_stays_masked_and_alerts_only_need_to_know_staff(
        office: Any, family: dict[str, Any], staff_client: Any) -> None:
    m = _measure(office, family, D(2020, 4, 1))
    clerk = html(staff_client("clerk").get(f"/registry/persons/{family['wife']}/"))
    assert MASK in clerk and "髙橋\u3000花子" not in clerk and support.ALERT_OVER not in clerk
    assert "支援措置の期間" not in clerk  # nothing but the mask
    seen = html(staff_client(family["officer"]).get(f"/registry/persons/{family['wife']}/"))
    assert "支援措置期間中" in seen and support.ALERT_OVER in seen
    assert f'/registry/support/{m.pk}/' in seen  # [380]: to the 支援対象者管理 database
    household = html(staff_client("clerk").get(f"/registry/households/{family['household']}/"))
    assert '<dd id="household-address">（非表示）</dd>' in household


@pytest.mark.std("440#4")
def test_last_month_alert_on_the_persons_page(office: Any, family: dict[str, Any], staff_client: Any) -> None:
    today = dt.date.today()
    _measure(office, family, today - dt.timedelta(days=300), today + dt.timedelta(days=10))
    seen = html(staff_client(family["officer"]).get(f"/registry/persons/{family['wife']}/"))
    assert "支援措置の期間が1か月以内に終了します" in seen and support.ALERT_OVER not in seen


@pytest.mark.std("160#1", "160#2", "380#1", "440#1")
def test_measure_page_with_its_items_is_for_need_to_know_staff_only(
        office: Any, family: dict[str, Any], staff_client: Any) -> None:
    m = _measure(office, family, D(2024, 4, 1))
    assert staff_client("clerk").get(f"/registry/support/{m.pk}/").status_code == 403
    officer = staff_client(family["officer"])
    resp = officer.post(f"/registry/support/{m.pk}/update/", {
        "action": "case", "contact": "090-1111-2222", "transferred_on": "令和6年4月2日", "affairs": ["certificate"]})
    assert resp.status_code == 302
    page = html(officer.get(f"/registry/support/{m.pk}/"))
    assert "090-1111-2222" in page and "令和6年4月2日" in page and "住民票の写し等の交付" in page
    assert "令和6年4月1日" in page and "令和7年3月31日" in page and "2024-" not in page
    bad = officer.post(f"/registry/support/{m.pk}/update/", {"action": "case", "transferred_on": "令和6年13月1日"})
    assert bad.status_code == 400 and "転送年月日の形式が正しくありません" in html(bad)
    joint = officer.post(f"/registry/support/{m.pk}/update/", {"action": "joint", "joint_person_id": str(family["son"]),
                                                              "relation": "子"})
    assert joint.status_code == 302
    assert MASK in html(staff_client("clerk").get(f"/registry/households/{family['household']}/"))
    empty = officer.post(f"/registry/support/{m.pk}/update/", {"action": "release_issuance", "release_reason": ""})
    assert empty.status_code == 400 and "審査の内容" in html(empty)
    released = officer.post(f"/registry/support/{m.pk}/update/", {"action": "release_issuance",
                                                                 "release_reason": "正当な理由を確認"}, follow=True)
    assert "窓口での交付を認めました" in html(released)
    with activate(office.ctx()):
        assert support.may_receive(family["wife"], requester_kind="third_party").allowed


@pytest.mark.std("440#3", "440#6")
def test_extension_too_early_and_end_with_reason_and_confirmation(
        office: Any, family: dict[str, Any], staff_client: Any) -> None:
    m = _measure(office, family, dt.date.today())
    officer = staff_client(family["officer"])
    page = html(officer.post(f"/registry/support/{m.pk}/extend/", follow=True))
    assert "1か月前" in page and "から行えます" in page
    no_reason = officer.post(f"/registry/support/{m.pk}/end/", {})
    assert no_reason.status_code == 400 and "終了理由を選んでください" in html(no_reason)
    confirm = officer.post(f"/registry/support/{m.pk}/end/", {"end_reason": "request"})
    assert confirm.status_code == 200 and "終了してよろしいですか" in html(confirm)
    assert 'name="csrfmiddlewaretoken"' in html(confirm) and "<script>" not in html(confirm) and "style=" not in html(confirm)
    with activate(office.ctx()):
        assert support.active_measure(family["wife"]) is not None  # not yet: the confirmation is pending
    done = html(officer.post(f"/registry/support/{m.pk}/end/", {"end_reason": "request", "confirm": "1"}, follow=True))
    assert "終了理由：支援対象者からの終了の申出" in done
    with activate(office.ctx()):
        m.refresh_from_db()
        assert m.end_reason == "request" and m.ended_by_id == family["officer"].pk


@pytest.mark.std("430#1")
def test_removed_members_on_the_household_page_a_protected_one_masked(
        office: Any, family: dict[str, Any], staff_client: Any) -> None:
    from jichitai.accounts.models import RoleGrant, Staff

    _measure(office, family, D(2024, 4, 1))
    approver = Staff.objects.create(username="screens-approver")
    for role in ("approver", "support_measure"):
        RoleGrant.objects.create(staff=approver, municipality=office.municipality, role=role)
    with activate(office.ctx()):
        for pid, destination in ((family["son"], "イギリス"), (family["wife"], "アメリカ合衆国")):
            sub = events.submit_event("move_out_abroad", {"person_ids": [pid], "destination": destination},
                                      effective_date=D(2024, 9, 1), reported_date=D(2024, 9, 1),
                                      entered_by=family["officer"])
            events.approve_event(sub.event.pk, approver=approver)
    page = html(staff_client("clerk").get(f"/registry/households/{family['household']}/"))
    removed = page[page.index('id="removed-members"'):]
    assert "消除された世帯員（2人）" in page and "髙橋\u3000太郎" in removed and "転出者" in removed
    assert MASK in removed and "髙橋\u3000花子" not in page and f"/registry/persons/{family['wife']}/" not in page
    seen = html(staff_client(family["officer"]).get(f"/registry/households/{family['household']}/"))
    assert "髙橋\u3000花子" in seen[seen.index('id="removed-members"'):]
