"""GET /persons, /persons/{id}, /households/{id}: as-of reads, 個人番号, 支援措置, read logging,
and the approval invisibility ([530] 4.0.8: a provisional event is absent from search, detail for
non-approvers and the API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.tenancy.context import activate

from .conftest import API, World, move_in_body, post

pytestmark = pytest.mark.django_db
D = dt.date


def test_provisional_move_in_is_absent_from_search_until_approved(world: World, login: Any) -> None:
    clerk, _ = login("clerk")
    approver, _ = login("approver")
    created = post(clerk, "/events", move_in_body(world.a.office, family="佐藤"), key="vis-1").json()
    for client in (clerk, approver):
        page = client.get(API + "/persons", {"name": "佐藤"}).json()
        assert page["total"] == 0 and page["results"] == []
    assert clerk.get(API + "/events").status_code == 403  # the queue is not the clerk's
    queue = approver.get(API + "/events").json()
    assert created["id"] in [e["id"] for e in queue["results"]]
    assert post(approver, f"/events/{created['id']}/approve", key="vis-2").status_code == 200
    found = clerk.get(API + "/persons", {"name": "佐藤", "kana": "サトウ"}).json()
    assert found["total"] == 1 and found["results"][0]["name"] == "佐藤\u3000次郎"
    assert created["id"] not in [e["id"] for e in approver.get(API + "/events").json()["results"]]


def test_provisional_name_change_is_absent_from_detail_and_search(world: World, login: Any) -> None:
    head = world.a.family[0]  # world.a has a provisional 氏名変更 to 髙橋改
    for roles in (("clerk",), ("approver",)):
        client, _ = login(*roles)
        detail = client.get(f"{API}/persons/{head}").json()
        assert detail["record"]["family_name"] == "髙橋"
        assert all("髙橋改" not in str(h) for h in detail["history"])
        assert client.get(API + "/persons", {"name": "髙橋改"}).json()["total"] == 0
        assert client.get(API + "/persons", {"name": "高橋"}).json()["total"] == 3  # 異体字: 高 finds 髙
        household = client.get(f"{API}/households/{world.a.household_id}").json()
        assert "髙橋改" not in str(household)


def test_person_as_of_a_date_answers_from_the_log(world: World, login: Any) -> None:
    client, _ = login("clerk")
    head = world.a.family[0]
    before = client.get(f"{API}/persons/{head}", {"as_of": "2020-03-31"})
    assert before.status_code == 404  # not yet a resident (転入 2020-04-01)
    on = client.get(f"{API}/persons/{head}", {"as_of": "2020-04-01"}).json()
    assert on["as_of"] == "2020-04-01" and on["record"]["became_resident_on"] == "2020-04-01"
    assert on["summary"]["address"] == "本町一丁目1番地2"
    assert [h["kind"] for h in on["history"]] == ["転入"]
    household = client.get(f"{API}/households/{world.a.household_id}", {"as_of": "2020-04-01"}).json()
    assert household["head_id"] == head and len(household["members"]) == 3
    assert household["members"][0]["relationship"] == "世帯主"
    assert client.get(f"{API}/households/{world.a.household_id}", {"as_of": "2019-01-01"}).status_code == 404


def test_my_number_only_with_the_parameter_and_the_role(world: World, login: Any) -> None:
    from jichitai.audit.models import AuditEntry
    from jichitai.registry import events

    child = world.a.family[2]
    with activate(world.a.office.ctx()):
        sub = events.submit_event(
            "ex_officio_correction", {"person_id": child, "changes": {"my_number": "123456789018"}},
            effective_date=D(2024, 5, 1), reported_date=D(2024, 5, 1), entered_by=world.a.office.clerk,
        )
        events.approve_event(sub.event.pk, approver=world.a.office.approver)
    plain, _ = login("clerk", "my_number_access")
    body = plain.get(f"{API}/persons/{child}").content
    assert b"123456789018" not in body
    assert plain.get(f"{API}/persons/{child}").json()["record"]["my_number"] is None
    shown = plain.get(f"{API}/persons/{child}", {"show_my_number": 1}).json()
    assert shown["my_number_shown"] is True and shown["record"]["my_number"] == "123456789018"
    for path in ("/persons?name=高橋", f"/households/{world.a.household_id}"):
        assert b"123456789018" not in plain.get(API + path).content
    approver, _ = login("approver")
    assert b"123456789018" not in approver.get(API + "/events?status=approved").content
    with activate(world.a.office.ctx()):
        reads = AuditEntry.objects.filter(category="read", subject_id=str(child), screen="API 住民照会")
        assert reads.filter(my_number_shown=True).count() == 1


def test_reads_are_logged_per_person_shown(world: World, login: Any) -> None:
    from jichitai.audit.models import AuditEntry

    client, _ = login("clerk")
    assert client.get(f"{API}/households/{world.a.household_id}").status_code == 200
    assert client.get(API + "/persons", {"kana": "タカハシ"}).status_code == 200
    with activate(world.a.office.ctx()):
        logged = AuditEntry.objects.filter(category="read", action="view")
        assert logged.filter(screen="API 世帯照会").count() == 3
        assert logged.filter(screen="API 住民検索").count() == 3
        # the search itself is logged once as well ([1370])
        assert AuditEntry.objects.filter(category="read", action="search", screen="API 住民検索").count() == 1


def test_support_measure_masks_person_and_household_for_staff_without_need_to_know(world: World, login: Any) -> None:
    from jichitai.audit.models import AuditEntry
    from jichitai.registry import support

    wife = world.a.family[1]
    with activate(world.a.office.ctx()):
        from jichitai.accounts.models import RoleGrant

        RoleGrant.objects.create(staff=world.a.office.clerk, municipality=world.a.office.municipality,
                                 role="support_measure")
        support.start_measure(wife, start=timezone.localdate(), reason="DV", against=[{"name": "加害者"}],
                              staff=world.a.office.clerk)
    client, _ = login("clerk")
    detail = client.get(f"{API}/persons/{wife}")
    assert detail.status_code == 403 and detail.json()["errors"][0]["rule"] == "support_measure"
    assert "支援措置" in detail.json()["errors"][0]["message"] and "花子" not in detail.content.decode()
    assert client.get(f"{API}/persons/{wife}", {"as_of": "2020-04-01"}).status_code == 403
    household = client.get(f"{API}/households/{world.a.household_id}").json()
    assert household["address"] == "（非表示）" and "1番地2" not in str(household)
    assert household["address_id"] is None and household["address_hidden"] is True
    # the masked member comes last and carries no identifier
    assert [m["masked"] for m in household["members"]] == [False, False, True]
    assert household["members"][2]["person_id"] is None and household["members"][2]["atena_no"] == ""
    cleared, _ = login("clerk", "support_measure")
    assert cleared.get(f"{API}/persons/{wife}").json()["record"]["given_name"] == "花子"
    with activate(world.a.office.ctx()):
        assert AuditEntry.objects.filter(category="alert", subject_id=str(wife)).count() >= 4


def test_search_needs_a_condition(world: World, login: Any) -> None:
    client, _ = login("clerk")
    resp = client.get(API + "/persons")
    assert resp.status_code == 422 and resp.json()["errors"][0]["rule"] == "empty_query"
