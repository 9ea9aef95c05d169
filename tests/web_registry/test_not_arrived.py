"""転入通知未着者一覧 ([710]) on screen and as CSV: the setting's days, masked rows for staff without
need-to-know (tested from the protected side), never another municipality's rows, a bad 日数 named."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.selectors import move_outs
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, move_in_family, people
from tests.registry.test_search_support import _protect

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
OSAKA = "大阪府大阪市北区梅田1丁目"


def _plan(office, pid: int, days_ago: int) -> None:
    planned = TODAY - dt.timedelta(days=days_ago)
    apply(office, "move_out_planned", {"person_ids": [pid], "destination": OSAKA, "planned_date": planned.isoformat()},
          planned - dt.timedelta(days=3))


def _html(r) -> str:
    return r.content.decode()


@pytest.mark.std("710#1")
def test_persons_without_notice_after_n_days_are_listed(office, office_b, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        _plan(office, son.pk, 45)  # overdue
        _plan(office, wife.pk, 10)  # not overdue with the default 30 days
    with activate(office_b.ctx()):
        move_in_family(office_b, family="渡辺")
        theirs = people()[2]
        _plan(office_b, theirs.pk, 60)
    clerk = staff_client("clerk")
    page = _html(clerk.get("/registry/move-outs/not-arrived/"))
    assert "高橋" in page or "髙橋" in page
    assert f"/registry/persons/{son.pk}/" in page and f"/registry/persons/{wife.pk}/" not in page
    assert "45日" in page and "渡辺" not in page  # another municipality's rows never
    assert f"/registry/persons/{wife.pk}/" in _html(clerk.get("/registry/move-outs/not-arrived/", {"days": "5"}))
    csv = clerk.get("/registry/move-outs/not-arrived.csv")
    text = csv.content.decode("utf-8-sig")
    assert csv.status_code == 200 and text.splitlines()[0].startswith("消除事由,氏名")
    assert OSAKA in text and "45" in text and "渡辺" not in text and len(text.splitlines()) == 2
    # a 転入通知 received takes him off the list
    with activate(office.ctx()):
        apply(office, "move_out_confirmed", {"person_ids": [son.pk], "notice_date": TODAY.isoformat()}, TODAY)
    assert f"/registry/persons/{son.pk}/" not in _html(clerk.get("/registry/move-outs/not-arrived/"))


@pytest.mark.std("710#1")
def test_ex_officio_deleted_persons_on_request_and_the_setting(office, staff_client) -> None:
    from jichitai.tenancy.models import MunicipalSetting

    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        apply(office, "ex_officio_deletion", {"person_ids": [son.pk]}, TODAY - dt.timedelta(days=40))
        assert move_outs.not_arrived(staff=office.clerk) == []
        rows = move_outs.not_arrived(staff=office.clerk, include_deleted=True)
        assert [(r["id"], r["reason"], r["overdue_days"]) for r in rows] == [(son.pk, "職権消除", 40)]
        MunicipalSetting.objects.create(key=move_outs.NOT_ARRIVED_SETTING, value="50")
        assert move_outs.not_arrived_days() == 50
        assert move_outs.not_arrived(staff=office.clerk, include_deleted=True) == []


@pytest.mark.std("710#1")
def test_protected_person_is_a_masked_row_without_identifiers(office, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        _plan(office, son.pk, 45)
        officer = _protect(office, son.pk)
    page = _html(staff_client("clerk").get("/registry/move-outs/not-arrived/"))
    assert "支援措置対象" in page and "太郎" not in page and OSAKA not in page
    assert f"/registry/persons/{son.pk}/" not in page
    text = staff_client("clerk").get("/registry/move-outs/not-arrived.csv").content.decode("utf-8-sig")
    assert "太郎" not in text and OSAKA not in text and "支援措置対象" in text
    # the officer with need-to-know sees him
    assert "太郎" in _html(staff_client(officer).get("/registry/move-outs/not-arrived/"))


def test_bad_days_is_a_clear_400(office, staff_client) -> None:
    clerk = staff_client("clerk")
    for bad in ("abc", "-1", "99999", "１２"):
        r = clerk.get("/registry/move-outs/not-arrived/", {"days": bad})
        assert r.status_code == 400 and "経過日数" in _html(r)
        assert clerk.get("/registry/move-outs/not-arrived.csv", {"days": bad}).status_code == 400


@pytest.mark.std("50#1")
def test_person_page_reads_the_planned_date_now_and_as_of(office, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        _plan(office, son.pk, 45)
    clerk = staff_client("clerk")
    page = _html(clerk.get(f"/registry/persons/{son.pk}/"))
    current = page.split('id="current-record"')[1].split("</dl>")[0]
    assert "転出者" in current
    before = (TODAY - dt.timedelta(days=46)).isoformat()
    earlier = _html(clerk.get(f"/registry/persons/{son.pk}/", {"as_of": before})).split('id="asof-result"')[1]
    assert "転出者" not in earlier.split("</dl>")[0] and "住民" in earlier.split("</dl>")[0]
    after = _html(clerk.get(f"/registry/persons/{son.pk}/", {"as_of": TODAY.isoformat()})).split('id="asof-result"')[1]
    assert "転出者" in after.split("</dl>")[0]
