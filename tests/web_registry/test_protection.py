"""支援措置 on every screen, tried from the protected side ([440] 3.4, [160] 1.1.16, [380]).

As a 窓口担当 and as a 決裁者 without need-to-know: the household page, the 異動 form's header, the
co-resident's page, name search, address search (町字 and 番地 prefix) and the approval queue's
訂正 and 取消 of a protected person's move never show the secret address, a protected person's
宛名番号 or anything that links to her; every refusal says why in Japanese; every access writes an
alert. Staff with need-to-know see everything (and are alerted too).
"""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry.selectors import MASK
from tests.protection_world import NEW_MY_NUMBER, Protected, alerts, build, revealed

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(office: Any) -> Protected:
    return build(office)


def html(resp: Any) -> str:
    return resp.content.decode()


@pytest.mark.parametrize("which", ["some", "all"])
def test_household_page_hides_the_address_of_a_household_with_a_protected_member_380(
        world: Protected, staff_client: Any, which: str) -> None:
    hid = getattr(world, which)
    before = alerts(world.office, world.wife if which == "some" else world.misaki)
    page = html(staff_client("clerk").get(f"/registry/households/{hid}/"))
    assert revealed(page, world) == []
    assert '<dd id="household-address">（非表示）</dd>' in page and MASK in page
    if which == "some":
        assert "髙橋\u3000太郎" in page  # the co-resident is shown, his household's address is not
    assert alerts(world.office, world.wife if which == "some" else world.misaki) > before
    seen = html(staff_client(world.officer).get(f"/registry/households/{hid}/"))
    assert ("7番地8" if which == "some" else "9番地") in seen


def test_event_form_header_hides_the_address_440(world: Protected, staff_client: Any) -> None:
    before = alerts(world.office, world.wife)
    resp = staff_client("clerk").get(f"/registry/events/new/birth/?household={world.some}")
    page = html(resp)
    assert resp.status_code == 200 and revealed(page, world) == []
    assert "支援措置の対象者がいます" in page
    assert alerts(world.office, world.wife) > before


def test_co_resident_page_and_search_row_hide_the_address_440(world: Protected, staff_client: Any) -> None:
    clerk = staff_client("clerk")
    before = alerts(world.office, world.wife)
    page = html(clerk.get(f"/registry/persons/{world.son}/"))
    assert "髙橋\u3000太郎" in page and revealed(page, world) == []
    assert '<dd id="person-address">（非表示）</dd>' in page
    as_of = html(clerk.get(f"/registry/persons/{world.son}/", {"as_of": "2024-06-01"}))
    assert revealed(as_of, world) == []
    results = html(clerk.get("/registry/", {"name": "髙橋"}))
    assert "髙橋\u3000太郎" in results and revealed(results, world) == []
    assert MASK in results  # 花子 is a row without identifier, link or address
    assert alerts(world.office, world.wife) >= before + 4


def test_protected_person_page_is_refused_with_a_japanese_message(world: Protected, staff_client: Any) -> None:
    before = alerts(world.office, world.misaki)
    resp = staff_client("clerk").get(f"/registry/persons/{world.misaki}/")
    assert resp.status_code == 403 and revealed(html(resp), world) == []
    assert "支援措置の対象です" in html(resp)
    assert alerts(world.office, world.misaki) == before + 1


@pytest.mark.parametrize("banchi", ["", "7", "7番地", "9"])
def test_address_search_never_returns_a_protected_household(world: Protected, staff_client: Any, banchi: str) -> None:
    params = {"address_id": str(world.office.address2.pk), "banchi": banchi}
    protected = world.misaki if banchi == "9" else world.wife
    before = alerts(world.office, protected)
    page = html(staff_client("clerk").get("/registry/", params))
    assert "検索結果 0件" in page and revealed(page, world) == [] and MASK not in page
    assert alerts(world.office, protected) == before + 1  # probing her address is an access too
    assert "髙橋\u3000太郎" not in page  # nor the co-resident: finding him would place her
    seen = html(staff_client(world.officer).get("/registry/", params))
    assert "検索結果 0件" not in seen


@pytest.mark.parametrize("event", ["correction", "cancellation"])
def test_queue_masks_compensations_touching_the_protected_household_and_refuses_them(
        world: Protected, staff_client: Any, event: str) -> None:
    event_id = getattr(world, event)
    approver = staff_client("approver")
    before = alerts(world.office, world.wife)
    page = html(approver.get("/registry/approvals/"))
    assert f"受付番号 {event_id}" in page and revealed(page, world) == []
    assert "支援措置対象者を含む異動です" in page
    refused = html(approver.post(f"/registry/approvals/{event_id}/approve/", follow=True))
    assert "支援措置担当の権限を持つ決裁者が決裁してください" in refused and revealed(refused, world) == []
    rejected = html(approver.post(f"/registry/approvals/{event_id}/reject/", {"reason": "誤り"}, follow=True))
    assert "支援措置担当の権限を持つ決裁者が却下してください" in rejected
    assert alerts(world.office, world.wife) >= before + 3
    from jichitai.registry.models import RegistryEvent
    from jichitai.tenancy.context import activate

    with activate(world.office.ctx()):
        assert RegistryEvent.objects.get(pk=event_id).status == "provisional"


def test_compensation_entry_is_refused_to_a_clerk_without_need_to_know(world: Protected, staff_client: Any) -> None:
    resp = staff_client("clerk").post("/registry/events/new/cancellation/", {
        "effective_date": "2024-05-01", "target_event_id": str(world.move_event), "idempotency_key": "k-c"})
    assert resp.status_code == 400
    assert "支援措置担当の権限を持つ職員が入力してください" in html(resp)


def test_my_number_inside_a_correction_is_hidden_from_an_approver_without_the_role(
        world: Protected, staff_client: Any) -> None:
    page = html(staff_client("approver").get("/registry/approvals/"))
    assert f"受付番号 {world.my_number_correction}" in page and NEW_MY_NUMBER not in page
    shown = html(staff_client(roles=["approver", "my_number_access"]).get("/registry/approvals/"))
    assert NEW_MY_NUMBER in shown
