"""[100] households without a head: allowed when the head leaves or dies (with [490]'s alert),
shown as 「世帯主なし」, exported and answered by the API with an empty head."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry import events, export
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import Household
from jichitai.tenancy.context import activate

from .conftest import D, apply, move_in_family, people

pytestmark = pytest.mark.django_db


def _headless(office: Any) -> tuple[Any, Any, Any]:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        with pytest.raises(RegistryError) as exc:
            events.submit_event("death", {"person_id": head.pk}, effective_date=D(2023, 1, 1),
                                reported_date=D(2023, 1, 2), entered_by=office.clerk)
        assert [v.rule for v in exc.value.violations] == ["headless"]
        apply(office, "death", {"person_id": head.pk}, D(2023, 1, 1), confirm_alerts=True)
        return head, wife, child


@pytest.mark.std("100#1")
def test_a_head_who_dies_leaves_a_household_without_a_head(office: Any, office_b: Any) -> None:
    head, wife, child = _headless(office)
    with activate(office.ctx()):
        hh = Household.objects.get(pk=wife.household_id)
        assert hh.head_id is None and hh.active
        assert [p.relationship for p in people(status="resident")] == ["妻", "子"]
        # [490]#3: the others' 異動 go on; a 世帯主変更 gives the household a head again
        apply(office, "move_within", {"person_ids": [child.pk], "address": {
            "address_id": office.address2.pk, "banchi": "9"}}, D(2023, 2, 1))
        apply(office, "head_change", {"household_id": hh.pk, "new_head_id": wife.pk}, D(2023, 3, 1))
        hh.refresh_from_db()
        assert hh.head_id == wife.pk
    with activate(office_b.ctx()):
        assert not Household.objects.filter(pk=hh.pk).exists()


@pytest.mark.std("100#1")
def test_a_head_who_moves_out_may_name_the_one_who_remains_or_leave_none(office: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        apply(office, "move_out_planned", {"person_ids": [head.pk], "destination": "札幌市"}, D(2023, 1, 1))
        apply(office, "move_out_confirmed", {"person_ids": [head.pk]}, D(2023, 1, 5), confirm_alerts=True)
        assert Household.objects.get(pk=wife.household_id).head_id is None
        # a new household still needs its head
        with pytest.raises(RegistryError) as exc:
            apply(office, "move_in", {
                "household": {"new": {"address_id": office.address.pk, "banchi": "1"}},
                "persons": [{**_spec(), "relationship": "妻"}], "previous_address": "札幌市"}, D(2023, 2, 1))
        assert [v.rule for v in exc.value.violations] == ["one_head"]


def _spec() -> dict[str, Any]:
    from .conftest import person_spec

    return person_spec("p1", "田中", "一", "1980-01-01", "世帯主")


@pytest.mark.std("100#2")
def test_a_headless_household_is_exported_as_it_is(office: Any) -> None:
    head, wife, child = _headless(office)
    with activate(office.ctx()):
        rows = [r for r in export.export_residents() if r.get("household_no")]
        mine = [r for r in rows if r.get("family_name") == wife.family_name and r.get("given_name") != "一郎"]
        assert sorted(r["relationship"] for r in mine) == ["妻", "子"]  # no one is 世帯主

