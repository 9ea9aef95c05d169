"""[1440] on the 異動入力 screen: an error is shown next to its field and nothing is stored; an
alert is shown above the form with one checkbox that confirms it; typed kana and digits are
stored as the register keeps them. Another municipality's register stays untouched."""

from __future__ import annotations

import pytest

from jichitai.registry.models import RegistryEvent
from jichitai.tenancy.context import activate
from tests.registry.conftest import people

from .test_views import html, move_in_post

pytestmark = pytest.mark.django_db
URL = "/registry/events/new/move_in/"


def _field_error(page: str, field_id: str) -> str:
    start = page.index(f'id="{field_id}-error">') + len(f'id="{field_id}-error">')
    return page[start:page.index("</p>", start)]


@pytest.mark.std("1440#1", "1440#3")
@pytest.mark.parametrize(("item", "value", "text"), [
    ("persons-1-given_name_kana", "一郎", "名（ふりがな）の1文字目の漢字「一」は入力できません。"),
    ("persons-2-given_name", "花①", "名の2文字目「①」は互換用の記号"),
    ("persons-1-family_name", "ﾜﾀﾅﾍﾞ", "氏の1文字目「ﾜ」は半角カナです。"),
    ("banchi", "3番地😀", "番地の4文字目「😀」は入力できません。"),
    ("reported_date", "2024-03-01", "届出日（令和6年3月1日）が異動日（令和6年4月1日）より前です。"),
])
def test_an_error_is_shown_next_to_its_field_and_nothing_is_stored(
        office, office_b, staff_client, item: str, value: str, text: str) -> None:
    resp = staff_client("clerk").post(URL, move_in_post(office) | {item: value})
    page = html(resp)
    assert resp.status_code == 400
    assert text in _field_error(page, f"f-{item}")
    for o in (office, office_b):
        with activate(o.ctx()):
            assert not RegistryEvent.objects.exists()


@pytest.mark.std("1440#2", "1440#3")
def test_an_alert_waits_for_the_checkbox_then_the_entry_is_stored_normalized(office, office_b, staff_client) -> None:
    clerk = staff_client("clerk")
    data = move_in_post(office) | {"persons-3-birth_date": "1975-01-01", "persons-3-given_name_kana": "たろう",
                                   "banchi": "３番地４"}
    page = html(clerk.post(URL, data))
    assert "アラート：確認が必要な入力があります" in page
    assert 'data-rule="child_not_younger"' in page and "続柄「子」の人と、その親にあたる続柄「世帯主」の人" in page
    assert '<label for="f-confirm_alerts">アラートの内容を確認しました</label>' in page
    with activate(office.ctx()):
        assert not RegistryEvent.objects.exists()
    resp = clerk.post(URL, data | {"confirm_alerts": "1"})
    assert resp.status_code == 302
    with activate(office.ctx()):
        (event,) = RegistryEvent.objects.all()
        child = event.request["persons"][2]
        assert (child["given_name_kana"], event.request["household"]["new"]["banchi"]) == ("タロウ", "3番地4")
    with activate(office_b.ctx()):
        assert not RegistryEvent.objects.exists() and people() == []


def test_a_duplicate_alone_keeps_its_own_checkbox(office, staff_client) -> None:
    from tests.registry.conftest import move_in_family

    with activate(office.ctx()):
        move_in_family(office)
    page = html(staff_client("clerk").post(URL, move_in_post(office, family="高橋")))
    assert "重複の疑いがあります" in page and 'name="confirm_alerts"' not in page
    assert '<label for="f-confirm_duplicates">重複でないことを確認しました</label>' in page


@pytest.mark.std("1440#2")
def test_the_approver_sees_which_alerts_the_clerk_confirmed(office, office_b, staff_client) -> None:
    data = move_in_post(office) | {"persons-3-birth_date": "1975-01-01", "confirm_alerts": "1"}
    assert staff_client("clerk").post(URL, data).status_code == 302
    page = html(staff_client("approver").get("/registry/approvals/"))
    assert "入力者が確認したアラート" in page and "続柄で親子にあたる世帯員の生年月日が逆か同じ" in page
    with activate(office_b.ctx()):  # B's queue is empty: A's event is not B's to see
        assert not RegistryEvent.objects.exists()
