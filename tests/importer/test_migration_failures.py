"""A failed run writes nothing (every problem with its record's line and item); dry runs write
nothing; re-runs change nothing; 外字 through the 外字対応表 or onto the worklist."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jichitai.importer import HistoryEntry, PersonRecord, import_records
from jichitai.importer.records import frozen

from .registers import RegisterBuilder, database_state, synthetic_specs

pytestmark = pytest.mark.django_db
D = dt.date


def _register(seed: int = 3) -> list[PersonRecord]:
    b = RegisterBuilder()
    specs = synthetic_specs(seed, 3)
    days = (D(2016, 1, 1), D(2016, 6, 1), D(2017, 1, 1))
    for s, day, town in zip(specs, days, (0, 1, 2), strict=True):
        s[0]["relationship"] = "世帯主"
        b.move_in(s, day, town, "3番地")
    first = b.records()[0]
    b.move_within(b.persons[first.atena_no].household_no, D(2018, 2, 2), 1, "8番地")
    return b.records()


def _with_person(record: PersonRecord, n: int, **items: Any) -> PersonRecord:
    entries = list(record.history)
    entries[n] = dataclasses.replace(entries[n], person=frozen({**entries[n].person, **items}))
    return dataclasses.replace(record, history=tuple(entries))


def _bad_date(r: PersonRecord) -> tuple[PersonRecord, int, str, str]:
    e = r.history[-1]
    return (
        dataclasses.replace(
            r,
            history=(
                *r.history[:-1],
                dataclasses.replace(e, effective_on=e.person["birth_date"] - dt.timedelta(days=30)),
            ),
        ),
        -1,
        "effective_on",
        "",
    )


def _bad_check_digit(r: PersonRecord) -> tuple[PersonRecord, int, str, str]:
    number = str(r.history[0].person["my_number"])
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    return _with_person(r, 0, my_number=wrong), 0, "my_number", "checkdigit"


def _forbidden_relationship(r: PersonRecord) -> tuple[PersonRecord, int, str, str]:
    return _with_person(r, 0, relationship="ともだち"), 0, "relationship", "relationship"


def _unknown_gaiji(r: PersonRecord) -> tuple[PersonRecord, int, str, str]:
    name = str(r.history[0].person["family_name"])
    return _with_person(r, 0, family_name=name[0] + "\ue0a1"), 0, "family_name", "gaiji.unmapped"


def _unknown_reason(r: PersonRecord) -> tuple[PersonRecord, int, str, str]:
    e = r.history[0]
    return (
        dataclasses.replace(r, history=(dataclasses.replace(e, reason="Z99"), *r.history[1:])),
        0,
        "reason",
        "code.unknown",
    )


BREAKERS: dict[str, Callable[[PersonRecord], tuple[PersonRecord, int, str, str]]] = {
    "bad date": _bad_date,
    "bad check digit": _bad_check_digit,
    "forbidden 続柄": _forbidden_relationship,
    "unknown 外字": _unknown_gaiji,
    "unknown 異動事由": _unknown_reason,
}


@pytest.mark.parametrize("how", sorted(BREAKERS))
def test_one_bad_record_in_the_middle_stops_the_run_and_writes_nothing(
    office: Any, admin: Any, how: str
) -> None:
    records = _register()
    middle = len(records) // 2
    bad, entry, key, rule = BREAKERS[how](records[middle])
    records[middle] = bad
    before = database_state()
    result = import_records(records, municipality=office.municipality, staff=admin)
    assert database_state() == before
    assert not result.ok and not result.already_imported
    hit = [p for p in result.problems if p.key == key]
    assert hit, result.problems
    assert {p.line for p in hit} == {bad.history[entry].source.line}
    assert all(p.file == "jumin.csv" and p.item and p.message_ja and p.message_en for p in hit)
    if rule:
        assert {p.rule for p in hit} == {rule}
    # the same problems from a dry run, which writes nothing either
    dry = import_records(records, municipality=office.municipality, staff=admin, dry_run=True)
    assert dry.problems == result.problems and database_state() == before


def test_a_duplicated_person_is_named_with_both_lines(office: Any, admin: Any) -> None:
    records = _register()
    twin = dataclasses.replace(
        records[1],
        history=tuple(
            dataclasses.replace(e, source=dataclasses.replace(e.source, line=e.source.line + 100))
            for e in records[1].history
        ),
        source=dataclasses.replace(records[1].source, line=records[1].source.line + 100),
    )
    records.insert(2, twin)
    before = database_state()
    result = import_records(records, municipality=office.municipality, staff=admin)
    assert database_state() == before
    dup = [p for p in result.problems if p.rule == "duplicate"]
    assert [p.line for p in dup] == [twin.source.line] and str(records[1].source.line) in dup[
        0
    ].message_ja


def test_a_row_the_database_refuses_rolls_the_whole_run_back(office: Any, admin: Any) -> None:
    """Passes every rule but another current resident holds its 個人番号: the insert fails, nothing stays."""
    records = _register()
    first_no = records[0].history[0].household["household_no"]
    ours = [r for r in records if r.history[0].household["household_no"] == first_no]
    rest = [r for r in records if r.history[0].household["household_no"] != first_no]
    assert ours and rest
    assert import_records(ours, municipality=office.municipality, staff=admin).ok
    taken = ours[0].history[-1].person["my_number"]
    rest[-1] = dataclasses.replace(
        rest[-1],
        history=tuple(
            dataclasses.replace(e, person=frozen({**e.person, "my_number": taken}))
            for e in rest[-1].history
        ),
    )
    before = database_state()
    result = import_records(rest, municipality=office.municipality, staff=admin)
    assert [p.rule for p in result.problems] == ["database"]
    assert (
        taken
        not in result.problems[0].message_ja
        + result.problems[0].message_en
        + result.problems[0].value
    )
    assert database_state() == before


def test_dry_run_validates_everything_and_writes_nothing(office: Any, admin: Any) -> None:
    records = _register()
    before = database_state()
    seen: list[tuple[int, int]] = []
    dry = import_records(
        records,
        municipality=office.municipality,
        staff=admin,
        dry_run=True,
        progress=lambda *a: seen.append(a),
    )
    assert dry.ok and dry.dry_run and dry.persons == len(records)
    assert seen == [(len(records), len(records))]
    assert dry.events == sum(len(r.history) for r in records)
    assert database_state() == before


def test_rerun_is_idempotent_and_one_audit_entry_per_run(office: Any, admin: Any) -> None:
    from jichitai.audit.models import AuditEntry
    from jichitai.registry.models import MigrationRun
    from jichitai.tenancy.context import activate

    records = _register()
    first = import_records(
        records, municipality=office.municipality, staff=admin, run_key="vendor-2026-12"
    )
    assert first.ok and not first.already_imported
    after = database_state()
    again = import_records(
        records, municipality=office.municipality, staff=admin, run_key="vendor-2026-12"
    )
    assert again.already_imported and again.ok and "already imported" in again.message
    same_content = import_records(
        list(reversed(records)), municipality=office.municipality, staff=admin
    )
    assert same_content.already_imported
    assert database_state() == after
    other = import_records(
        records[:1], municipality=office.municipality, staff=admin, run_key="vendor-2026-12"
    )
    assert [p.rule for p in other.problems] == ["run.conflict"] and database_state() == after
    with activate(office.ctx(admin)):
        entries = AuditEntry.objects.filter(action="registry.migration_import")
        assert entries.count() == 1
        assert entries.get().detail["events"] == first.events
        run = MigrationRun.objects.get()
        assert (run.persons, run.events, run.staff_id, run.run_key) == (
            first.persons,
            first.events,
            admin.pk,
            "vendor-2026-12",
        )


def test_kept_numbers_and_counters_advance_past_them(office: Any, admin: Any) -> None:
    from jichitai.registry import numbering
    from jichitai.registry.models import Counter
    from jichitai.tenancy.context import activate
    from tests.registry.conftest import apply, person_spec

    records = _register()
    assert import_records(records, municipality=office.municipality, staff=admin).ok
    with activate(office.ctx()):
        counters = dict(Counter.objects.values_list("name", "value"))
        top = max(int(r.atena_no[:-1]) for r in records)
        assert counters["atena_no"] >= top
        event = apply(
            office,
            "move_in",
            {
                "household": {"new": {"address_id": office.address.pk, "banchi": "1番地"}},
                "persons": [person_spec("p1", "新井", "一郎", "1980-05-01", "世帯主")],
                "previous_address": "東京都千代田区千代田1番1号",
            },
            D(2024, 4, 1),
        )
        from jichitai.registry.models import Person

        new = Person.objects.without_read_log("test").get(household_id=event.household_id)
        assert new.atena_no == numbering.atena_no(counters["atena_no"] + 1)
        assert new.atena_no not in {r.atena_no for r in records}


def test_gaiji_through_the_table_and_onto_the_worklist(office: Any, admin: Any) -> None:
    from jichitai.registry.models import Person
    from jichitai.tenancy.context import activate

    records = _register()
    target = records[0]
    name = str(target.history[0].person["family_name"])
    records[0] = dataclasses.replace(
        target,
        history=tuple(
            dataclasses.replace(e, person=frozen({**e.person, "family_name": "\ue001" + name[1:]}))
            for e in target.history
        ),
    )
    refused = import_records(records, municipality=office.municipality, staff=admin)
    assert {(u.code, u.atena_no, u.item) for u in refused.gaiji_unmapped} == {
        ("U+E001", target.atena_no, "family_name")
    }
    assert (
        "U+E001" in refused.problems[0].message_ja
        and target.atena_no in refused.problems[0].message_ja
    )
    done = import_records(
        records, municipality=office.municipality, staff=admin, gaiji={"U+E001": "髙"}
    )
    assert done.ok and done.gaiji_mapped == len(target.history)
    with activate(office.ctx()):
        assert (
            Person.objects.without_read_log("test").get(atena_no=target.atena_no).family_name
            == "髙" + name[1:]
        )


def test_staff_without_the_migration_capability_is_refused(office: Any) -> None:
    from jichitai.accounts.capabilities import CapabilityMissing

    before = database_state()
    with pytest.raises(CapabilityMissing):
        import_records(_register(), municipality=office.municipality, staff=office.approver)
    assert database_state() == before


def _unused(_: HistoryEntry) -> None:  # keeps the import honest for type checkers
    return None


def test_a_removed_persons_record_alone_leaves_no_current_household(
    office: Any, admin: Any
) -> None:
    """A 除票 migrated on its own (the first entry already 転出): the person and household exist in
    the log, the household is not 現存, and the export gives the record back."""
    from jichitai.importer import export_records
    from jichitai.registry.models import Household, Person
    from jichitai.tenancy.context import activate

    b = RegisterBuilder()
    spec = synthetic_specs(9, 1)[0][:1]
    spec[0]["relationship"] = "世帯主"
    no = b.move_in(spec, D(2016, 1, 1), 0, "3番地")
    atena = b.members(no)[0]
    b.remove(atena, D(2017, 1, 1), "move_out")
    record = b.records()[0]
    removed = dataclasses.replace(record, history=(dataclasses.replace(record.history[-1], seq=1),))
    assert import_records([removed], municipality=office.municipality, staff=admin).ok
    with activate(office.ctx()):
        assert Person.objects.without_read_log("test").get(atena_no=atena).status == "moved_out"
        assert Household.objects.get(household_no=no).active is False
    (out,) = export_records(municipality=office.municipality, staff=admin)
    assert (
        out.history[0].person["status"] == "moved_out"
        and out.history[0].reason == "move_out_confirmed"
    )


def _unknown_ideograph() -> str:
    """A CJK ideograph MJ does not hold and IPAmj明朝 cannot draw (found in the tables, not assumed)."""
    from jichitai.moji.chars import identify

    for cp in range(0x2A700, 0x2B73F):  # CJK Extension C: mostly outside MJ
        info = identify(chr(cp))[0]
        if info.mj is None and not info.font:
            return chr(cp)
    raise AssertionError("no unknown ideograph found")


def test_a_character_outside_mj_stops_its_record_as_unknown_gaiji(office: Any, admin: Any) -> None:
    records = _register()
    strange = _unknown_ideograph()
    first = records[1].history[0]
    records[1] = _with_person(records[1], 0, given_name=strange)
    before = database_state()
    result = import_records(records, municipality=office.municipality, staff=admin)
    assert database_state() == before
    hit = [p for p in result.problems if p.key == "given_name"]
    assert [(p.rule, p.line, p.value) for p in hit] == [
        ("gaiji.unknown", first.source.line, f"U+{ord(strange):04X}")
    ]
    assert [(u.code, u.atena_no) for u in result.gaiji_unmapped] == [
        (f"U+{ord(strange):04X}", records[1].atena_no)
    ]
