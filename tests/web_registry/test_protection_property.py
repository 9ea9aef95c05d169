"""Property: over random registers and random 支援措置 and 抑止 histories, seen on any date (also
years after every end date), a protected person never appears unmasked to staff without
need-to-know — search, person and household pages, API person endpoints — and holds never lapse
by date ([410]#6, [440]#5).

The oracle ignores end dates on purpose: protection is "started (or 仮-started) and not ended",
a hold is "started and not released". Moving out changes nothing of either.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.registry import events, holds, support
from jichitai.registry.errors import RegistryError
from jichitai.registry.selectors import MASK
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, people, person_spec
from tests.web_registry.conftest import login

TODAY = dt.date.today()
GIVEN = (("一郎", "イチロウ"), ("二郎", "ジロウ"), ("三郎", "サブロウ"), ("四郎", "シロウ"), ("五郎", "ゴロウ"),
         ("六郎", "ロクロウ"), ("七郎", "シチロウ"), ("八郎", "ハチロウ"), ("九郎", "クロウ"))
PROCESSES = ("entry", "issuance", "inquiry")

sizes = st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=3)
step = st.one_of(
    st.tuples(st.just("measure"), st.integers(0, 8), st.integers(-900, 20), st.booleans(), st.integers(0, 500)),
    st.tuples(st.just("end"), st.integers(0, 8)),
    st.tuples(st.just("set_end"), st.integers(0, 8), st.integers(0, 900)),
    st.tuples(st.just("moveout"), st.integers(0, 8)),
    st.tuples(st.just("hold"), st.integers(0, 8), st.booleans(), st.sampled_from(PROCESSES),
              st.sampled_from(("error", "alert")), st.integers(-900, 20), st.integers(0, 400)),
    st.tuples(st.just("release"), st.integers(0, 8)),
)


def _staff(office: Any) -> tuple[Any, Any]:
    from jichitai.accounts.models import RoleGrant, Staff

    made = []
    for name, roles in (("e", ("clerk", "support_measure", "approver")), ("a", ("approver", "support_measure"))):
        staff, _ = Staff.objects.get_or_create(username=f"prop-{name}")
        for role in roles:
            RoleGrant.objects.get_or_create(staff=staff, municipality=office.municipality, role=role)
        made.append(staff)
    return made[0], made[1]


def _register(office: Any, sizes: list[int]) -> list[dict[str, Any]]:
    """Households at distinct 番地; persons with distinct names (保護 + a given name)."""
    n = 0
    for h, size in enumerate(sizes):
        specs = []
        for i in range(size):
            given, kana = GIVEN[n]
            specs.append(person_spec(f"p{i}", "保護", given, f"19{60 + n}-04-0{i + 1}", "世帯主" if i == 0 else "同居人",
                                     family_kana="ホゴ", given_kana=kana))
            n += 1
        apply(office, "move_in", {"household": {"new": {"address_id": office.address.pk, "banchi": f"{71 + h}番地"}},
                                  "persons": specs, "previous_address": "東京都千代田区千代田1番1号"}, dt.date(2019, 4, 1))
    return [{"id": p.pk, "name": p.full_name, "household": p.household_id, "head": p.relationship == "世帯主"}
            for p in people(family_name="保護")]


def _run(office: Any, persons: list[dict[str, Any]], steps: list[tuple[Any, ...]]) -> tuple[list[Any], list[Any]]:
    """Apply the history; returns the oracle's measures and holds."""
    officer, approver = _staff(office)
    measures: list[dict[str, Any]] = []
    placed: list[dict[str, Any]] = []
    for s in steps:
        kind = s[0]
        try:
            if kind == "measure":
                p = persons[s[1] % len(persons)]
                start = TODAY + dt.timedelta(days=s[2])
                m = support.start_measure(p["id"], start=start, end=start + dt.timedelta(days=s[4]), reason="DV",
                                          against=[], staff=officer, provisional=s[3])
                measures.append({"m": m, "person": p["id"], "start": start, "ended": False})
            elif kind in ("end", "set_end") and measures:
                rec = measures[s[1] % len(measures)]
                if kind == "end":
                    support.end_measure(rec["m"].pk, staff=officer, reason="request")
                    rec["ended"] = True
                else:
                    support.set_end_date(rec["m"].pk, end=rec["start"] + dt.timedelta(days=s[2]), staff=officer)
            elif kind == "moveout":
                p = persons[s[1] % len(persons)]
                if not p["head"]:
                    sub = events.submit_event("move_out_abroad", {"person_ids": [p["id"]], "destination": "英国"},
                                              effective_date=TODAY, reported_date=TODAY, entered_by=officer,
                                              confirm_duplicates=True)
                    events.approve_event(sub.event.pk, approver=approver)
            elif kind == "hold":
                p = persons[s[1] % len(persons)]
                subject = {"household_id": p["household"]} if s[2] else {"person_id": p["id"]}
                start = TODAY + dt.timedelta(days=s[5])
                h = holds.set_hold(process=s[3], level=s[4], start=start, end=start + dt.timedelta(days=s[6]),
                                   reason="調査", staff=approver, **subject)
                placed.append({"h": h, "start": start, "released": False, **subject})
            elif kind == "release" and placed:
                rec = placed[s[1] % len(placed)]
                holds.release_hold(rec["h"].pk, staff=approver, reason="済")
                rec["released"] = True
        except RegistryError:
            pass  # refused (an ended measure, an entry hold, a released hold): the oracle did not change
    return measures, placed


