"""ログの分析 ([1370]#4): the five analyses on screen and as CSV, this municipality's only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from jichitai.accounts.models import RoleGrant, Staff
from jichitai.accounts.signals import AuthEvent, emit
from jichitai.audit import chain, reports
from jichitai.audit.calendar import holidays, is_day_off
from jichitai.tenancy.context import activate
from tests.registry.conftest import move_in_family, people

from .conftest import login

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))


def _auditor(office: Any) -> Client:
    staff = Staff.objects.create(username=f"auditor-{office.municipality.pk}", display_name="監査 一郎",
                                 consortium=office.municipality.consortium)
    RoleGrant.objects.create(staff=staff, municipality=office.municipality, role="auditor")
    return login(Client(), staff, office.municipality)


def _report(client: Client, kind: str) -> str:
    resp = client.get("/audit/reports/", {"kind": kind, "since": "2000-01-01", "until": "2099-12-31"})
    assert resp.status_code == 200
    return resp.content.decode()


@pytest.mark.std("1370#4", "1370#2")
def test_identifier_and_mass_searches_are_listed_and_exported(office: Any, staff_client: Any, monkeypatch: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
    clerk = staff_client("clerk")
    monkeypatch.setattr(reports, "MASS_SEARCHES_PER_HOUR", 3)
    assert clerk.get("/registry/", {"resident_code": "12345678901"}).status_code == 200
    assert clerk.get("/registry/", {"kana": "タカハシ"}).status_code == 200
    assert clerk.get("/registry/", {"name": "髙橋"}).status_code == 200
    auditor = _auditor(office)
    page = _report(auditor, "identifier_searches")
    assert "resident_code=12345678901" in page and "clerk-wa" in page and page.count("<tr>") == 2  # header + 1
    assert "clerk-wa" in _report(auditor, "mass_searches") and "1時間に3回の検索" in _report(auditor, "mass_searches")
    csv = auditor.get("/audit/reports/identifier_searches.csv", {"since": "2000-01-01", "until": "2099-12-31"})
    body = csv.content.decode("utf-8")
    assert csv["Content-Type"].startswith("text/csv") and body.startswith("\ufeff日時,職員ID,画面,検索した番号")
    assert "resident_code=12345678901" in body
    assert auditor.get("/audit/reports/", {"kind": "off_hours", "since": "あした"}).status_code == 400
    assert auditor.get("/audit/reports/nothing.csv").status_code == 404


@pytest.mark.std("1370#4")
def test_night_and_holiday_accesses_are_listed_and_office_hours_are_not(office: Any, staff_client: Any,
                                                                        monkeypatch: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people(given_name="一郎")[0]
    clerk = staff_client("clerk")
    monkeypatch.setattr(chain, "_now", lambda: dt.datetime(2026, 6, 3, 10, 0, tzinfo=JST))  # a Wednesday
    clerk.get(f"/registry/persons/{head.pk}/")
    monkeypatch.setattr(chain, "_now", lambda: dt.datetime(2026, 5, 5, 11, 0, tzinfo=JST))  # こどもの日
    clerk.get(f"/registry/households/{head.household_id}/")
    monkeypatch.setattr(chain, "_now", lambda: dt.datetime(2026, 6, 4, 23, 30, tzinfo=JST))
    clerk.get("/registry/", {"kana": "タカハシ"})
    monkeypatch.undo()
    page = _report(_auditor(office), "off_hours")
    assert "2026-05-05 11:00:00" in page and "休業日" in page
    assert "2026-06-04 23:30:00" in page and "深夜" in page
    assert "2026-06-03 10:00:00" not in page


@pytest.mark.std("1370#4", "1370#1")
def test_login_failures_and_logins_per_id_show_this_municipalitys_staff_only(office: Any, office_b: Any) -> None:
    for o in (office, office_b):
        o.clerk.consortium = o.municipality.consortium
        o.clerk.save()
    for _ in range(2):
        emit(AuthEvent.MUNICIPALITY_SELECTED, staff=office.clerk, municipality_id=office.municipality.pk)
    emit(AuthEvent.LOGIN_PASSWORD_FAILED, staff=office.clerk, reason="wrong_password")
    emit(AuthEvent.LOGIN_PASSWORD_FAILED, staff=office_b.clerk, reason="wrong_password")
    emit(AuthEvent.MUNICIPALITY_SELECTED, staff=office_b.clerk, municipality_id=office_b.municipality.pk)
    auditor = _auditor(office)
    failures = _report(auditor, "login_failures")
    assert "clerk-wa" in failures and "wrong_password" in failures and "clerk-wb" not in failures
    counts = _report(auditor, "logins_per_id")
    assert "<td>clerk-wa</td><td>2</td><td>1</td>" in counts and "clerk-wb" not in counts


def test_every_analysis_runs_on_an_empty_log(office: Any) -> None:
    auditor = _auditor(office)
    for kind in reports.REPORTS:
        assert "該当するログはありません" in _report(auditor, kind)


def test_known_days_off() -> None:
    days = holidays(2026)
    for d in ("2026-01-12", "2026-02-23", "2026-03-20", "2026-05-06", "2026-07-20", "2026-09-21",
              "2026-09-22", "2026-09-23", "2026-10-12", "2026-11-23"):
        assert dt.date.fromisoformat(d) in days, d
    assert is_day_off(dt.date(2026, 12, 30)) and is_day_off(dt.date(2027, 1, 2))
    assert not is_day_off(dt.date(2026, 6, 3)) and not is_day_off(dt.date(2026, 12, 28))


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_weekends_and_new_year_are_always_off_and_holidays_are_few(day: dt.date) -> None:
    if day.weekday() >= 5 or (day.month, day.day) in {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}:
        assert is_day_off(day)
    assert 14 <= len(holidays(day.year)) <= 22
    assert all(h.year == day.year for h in holidays(day.year))
