"""表示権限 ([1390]): 本籍・筆頭者, 住民票コード and 在留資格等 per staff member on every screen and
the API; 続柄 never hideable ([1390]#2)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.test import Client

from jichitai.accounts.capabilities import CAPABILITIES, capabilities_of
from jichitai.accounts.models import DisplayRestriction, Role, RoleGrant, Staff
from jichitai.registry import events
from jichitai.registry.selectors import visibility
from jichitai.tenancy.context import activate
from jichitai.web.registry import display
from tests.registry.conftest import apply, people, person_spec

from .conftest import login

pytestmark = pytest.mark.django_db
WITHHELD = "（表示権限なし）"
WITHHOLDABLE = sorted(n for n, c in CAPABILITIES.items() if c.withholdable)


def _family(office: Any) -> tuple[Any, Any]:
    with activate(office.ctx()):
        apply(office, "move_in_abroad", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "3"}},
            "persons": [
                person_spec("p1", "Smith", "John", "1975-03-03", "世帯主", resident_type="foreign",
                            nationality="英国", residence_status="永住者", residence_card_no="AB12345678CD",
                            residence_end_date="2030-01-31", honseki="", hittousha="",
                            family_kana="スミス", given_kana="ジョン"),
                person_spec("p2", "山本", "花子", "1980-05-01", "妻", honseki="秘密県本籍村9番地",
                            hittousha="山本一郎", resident_code="12345678901"),
            ],
            "previous_address": "英国",
        }, dt.date(2021, 6, 1))
        return tuple(sorted(people(), key=lambda p: p.birth_date))  # type: ignore[return-value]


def _clerk(office: Any, name: str, withheld: list[str]) -> Staff:
    staff = Staff.objects.create(username=name, display_name="表示 制限")
    RoleGrant.objects.create(staff=staff, municipality=office.municipality, role=Role.CLERK)
    RoleGrant.objects.create(staff=staff, municipality=office.municipality, role=Role.APPROVER)
    for cap in withheld:
        DisplayRestriction.objects.create(staff=staff, municipality=office.municipality, capability=cap)
    return staff


@pytest.mark.std("1390#1")
def test_withheld_items_read_no_right_on_the_person_screen_and_are_left_out_of_the_api(office: Any) -> None:
    john, hanako = _family(office)
    restricted = login(Client(), _clerk(office, "restricted", WITHHOLDABLE), office.municipality)
    full = login(Client(), _clerk(office, "full", []), office.municipality)
    secrets = ("秘密県本籍村9番地", "山本一郎", "12345678901")
    wife = restricted.get(f"/registry/persons/{hanako.pk}/", {"as_of": "2022-01-01"}).content.decode()
    assert all(s not in wife for s in secrets) and wife.count(WITHHELD) >= 6  # current and as-of record
    assert "妻" in wife  # 続柄 stays
    seen = full.get(f"/registry/persons/{hanako.pk}/").content.decode()
    assert all(s in seen for s in secrets) and WITHHELD not in seen  # the default: readers see them
    foreigner = restricted.get(f"/registry/persons/{john.pk}/").content.decode()
    assert "永住者" not in foreigner and "AB12345678CD" not in foreigner and "2030年1月31日" not in foreigner
    assert "英国" in foreigner  # 国籍 is not a 在留資格等 item
    api = restricted.get(f"/api/v1/persons/{hanako.pk}").json()["record"]
    assert api["honseki"] is None and api["resident_code"] is None and api["relationship"] == "妻"
    assert set(api["withheld"]) >= {"honseki", "hittousha", "resident_code", "residence_status"}
    assert full.get(f"/api/v1/persons/{hanako.pk}").json()["record"]["honseki"] == "秘密県本籍村9番地"


@pytest.mark.std("1390#1")
def test_each_item_is_withheld_on_its_own(office: Any) -> None:
    _, hanako = _family(office)
    staff = _clerk(office, "no-honseki", ["registry.show_honseki"])
    page = login(Client(), staff, office.municipality).get(f"/registry/persons/{hanako.pk}/").content.decode()
    assert "秘密県本籍村9番地" not in page and "12345678901" in page


@pytest.mark.std("1390#1")
def test_the_approval_queue_and_the_event_api_withhold_the_items(office: Any) -> None:
    with activate(office.ctx()):
        events.submit_event("move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "5"}},
            "persons": [person_spec("p1", "川井", "守", "1970-01-01", "世帯主", honseki="隠し県本籍町1番地",
                                    hittousha="川井守", resident_code="98765432109")],
            "previous_address": "東京都千代田区千代田1番1号",
        }, effective_date=dt.date(2024, 4, 1), reported_date=dt.date(2024, 4, 1), entered_by=office.clerk)
    restricted = login(Client(), _clerk(office, "restricted-approver", WITHHOLDABLE), office.municipality)
    queue = restricted.get("/registry/approvals/").content.decode()
    assert "隠し県本籍町1番地" not in queue and "98765432109" not in queue and WITHHELD in queue
    listed = restricted.get("/api/v1/events").content.decode()
    assert "隠し県本籍町1番地" not in listed and "98765432109" not in listed
    full = login(Client(), office.approver, office.municipality).get("/registry/approvals/").content.decode()
    assert "隠し県本籍町1番地" in full


@pytest.mark.std("1390#1")
def test_history_shows_that_a_withheld_item_changed_not_its_values() -> None:
    history = [{"history_no": 1, "event_id": 1, "kind": "転入", "effective_date": "2020-01-01", "changed": [],
                "row": {"relationship": "世帯主"}},
               {"history_no": 2, "event_id": 2, "kind": "職権修正", "effective_date": "2021-01-01",
                "changed": ["honseki", "relationship"], "row": {"relationship": "世帯主"}}]
    (latest, _) = display.timeline(history, my_number_shown=False, withheld=frozenset({"honseki"}))
    assert [(c.label, c.before, c.after) for c in latest.changes][0] == ("本籍", WITHHELD, WITHHELD)


def test_a_restriction_in_another_municipality_does_not_count_here(office: Any, office_b: Any) -> None:
    _, hanako = _family(office)
    staff = _clerk(office, "two-towns", [])
    DisplayRestriction.objects.create(staff=staff, municipality=office_b.municipality, capability="registry.show_honseki")
    page = login(Client(), staff, office.municipality).get(f"/registry/persons/{hanako.pk}/").content.decode()
    assert "秘密県本籍村9番地" in page
    assert "registry.show_honseki" not in capabilities_of(staff, office_b.municipality.pk)


@pytest.mark.std("1390#2")
def test_relationship_is_never_hideable_by_rights(office: Any) -> None:
    """No capability maps to 続柄, and with every combination of withheld display rights the person
    screen, the household screen and the API still show it."""
    assert "relationship" not in visibility.DISPLAY_RIGHTS and "relationship" in visibility.NEVER_WITHHELD
    assert not any("続柄" in c.label for c in CAPABILITIES.values())
    john, hanako = _family(office)
    for n in range(len(WITHHOLDABLE) + 1):
        for combo in itertools.combinations(WITHHOLDABLE, n):
            staff = _clerk(office, f"combo-{n}-{'-'.join(c[-6:] for c in combo)}", list(combo))
            assert "relationship" not in visibility.withheld_fields(staff, office.municipality.pk)
            c = login(Client(), staff, office.municipality)
            assert "<dd>妻</dd>" in c.get(f"/registry/persons/{hanako.pk}/").content.decode()
            assert "<td>妻</td>" in c.get(f"/registry/households/{hanako.household_id}/").content.decode()
            assert c.get(f"/api/v1/persons/{hanako.pk}").json()["record"]["relationship"] == "妻"
