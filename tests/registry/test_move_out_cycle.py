"""転出の流れ ([680], [50]#1): 予定 and 確定 side by side, the 消除日 rule, a 転入通知 after a 職権消除;
another municipality's rows never."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.errors import RegistryError
from jichitai.registry.events.kinds.move_out import removal_date
from jichitai.registry.models import Person
from jichitai.registry.selectors.removed import removal_items
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people

D = dt.date
pytestmark = pytest.mark.django_db
OSAKA = "大阪府大阪市北区梅田1丁目"


def _get(pk: int) -> Person:
    return Person.objects.for_read(screen="テスト").get(pk=pk)


def _plan(office, pid: int, planned: str = "2024-03-20") -> None:
    apply(office, "move_out_planned", {"person_ids": [pid], "destination": OSAKA, "planned_date": planned},
          D(2024, 3, 1))


@pytest.mark.std("680#1", "700#2", "700#1", "700#3", "690#6", "690#7")
def test_notice_keeps_the_plan_beside_the_confirmed_items(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        _plan(office, son.pk)
        apply(office, "move_out_confirmed", {"person_ids": [son.pk], "destination": OSAKA + "1番1号",
                                             "notice_date": "2024-04-02", "moved_in_on": "2024-03-25"},
              D(2024, 4, 2))
        q = _get(pk=son.pk)
        # the plan is not overwritten: 転出先（予定） and 転出予定年月日 stay beside the confirmed ones
        assert (q.move_out_destination, q.move_out_planned_on) == (OSAKA, D(2024, 3, 20))
        assert (q.move_out_confirmed_destination, q.move_in_notice_on, q.move_out_confirmed_on) == (
            OSAKA + "1番1号", D(2024, 4, 2), D(2024, 3, 25))
        items = removal_items(son.pk)
        assert (items.planned_destination, items.confirmed_destination, items.notified_on, items.occurred_on) == (
            OSAKA, OSAKA + "1番1号", "2024-04-02", "2024-03-20")


@pytest.mark.std("680#1")
def test_notice_before_the_planned_date_is_accepted(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        _plan(office, son.pk, planned="2024-05-31")  # 転出予定年月日 not come yet
        apply(office, "move_out_confirmed", {"person_ids": [son.pk], "moved_in_on": "2024-03-10"}, D(2024, 3, 12))
        q = _get(pk=son.pk)
        assert q.status == "moved_out" and q.move_out_planned_on == D(2024, 5, 31)


@pytest.mark.std("50#1")
def test_removal_date_is_the_earlier_of_plan_and_notice(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        _plan(office, son.pk, planned="2024-03-20")
        _plan(office, wife.pk, planned="2024-03-20")
        # the notice says he moved in 3/15 (before the plan): 消除 on 3/15
        apply(office, "move_out_confirmed", {"person_ids": [son.pk], "moved_in_on": "2024-03-15"}, D(2024, 4, 1))
        # she moved in 3/28 (after the plan): 消除 on the planned 3/20
        apply(office, "move_out_confirmed", {"person_ids": [wife.pk], "moved_in_on": "2024-03-28"}, D(2024, 4, 1))
        assert _get(pk=son.pk).removed_on == D(2024, 3, 15)
        assert _get(pk=wife.pk).removed_on == D(2024, 3, 20)
    assert removal_date("2024-03-20", None) == "2024-03-20"
    assert removal_date(D(2024, 3, 20), D(2024, 3, 19)) == "2024-03-19"
    assert removal_date(None, None) is None


@pytest.mark.std("680#2")
def test_notice_after_an_ex_officio_deletion_is_recorded_on_the_removed_record(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        apply(office, "ex_officio_deletion", {"person_ids": [son.pk]}, D(2024, 2, 1))
        apply(office, "move_out_confirmed", {"person_ids": [son.pk], "destination": OSAKA,
                                             "notice_date": "2024-06-01", "moved_in_on": "2023-12-01"},
              D(2024, 6, 1))
        q = _get(pk=son.pk)
        # still a 職権消除 除票 with its own 消除日, now carrying the notice
        assert (q.status, q.removed_on) == ("deleted", D(2024, 2, 1))
        assert (q.move_out_confirmed_destination, q.move_in_notice_on, q.move_out_confirmed_on) == (
            OSAKA, D(2024, 6, 1), D(2023, 12, 1))
        assert removal_items(son.pk).confirmed_destination == OSAKA


def test_notice_needs_a_plan_and_refuses_the_dead(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        with pytest.raises(RegistryError, match="転出予定"):
            apply(office, "move_out_confirmed", {"person_ids": [son.pk]}, D(2024, 4, 1))
        apply(office, "death", {"person_id": wife.pk}, D(2024, 2, 1))
        with pytest.raises(RegistryError, match="転入通知"):
            apply(office, "move_out_confirmed", {"person_ids": [wife.pk]}, D(2024, 4, 1))


def test_another_municipalitys_person_is_not_found(office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b)
        theirs = people()[2].pk
    with activate(office.ctx()):
        with pytest.raises(RegistryError, match="見つかりません"):
            apply(office, "move_out_confirmed", {"person_ids": [theirs], "moved_in_on": "2024-03-01"},
                  D(2024, 4, 1))


def _gone_son(office) -> tuple[int, int]:
    """The son filed a 転出届 with a 転出予定日 that has passed; no clerk has acted since."""
    move_in_family(office)
    son = people()[2]
    past = dt.date.today() - dt.timedelta(days=40)
    apply(office, "move_out_planned", {"person_ids": [son.pk], "destination": OSAKA,
                                       "planned_date": past.isoformat()}, past - dt.timedelta(days=5))
    return son.pk, son.household_id


@pytest.mark.std("50#1")
def test_planned_date_come_reads_as_moved_out_without_a_clerk(office, office_b) -> None:
    from jichitai.registry import selectors
    from jichitai.registry.selectors import SearchQuery

    with activate(office.ctx()):
        son, hid = _gone_son(office)
        assert _get(son).status == "resident"  # nothing was run: the rule is computed on read
        residents = selectors.search(SearchQuery(name="髙橋"), staff=office.clerk)
        assert son not in [r.id for r in residents.results] and residents.total == 2
        gone = selectors.search(SearchQuery(name="髙橋", removal="moved_out"), staff=office.clerk)
        assert [r.id for r in gone.results] == [son]
        detail = selectors.person_detail(son, staff=office.clerk)
        assert detail.summary.status == "moved_out" and detail.summary.status_label == "転出者"
        hh = selectors.household_detail(hid, staff=office.clerk)
        assert son not in [m.id for m in hh.members]
    with activate(office_b.ctx()):  # another municipality does not see him at all
        assert selectors.search(SearchQuery(name="髙橋", removal="moved_out"), staff=office_b.clerk).total == 0


def test_planned_date_not_come_is_still_a_resident(office) -> None:
    from jichitai.registry import selectors
    from jichitai.registry.selectors import SearchQuery

    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        later = dt.date.today() + dt.timedelta(days=10)
        apply(office, "move_out_planned", {"person_ids": [son.pk], "destination": OSAKA,
                                           "planned_date": later.isoformat()}, dt.date.today())
        assert selectors.search(SearchQuery(name="髙橋"), staff=office.clerk).total == 3
        assert selectors.person_detail(son.pk, staff=office.clerk).summary.status == "resident"


@pytest.mark.std("50#1")
def test_a_person_past_the_planned_date_takes_only_the_notice(office) -> None:
    with activate(office.ctx()):
        son, _ = _gone_son(office)
        with pytest.raises(RegistryError, match="転出予定日"):
            apply(office, "name_change", {"person_id": son, "family_name": "渡辺"}, dt.date.today())
        # before the planned date (a late report of an earlier 異動) he was still a resident
        early = dt.date.today() - dt.timedelta(days=42)
        apply(office, "name_change", {"person_id": son, "family_name": "渡辺"}, early)
        apply(office, "move_out_confirmed", {"person_ids": [son], "notice_date": dt.date.today().isoformat()},
              dt.date.today())
        q = _get(son)
        assert (q.status, q.removed_on) == ("moved_out", dt.date.today() - dt.timedelta(days=40))


def test_euc_source_reads_the_planned_date(office) -> None:
    from jichitai.registry.selectors import euc_source

    with activate(office.ctx()):
        son, _ = _gone_son(office)
        assert son not in [p.pk for p in euc_source._persons(include_removed=False)]
        assert son in [p.pk for p in euc_source._persons(include_removed=True)]
