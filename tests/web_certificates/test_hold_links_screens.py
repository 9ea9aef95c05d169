"""The closing items of chapters 2 and 3 on the screens and the API: the hold feed
(GET /api/v1/holds/changes, [420]#1, [410]#9), every issuance channel honouring an issuance hold,
the 閲覧 release on the 支援措置 screen ([440]#1), and the 交付履歴照会's 閲覧用写し and card status
([360]#1) — each tried from the protected side and from another municipality."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from jichitai.registry import holds, support
from jichitai.registry.batch import inspection
from jichitai.tenancy.context import activate
from tests.certificates.conftest import issue_for

from .conftest import family, login, officer

pytestmark = pytest.mark.django_db
FEED = "/api/v1/holds/changes"


def _hold(office: Any, process: str, **subject: Any) -> Any:
    return holds.set_hold(
        process=process,
        level="error",
        start=dt.date(2024, 1, 1),
        reason="差押え調査中",
        staff=office.approver,
        **subject,
    )


@pytest.mark.std("420#1", "410#9")
def test_the_feed_api_by_cursor_for_each_target_and_only_with_the_right(
    office, office_b, staff_client
) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        _hold(office, "issuance", person_id=son.pk)
        entry = _hold(office, "entry", household_id=head.household_id)
    approver = staff_client("approver")
    first = approver.get(FEED).json()
    assert [(c["action"], c["process"]) for c in first["changes"]] == [
        ("set", "issuance"),
        ("set", "entry"),
    ]
    assert first["target"] == "atena" and not first["more"] and "差押え" not in str(first)
    kiosk = approver.get(FEED, {"target": "kiosk"}).json()
    assert [c["process"] for c in kiosk["changes"]] == ["issuance"]
    assert [c["process"] for c in approver.get(FEED, {"target": "cs"}).json()["changes"]] == [
        "issuance"
    ]
    with activate(office.ctx()):
        holds.release_hold(entry.pk, staff=office.approver, reason="解消")
    after = approver.get(FEED, {"since": first["next_cursor"]}).json()
    assert [(c["action"], c["household_id"]) for c in after["changes"]] == [
        ("release", head.household_id)
    ]
    assert approver.get(FEED, {"target": "mail"}).status_code == 422
    assert approver.get(FEED, {"since": -1}).status_code == 422
    clerk = staff_client("clerk").get(FEED)  # a 窓口担当 does not run the office's links
    assert clerk.status_code == 403 and clerk.json()["errors"][0]["rule"] == "forbidden"
    other = login(Client(), office_b.approver, office_b.municipality).get(FEED).json()
    assert other["changes"] == []  # another municipality's approver: nothing of A


def test_the_feed_api_from_the_protected_side(office, staff_client) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        staff = officer(office)
        support.start_measure(
            wife.pk,
            start=dt.date(2024, 1, 1),
            reason="DV",
            against=[{"person_id": head.pk}],
            staff=staff,
        )
        _hold(office, "issuance", person_id=wife.pk)
    blind = staff_client("approver").get(FEED).json()
    assert blind["changes"] == [] and blind["next_cursor"] > 0 and wife.atena_no not in str(blind)
    seen = staff_client(roles=["approver", "support_measure"]).get(FEED).json()
    assert [(c["source"], c["person_id"]) for c in seen["changes"]] == [
        ("support", wife.pk),
        ("hold", wife.pk),
    ]
    assert "DV" not in str(seen) and "差押え" not in str(seen)


def _api_issue(client: Client, person_id: int, key: str) -> Any:
    body = {
        "kind": "juminhyo",
        "subject_ids": [person_id],
        "requester": {"kind": "self", "person_id": person_id},
        "station": {"terminal": "API1", "printer": "P1"},
    }
    return client.post(
        "/api/v1/certificates",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


@pytest.mark.std("410#9")
def test_every_issuance_channel_honours_an_issuance_hold_and_its_release(
    office, staff_client
) -> None:
    from jichitai.certificates.issuance.eligibility import IssuanceRefused

    with activate(office.ctx()):
        head, _, _ = family(office)
        hold = _hold(office, "issuance", person_id=head.pk)
        with pytest.raises(IssuanceRefused) as exc:  # the counter
            issue_for(office, [head.pk])
        assert exc.value.codes == ["hold_error"]
    api = _api_issue(staff_client("clerk"), head.pk, "h-1")  # the API
    assert api.status_code in (403, 409) and "抑止" in api.json()["errors"][0]["message"]
    form = {
        "subject_ids": str(head.pk),
        "kind": "juminhyo",
        "form": "household",
        "requester_kind": "self",
        "requester_person_id": str(head.pk),
        "copies": "1",
        "terminal": "本庁1",
        "printer": "プリンタ001",
    }
    page = staff_client("clerk").post("/certificates/issue/", form)  # the counter screen
    assert not page.content.startswith(b"%PDF") and "証明書発行の抑止" in page.content.decode()
    with activate(office.ctx()):
        holds.release_hold(hold.pk, staff=office.approver, reason="解消")
    assert _api_issue(staff_client("clerk"), head.pk, "h-2").status_code == 200
    assert staff_client("clerk").post("/certificates/issue/", form).content.startswith(b"%PDF")


@pytest.mark.std("440#1")
def test_the_inspection_release_on_the_support_screen_needs_the_officer(
    office, office_b, staff_client
) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        staff = officer(office)
        m = support.start_measure(
            wife.pk, start=dt.date(2024, 1, 1), reason="DV", against=[], staff=staff
        )
    url = f"/registry/support/{m.pk}/update/"
    assert (
        staff_client("approver")
        .post(url, {"action": "release_inspection", "release_reason": "x"})
        .status_code
        == 403
    )
    other = login(Client(), office_b.approver, office_b.municipality)
    assert other.post(url, {"action": "release_inspection", "release_reason": "x"}).status_code in (
        403,
        404,
    )
    mine = login(Client(), staff, office.municipality)
    assert "審査による閲覧の一時解除" in mine.get(f"/registry/support/{m.pk}/").content.decode()
    empty = mine.post(url, {"action": "release_inspection", "release_reason": ""})
    assert empty.status_code == 400
    done = mine.post(
        url, {"action": "release_inspection", "release_reason": "世論調査機関の請求を審査"}
    )
    assert done.status_code in (200, 302)
    with activate(office.ctx()):
        m.refresh_from_db()
        assert (
            m.inspection_released_until is not None
            and m.inspection_release_reason == "世論調査機関の請求を審査"
        )


@pytest.mark.std("360#1")
def test_history_shows_the_inspection_copies_and_card_status_never_of_a_protected_person(
    office, office_b, staff_client
) -> None:
    from tests.registry.conftest import apply

    with activate(office.ctx()):
        head, wife, son = family(office)
        apply(
            office,
            "ex_officio_correction",
            {
                "person_id": head.pk,
                "changes": {"my_number_card_status": "issued", "juki_card_status": "returned"},
            },
            dt.date(2024, 5, 1),
        )
        inspection.run({})  # 髙橋 一郎 is on line 1 of a 閲覧用写し
        staff = officer(office)
        support.start_measure(
            wife.pk, start=dt.date(2024, 1, 1), reason="DV", against=[], staff=staff
        )
        m = wife.support_measures.get()
        support.release_inspection(m.pk, staff=staff, reason="審査済み")
        inspection.run({})
    clerk = staff_client("clerk")
    page = clerk.get(f"/certificates/person/{head.pk}/history/").content.decode()
    assert "閲覧用写しへの掲載はありません。" not in page and page.count("住所順") == 2
    assert (
        "個人番号カード" in page
        and "交付済み" in page
        and "返納" in page
        and "令和6年5月1日" in page
    )
    hidden = clerk.get(
        f"/certificates/person/{wife.pk}/history/"
    ).content.decode()  # protected: nothing
    assert "閲覧用写しへの掲載はありません。" in hidden and "審査により掲載" not in hidden
    assert "交付状況の変更の記録はありません。" in hidden
    seen = login(Client(), staff, office.municipality).get(
        f"/certificates/person/{wife.pk}/history/"
    )
    assert "支援措置の審査により掲載" in seen.content.decode()
    other = login(Client(), office_b.clerk, office_b.municipality).get(
        f"/certificates/person/{head.pk}/history/"
    )
    body = other.content.decode()
    assert "閲覧用写しへの掲載はありません。" in body and "交付済み" not in body
