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


def _export_then_roll_back(office: Any, admin: Any, enter: Any) -> tuple[list[Any], dict[Any, Any]]:
    """What ``enter`` writes in A at the counter, exported in full and as of every date; A is then
    rolled back (the numbers are national: one installation holds each person once)."""
    exported: dict[Any, Any] = {}
    try:
        with transaction.atomic():
            with activate(office.ctx()):
                enter(office)
            records = list(
                export_records(municipality=office.municipality, staff=admin, include_restricted=True)
            )
            exported[None] = records
            for day in as_of_dates(records):
                exported[day] = list(
                    export_records(municipality=office.municipality, staff=admin, as_of=day)
                )
            raise _Rollback
    except _Rollback:
        pass
    return exported.pop(None), exported


def _import_gives_the_same_exports(
    office_b: Any, admin_b: Any, records: list[Any], exported: dict[Any, Any]
) -> None:
    result = import_records(records, municipality=office_b.municipality, staff=admin_b)
    assert result.ok, result.problems
    again = list(
        export_records(municipality=office_b.municipality, staff=admin_b, include_restricted=True)
    )
    assert comparable(again, restricted=True) == comparable(records, restricted=True)
    for day, before in exported.items():
        after = list(export_records(municipality=office_b.municipality, staff=admin_b, as_of=day))
        assert comparable(after) == comparable(before), day


def test_a_counter_entered_register_moves_to_another_municipality_unchanged(
    office: Any, office_b: Any, admin: Any, admin_b: Any
) -> None:
    records, exported = _export_then_roll_back(office, admin, _counter_register)
    assert len(records) == 3 and [len(r.history) for r in records] == [2, 3, 4]
    _import_gives_the_same_exports(office_b, admin_b, records, exported)


def _nationality_register(office: Any) -> int:
    """国籍喪失 and later 帰化 of the head: the register keeps three 住民票 under one 宛名番号 (two
    消除, [930]/[950]); the head's 住民票 moves to the new one each time."""
    move_in_family(office, D(2020, 4, 1))
    head, _wife, _son = people()
    apply(office, "nationality_loss", {"person_id": head.pk, "nationality": "カナダ",
                                       "foreign_category": "mid_long", "residence_status": "永住者",
                                       "residence_card_no": "AB12345678CD"}, D(2021, 5, 1))
    foreigner = people(atena_no=head.atena_no, status="resident")[0]
    apply(office, "naturalization", {"person_id": foreigner.pk, "honseki": "沖縄県那覇市泉崎1丁目1番",
                                     "hittousha": foreigner.family_name}, D(2023, 6, 1))
    return len(people(atena_no=head.atena_no))


def test_a_nationality_change_moves_as_one_history_and_comes_back_as_three_residence_records(
    office: Any, office_b: Any, admin: Any, admin_b: Any
) -> None:
    from jichitai.importer.reconcile import expected_from_records, reconciliation
    from jichitai.registry.models import Household, Person

    counted: list[int] = []
    records, exported = _export_then_roll_back(
        office, admin, lambda o: counted.append(_nationality_register(o))
    )
    assert counted == [3]  # three 住民票 under one 宛名番号 in A
    # one record per 宛名番号: the head's history crosses both changes, the 住民種別 with it
    assert len(records) == 3 and len({r.atena_no for r in records}) == 3
    head = next(r for r in records if len(r.history) == 3)
    assert [(e.reason, e.person["resident_type"]) for e in head.history] == [
        ("move_in", "japanese"), ("nationality_loss", "foreign"), ("naturalization", "japanese")
    ]
    _import_gives_the_same_exports(office_b, admin_b, records, exported)
    with activate(office_b.ctx()):
        rows = list(Person.objects.without_read_log("test").filter(atena_no=head.atena_no)
                    .order_by("pk").values_list("pk", "status", "resident_type", "removed_on"))
        assert [r[1:] for r in rows] == [("deleted", "japanese", D(2021, 5, 1)),
                                         ("deleted", "foreign", D(2023, 6, 1)),
                                         ("resident", "japanese", None)]
        assert Household.objects.get(pk=Person.objects.without_read_log("t").get(pk=rows[2][0])
                                     .household_id).head_id == rows[2][0]
        # the 照合表 counts the person once, as the file does, and the replaced 住民票 apart
        report = reconciliation(expected=expected_from_records(records))
        assert report["differences"] == [] and report["residence_records_replaced"] == 2
        assert report["persons_by_status"] == {"住民": 3}
        assert report["residents_by_type"] == {"日本人": 3}
    with activate(office.ctx()):  # the source municipality (rolled back) holds none of it
        assert not Person.objects.without_read_log("test").filter(atena_no=head.atena_no).exists()