def _expected_level(p: dict[str, Any], process: str, placed: list[dict[str, Any]], day: dt.date) -> str:
    found = [r["h"].level for r in placed if not r["released"] and r["start"] <= day and r["h"].process == process
             and (r.get("person_id") == p["id"] or r.get("household_id") == p["household"])]
    return "error" if "error" in found else ("alert" if found else "")


def _check(office: Any, persons: list[dict[str, Any]], measures: list[dict[str, Any]], placed: list[dict[str, Any]],
           day: dt.date) -> None:
    protected = {r["person"] for r in measures if not r["ended"] and r["start"] <= day}
    clerk = login(Client(), office.clerk, office.municipality)
    pages = [clerk.get("/registry/", {"name": "保護", "include_removed": "1"}),
             clerk.get("/api/v1/persons", {"name": "保護", "include_removed": "true"})]
    pages += [clerk.get(f"/registry/households/{hid}/") for hid in {p["household"] for p in persons}]
    for p in persons:
        if p["id"] in protected:
            page, api = clerk.get(f"/registry/persons/{p['id']}/"), clerk.get(f"/api/v1/persons/{p['id']}")
            assert page.status_code == 403 and MASK in page.content.decode() and api.status_code == 403
            pages.append(page)
    text = "".join(r.content.decode() for r in pages)
    for p in persons:
        if p["id"] in protected:
            assert p["name"] not in text and f"/registry/persons/{p['id']}/" not in text, (p, day)


@pytest.mark.django_db
@pytest.mark.std("410#6", "440#5")
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=sizes, steps=st.lists(step, min_size=1, max_size=8),
       days=st.lists(st.integers(min_value=-30, max_value=2500), min_size=1, max_size=2))
def test_masked_persons_never_appear_and_holds_never_lapse(office: Any, sizes: list[int], steps: list[tuple[Any, ...]],
                                                          days: list[int]) -> None:
    with transaction.atomic():
        with activate(office.ctx()):
            persons = _register(office, sizes)
            measures, placed = _run(office, persons, steps)
        for offset in days:
            day = TODAY + dt.timedelta(days=offset)
            with mock.patch.object(timezone, "localdate", lambda *a, _d=day, **k: _d):
                _check(office, persons, measures, placed, day)  # requests: each its own unit of work
                with activate(office.ctx()):
                    for p in persons:
                        for process in PROCESSES:
                            expected = _expected_level(p, process, placed, day)
                            assert holds.decide(p["id"], process).level == expected, (p, process, day)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_another_municipalitys_protected_person_is_not_found(office: Any, office_b: Any) -> None:
    with activate(office_b.ctx()):
        persons = _register(office_b, [2])
        officer, _ = _staff(office_b)
        support.start_measure(persons[1]["id"], start=dt.date(2020, 4, 1), reason="DV", against=[], staff=officer)
    clerk = login(Client(), office.clerk, office.municipality)
    assert clerk.get(f"/registry/persons/{persons[1]['id']}/").status_code == 404
    page = clerk.get("/registry/", {"name": "保護"}).content.decode()
    assert "検索結果 0件" in page and persons[0]["name"] not in page
