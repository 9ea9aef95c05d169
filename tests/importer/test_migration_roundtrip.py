"""Random valid registers imported into an empty municipality and read back: the export as of
several dates equals the input, and so do the register's own as-of views and history snapshots."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings

from jichitai.importer import export_records, import_records
from jichitai.importer.records import PersonRecord, full_person
from jichitai.registry.selectors.history import as_of as register_as_of
from jichitai.registry.selectors.history import history as register_snapshots

from .registers import as_of_dates, comparable, registers

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _exported(
    office: Any, admin: Any, as_of: dt.date | None, restricted: bool = False
) -> dict[str, Any]:
    return comparable(
        list(
            export_records(
                municipality=office.municipality,
                staff=admin,
                as_of=as_of,
                include_restricted=restricted,
            )
        ),
        restricted=restricted,
    )


def _check_register_views(office: Any, records: list[PersonRecord]) -> None:
    """as_of and the history snapshots of the register's read layer answer as the source did. A
    帰化・国籍喪失 starts a new 住民票 under the same 宛名番号: each 住民票 answers for its part of
    the history (the old one ends with its 消除 at the change)."""
    from jichitai.registry.models import Person

    with _ctx(office):
        ids: dict[str, list[int]] = {}
        for atena, pk in (
            Person.objects.without_read_log("test: migration round trip")
            .order_by("pk").values_list("atena_no", "pk")
        ):
            ids.setdefault(atena, []).append(pk)
        for r in records:
            parts = _residence_records(r)
            assert len(ids[r.atena_no]) == len(parts)
            for n, (pid, part) in enumerate(zip(ids[r.atena_no], parts, strict=True)):
                last = n + 1 == len(parts)
                snaps = register_snapshots(pid)
                assert len(snaps) == len(part) + (0 if last else 1)
                if not last:
                    assert snaps[-1]["row"]["status"] == "deleted"
                for snap, e in zip(snaps, part, strict=False):
                    assert snap["effective_date"] == (e.effective_on or e.reported_on).isoformat()
                    want = {
                        k: (v.isoformat() if isinstance(v, dt.date) else v)
                        for k, v in full_person(e.person).items()
                    }
                    got = {k: snap["row"].get(k) for k in want}
                    assert got == want
                    row = register_as_of(pid, e.effective_on)
                    assert row is not None and row["family_name"] == e.person["family_name"]
            before = r.history[0].effective_on - dt.timedelta(days=1)
            assert register_as_of(ids[r.atena_no][0], before) is None


def _residence_records(r: PersonRecord) -> list[list[Any]]:
    """The record's history cut where a 帰化・国籍取得・国籍喪失 changes the 住民種別."""
    from jichitai.importer.migration_build import changes_nationality

    parts: list[list[Any]] = [[r.history[0]]]
    for before, e in zip(r.history, r.history[1:], strict=False):
        if changes_nationality(e.reason, before.person, e.person):
            parts.append([])
        parts[-1].append(e)
    return parts


def _same(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert sorted(got) == sorted(want)
    for atena, rows in want.items():
        assert len(got[atena]) == len(rows), atena
        for g, w in zip(got[atena], rows, strict=True):
            assert g[:4] == w[:4], atena
            assert {k: v for k, v in g[4].items() if w[4].get(k) != v} == {}, (atena, w[4])
            assert g[5] == w[5], atena


def _ctx(office: Any) -> Any:
    from jichitai.tenancy.context import activate

    return activate(office.ctx(office.clerk))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=registers())
def test_import_then_export_as_of_equals_the_input(
    office: Any, admin: Any, records: list[PersonRecord]
) -> None:
    if not records:
        return
    try:
        with transaction.atomic():
            result = import_records(records, municipality=office.municipality, staff=admin)
            assert result.ok, result.problems
            assert result.persons == len(records)
            assert result.events == sum(len(r.history) for r in records)
            _same(
                _exported(office, admin, None, restricted=True),
                comparable(records, restricted=True),
            )
            for day in as_of_dates(records):
                _same(_exported(office, admin, day), comparable(records, day))
            _check_register_views(office, records)
            raise _Rollback
    except _Rollback:
        pass


def test_projection_is_the_last_entry(office: Any, admin: Any) -> None:
    from jichitai.registry.models import Household, Person

    from .registers import RegisterBuilder, synthetic_specs

    b = RegisterBuilder()
    specs = synthetic_specs(7, 2)
    for s in specs:
        s[0]["relationship"] = "世帯主"
    first = b.move_in(specs[0], dt.date(2016, 1, 1), 0, "1番地")
    b.move_in(specs[1], dt.date(2016, 2, 1), 1, "5番地")
    b.move_within(first, dt.date(2018, 3, 3), 2, "9番地")
    head = b.members(first)[0]
    b.name_change(head, dt.date(2019, 1, 1), ("佐藤", "サトウ"))
    b.remove(head, dt.date(2020, 5, 5), "death")
    records = b.records()
    assert import_records(records, municipality=office.municipality, staff=admin).ok
    with _ctx(office):
        dead = Person.objects.without_read_log("test").get(atena_no=head)
        assert (dead.status, dead.family_name, dead.removed_on) == (
            "dead",
            "佐藤",
            dt.date(2020, 5, 5),
        )
        hh = Household.objects.get(household_no=first)
        assert (hh.address.town_code, hh.banchi) == ("0003002", "9番地")
        others = b.members(first)
        assert (
            hh.head_id is None or hh.head_id == dead.pk
        ) or others  # the source names the next head
        assert hh.active == bool(others)


