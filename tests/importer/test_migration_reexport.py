"""import(export(DB)) reproduces the register: a register entered at the counter (submit + approve)
is exported from A, A is rolled back, the records are imported into B, and B's export as of every
date equals A's (as-of views and history snapshots)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from jichitai.importer import export_records, import_records
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, move_in_family, people

from .registers import as_of_dates, comparable

pytestmark = pytest.mark.django_db
D = dt.date


class _Rollback(Exception):
    pass


def _counter_register(office: Any) -> None:
    move_in_family(office, D(2020, 4, 1))
    head, wife, son = people()
    apply(
        office,
        "move_within",
        {
            "person_ids": [head.pk, wife.pk, son.pk],
            "address": {"address_id": office.address2.pk, "banchi": "7番地"},
        },
        D(2021, 5, 1),
    )
    apply(office, "name_change", {"person_id": son.pk, "family_name": "齋藤"}, D(2022, 1, 10))
    apply(office, "household_split", {"person_ids": [son.pk]}, D(2022, 6, 1))
    apply(office, "death", {"person_id": wife.pk}, D(2023, 2, 3))


def test_a_counter_entered_register_moves_to_another_municipality_unchanged(
    office: Any, office_b: Any, admin: Any, admin_b: Any
) -> None:
    exported: dict[Any, Any] = {}
    try:
        with transaction.atomic():
            with activate(office.ctx()):
                _counter_register(office)
            records = list(
                export_records(
                    municipality=office.municipality, staff=admin, include_restricted=True
                )
            )
            exported[None] = records
            for day in as_of_dates(records):
                exported[day] = list(
                    export_records(municipality=office.municipality, staff=admin, as_of=day)
                )
            raise _Rollback
    except _Rollback:
        pass
    records = exported.pop(None)
    assert len(records) == 3 and [len(r.history) for r in records] == [2, 3, 4]
    result = import_records(records, municipality=office_b.municipality, staff=admin_b)
    assert result.ok, result.problems
    again = list(
        export_records(municipality=office_b.municipality, staff=admin_b, include_restricted=True)
    )
    assert comparable(again, restricted=True) == comparable(records, restricted=True)
    for day, before in exported.items():
        after = list(export_records(municipality=office_b.municipality, staff=admin_b, as_of=day))
        assert comparable(after) == comparable(before), day