def _every_kind() -> tuple[list[PersonRecord], dict[str, str]]:
    """A register with the 異動 of the random registers that chance may leave out: 世帯分離, 世帯合併,
    世帯主変更, 世帯変更, 誤記修正, 住所一括変更, 通称の記載, 職権修正, 帰化 and 失踪 (and 転入, 国外転入, 転居)."""
    from .registers import RegisterBuilder, foreign, synthetic_specs

    b = RegisterBuilder()
    family, other, _ = synthetic_specs(3, 3)  # 世帯主, 妻 and 子, all born before 2010
    assert [s["relationship"] for s in family] == ["世帯主", "妻", "子"]
    no = b.move_in(family, dt.date(2012, 4, 1), 0, "3番地")
    alien = b.move_in([foreign(other[0], "mid_long", dt.date(2012, 5, 1))], dt.date(2012, 5, 1),
                      1, "8番地", abroad=True)
    head, wife, leaver = b.members(no)
    b.household_change(leaver, dt.date(2013, 1, 10))  # 世帯分離 (same 住所・方書)
    assert b.household_merge(leaver, dt.date(2014, 2, 1))  # 世帯合併 back, as 同居人
    assert b.head_change(no, dt.date(2015, 3, 1))  # the 妻 takes over: the old head is 夫
    b.household_change(head, dt.date(2015, 5, 1))
    assert b.household_merge(leaver, dt.date(2015, 7, 1))  # 世帯変更 into the 夫's household
    b.correction(wife, dt.date(2017, 4, 1), "correction")
    b.renumber(no, dt.date(2017, 5, 1), "45番地", "address_renumbering")
    alone = b.members(alien)[0]
    assert b.alias(alone, dt.date(2017, 6, 1))
    b.correction(alone, dt.date(2018, 7, 1), "ex_officio_correction")
    b.move_within(alien, dt.date(2019, 8, 1), 2, "2番地")
    assert b.nationality_change(alone, dt.date(2020, 9, 1)) == "naturalization"
    b.remove(alone, dt.date(2022, 10, 1), "disappearance")
    return b.records(), {"family": no, "head": head, "wife": wife, "leaver": leaver, "alien": alone}


def test_every_kind_the_builder_makes_imports_and_exports_item_by_item(
    office: Any, admin: Any, office_b: Any
) -> None:
    from jichitai.registry.models import Household, Person, RegistryEvent

    records, who = _every_kind()
    reasons = {e.reason for r in records for e in r.history}
    assert {"household_split", "household_merge", "household_change", "head_change", "correction",
            "ex_officio_correction", "alias_change", "address_renumbering", "naturalization",
            "disappearance"} <= reasons
    assert import_records(records, municipality=office.municipality, staff=admin).ok
    _same(_exported(office, admin, None, restricted=True), comparable(records, restricted=True))
    for day in as_of_dates(records):
        _same(_exported(office, admin, day), comparable(records, day))
    _check_register_views(office, records)
    with _ctx(office):
        persons = Person.objects.without_read_log("test: every kind")
        hh = Household.objects.get(household_no=who["family"])
        assert persons.get(pk=hh.head_id).atena_no == who["wife"]
        old_head = persons.get(atena_no=who["head"])
        # 夫 after the 世帯主変更, then 世帯主 of the household of its own (世帯分離)
        assert old_head.relationship == "世帯主" and old_head.household_id != hh.pk
        assert register_as_of(old_head.pk, dt.date(2015, 4, 1))["relationship"] == "夫"
        leaver = persons.get(atena_no=who["leaver"])
        assert (leaver.household_id, leaver.relationship) == (old_head.household_id, "同居人")
        alien = persons.filter(atena_no=who["alien"]).order_by("pk")
        assert [(p.resident_type, p.status, p.alias) for p in alien] == [
            ("foreign", "deleted", "山川"), ("japanese", "deleted", "")
        ]
        assert hh.banchi == "45番地"
        assert RegistryEvent.objects.filter(kind="head_change").exists()
    with activate_b(office_b):  # another municipality sees none of it
        assert not Person.objects.without_read_log("test").filter(
            atena_no__in=[r.atena_no for r in records]
        ).exists()
        assert not RegistryEvent.objects.filter(kind="household_merge").exists()


def activate_b(office_b: Any) -> Any:
    from jichitai.tenancy.context import activate

    return activate(office_b.ctx(office_b.clerk))
