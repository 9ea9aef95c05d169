"""The one place the register's event path writes SQL: numbers, new rows, facts, projections.

Called by the workflow at approval, inside its transaction, for a round of planned events that
touch disjoint rows. One counter reservation per counter, one insert per table, one
version-checked ``UPDATE … FROM unnest(…)`` per projection table on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection
from django.db.models import F
from django.utils import timezone

from jichitai.tenancy.context import current

from .. import numbering
from ..conventions import HOUSEHOLD_FIELDS, PERSON_FIELDS, name_keys, not_null_text, to_python
from ..errors import ConcurrentUpdate, violation
from ..facts import facts_for
from ..models import EventFact, EventStatus, Household, Person, PersonStatus, RegistryEvent
from ..replay import fold_entity
from .plan import Plan

_RESERVE_SQL = (
    'INSERT INTO "registry_counter" ("municipality_id", "name", "value") VALUES (%s, %s, %s) '
    'ON CONFLICT ("municipality_id", "name") DO UPDATE '
    'SET "value" = "registry_counter"."value" + excluded."value" RETURNING "value"'
)


def reserve(counter: str, n: int = 1) -> int:
    """Take ``n`` consecutive numbers of a per-municipality counter; returns the first.

    One upsert: the row lock it takes is held to the end of the transaction, so numbers are
    gapless and never handed out twice (PostgreSQL and SQLite alike).
    """
    with connection.cursor() as cur:
        cur.execute(_RESERVE_SQL, [current().municipality_id, counter, n])
        (value,) = cur.fetchone()
    return int(value) - n + 1


@dataclass(frozen=True, slots=True)
class FactRow:
    event: RegistryEvent
    entity: str
    entity_id: int
    field: str
    before: Any
    after: Any
    effective_date: dt.date
    approval_seq: int


def apply_round(items: list[tuple[RegistryEvent, Plan]], approver: Any) -> list[RegistryEvent]:
    """Write planned events that touch disjoint rows: numbers, new rows, facts, projections."""
    first_seq = reserve("approval_seq", len(items))
    _retire_first([plan for _, plan in items])
    created = _create_entities([plan for _, plan in items])
    facts: list[FactRow] = []
    now = timezone.now()
    for n, ((event, plan), (ids, numbers)) in enumerate(zip(items, created, strict=True)):
        seq = first_seq + n
        facts.extend(_fact_rows(event, plan, ids, numbers, seq))
        event.status = EventStatus.APPROVED
        event.registered_at = now
        event.approval_seq = seq
        if event.household_id is None and plan.main_household is not None:
            event.household_id = ids.get(plan.main_household, plan.main_household)  # type: ignore[assignment]
    _insert_facts(facts)
    versions: dict[str, dict[str, int]] = {"person": {}, "household": {}}
    new_rows: set[tuple[str, int]] = set()
    after: dict[tuple[str, int], dict[str, Any]] = {}
    for (_, plan), (ids, _) in zip(items, created, strict=True):
        new_rows |= {("household", ids[r]) for r in plan.new_households}
        new_rows |= {("person", ids[r]) for r in plan.new_persons}
        for entity in versions:
            versions[entity].update(plan.base_versions[entity])
        for ent, row in (plan.after or {}).items():
            after[ent] = {f: _resolve(v, ids) for f, v in row.items()}
    _project(versions, facts, created=new_rows, after=after)
    events = [event for event, _ in items]
    set_columns(RegistryEvent, ("status", "registered_at", "approval_seq", "household_id"),
                [(e.pk, {"status": e.status, "registered_at": e.registered_at,
                         "approval_seq": e.approval_seq, "household_id": e.household_id}) for e in events])
    return events


def _insert_facts(facts: list[FactRow]) -> None:
    """One INSERT for the facts of a whole batch. PostgreSQL: from one JSON parameter (Django's
    bulk_create prepares every value of the tens of thousands one by one)."""
    if not facts:
        return
    if connection.vendor != "postgresql":
        EventFact.objects.bulk_create([
            EventFact(event=f.event, entity=f.entity, entity_id=f.entity_id, field=f.field, before=f.before,
                      after=f.after, effective_date=f.effective_date, approval_seq=f.approval_seq)
            for f in facts
        ])
        return
    qn = connection.ops.quote_name
    columns = ("event_id", "entity", "entity_id", "field", "before", "after", "effective_date", "approval_seq")
    types = ("bigint", "text", "bigint", "text", "jsonb", "jsonb", "date", "bigint")
    rows = [[f.event.pk, f.entity, f.entity_id, f.field, f.before, f.after, f.effective_date, f.approval_seq]
            for f in facts]
    sql = (
        f"INSERT INTO {qn(EventFact._meta.db_table)} ({qn('municipality_id')}, {', '.join(qn(c) for c in columns)}) "
        f"SELECT %s, {_json_columns(types)} FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS r(v, n) "
        "ORDER BY r.n"  # ids in the planner's order: the order of facts inside an event
    )
    with connection.cursor() as cur:
        cur.execute(sql, [current().municipality_id, _json_rows(rows)])


def _json_rows(rows: list[list[Any]]) -> str:
    """Many rows as one JSON text parameter. PostgreSQL parses it in C; a typed array per column
    costs psycopg about a microsecond per value in Python (7,000 facts: 12 ms against 60 ms)."""

    def default(value: Any) -> str:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        raise TypeError(f"not JSON: {type(value).__name__}")

    return json.dumps(rows, ensure_ascii=False, default=default)


def _json_columns(types: Sequence[str]) -> str:
    """Element k of each row (``r.v``) as its SQL type; a jsonb null is SQL NULL, as Django stores None."""
    return ", ".join(
        f"NULLIF(r.v->{k}, 'null'::jsonb)" if t == "jsonb" else f"(r.v->>{k})::{t}" for k, t in enumerate(types)
    )


def set_columns(model: Any, columns: tuple[str, ...], rows: list[tuple[int, dict[str, Any]]]) -> None:
    """Set columns of many rows of the current municipality (one statement on PostgreSQL)."""
    if rows and _update_rows(model, columns, [(pk, None, values) for pk, values in rows],
                             versioned=False) != len(rows):
        raise ConcurrentUpdate("異動" if model is RegistryEvent else "世帯")


def _planned_rows(plan: Plan) -> dict[int | str, dict[str, Any]]:
    rows: dict[int | str, dict[str, Any]] = {}
    for f in plan.facts:
        rows.setdefault(f.ref, {})[f.field] = f.after
    return rows


def _create_entities(plans: list[Plan]) -> list[tuple[dict[int | str, int], dict[int | str, str]]]:
    """Insert the households and persons the events create, with their final values.

    Returns per plan the new ids and the numbers (世帯番号, 宛名番号) given to them, in plan order;
    a new entity's projection is exactly its planned facts, so it needs no replay.
    """
    out: list[tuple[dict[int | str, int], dict[int | str, str]]] = [({}, {}) for _ in plans]
    planned = [_planned_rows(plan) if plan.new_households or plan.new_persons else {} for plan in plans]
    if sum(len(plan.new_households) for plan in plans):
        _create_households(plans, planned, out)
    if sum(len(plan.new_persons) for plan in plans):
        _create_persons(plans, planned, out)
    heads = []
    for i, plan in enumerate(plans):
        ids = out[i][0]
        for ref in plan.new_households:
            head = planned[i][ref].get("head_id")
            if head is not None:
                heads.append((ids[ref], {"head_id": ids.get(head, head)}))
    set_columns(Household, ("head_id",), heads)
    return out


def _create_households(plans: list[Plan], planned: list[dict[Any, dict[str, Any]]], out: list[Any]) -> None:
    number = reserve("household_no", sum(len(plan.new_households) for plan in plans))
    objs, owners = [], []
    for i, plan in enumerate(plans):
        for ref in plan.new_households:
            out[i][1][ref] = numbering.household_no(number)
            number += 1
            row = planned[i][ref]
            objs.append(Household(
                household_no=out[i][1][ref], address_id=row.get("address_id"),
                banchi=row.get("banchi") or "", katagaki=row.get("katagaki") or "", active=True,
                version=1,  # the creating event is the row's first write
            ))
            owners.append((i, ref))
    for (i, ref), obj in zip(owners, Household.objects.bulk_create(objs), strict=True):
        out[i][0][ref] = obj.pk


_PERSON_COLUMNS = {f.attname for f in Person._meta.concrete_fields} - {"id", "municipality_id"}


def _retire_first(plans: list[Plan]) -> None:
    """A record whose 宛名番号 and numbers a new record takes ([930]–[950]) is 消除 before the new one
    is inserted (and a 取消 voids the new one before the old comes back): the unique indexes see
    one live holder at a time. Its version is not bumped here;
    the projection below writes the whole row, version-checked."""
    rows = [(int(f.ref), {"status": f.after}) for plan in plans if plan.retire_first
            for f in plan.facts if f.entity == "person" and f.field == "status" and isinstance(f.ref, int)
            and f.after != PersonStatus.RESIDENT.value]
    set_columns(Person, ("status",), rows)


def _create_persons(plans: list[Plan], planned: list[dict[Any, dict[str, Any]]], out: list[Any]) -> None:
    number = reserve("atena_no", sum(len(set(plan.new_persons) - set(plan.carried_numbers)) for plan in plans))
    objs, owners = [], []
    for i, plan in enumerate(plans):
        ids, numbers = out[i]
        for ref in plan.new_persons:
            if ref in plan.carried_numbers:
                numbers[ref] = plan.carried_numbers[ref]
            else:
                numbers[ref] = numbering.atena_no(number)
                number += 1
            row = {f: to_python(f, _resolve(v, ids)) for f, v in planned[i][ref].items()}
            row["atena_no"] = numbers[ref]
            row["version"] = 1
            row.update(name_keys(row))
            objs.append(Person(**{k: v for k, v in row.items() if k in _PERSON_COLUMNS}))
            owners.append((i, ref))
    try:
        created = Person.objects.bulk_create(objs)
    except IntegrityError as exc:
        _raise_unique_number(exc)
        raise
    for (i, ref), obj in zip(owners, created, strict=True):
        out[i][0][ref] = obj.pk


def _raise_unique_number(exc: IntegrityError) -> None:
    text = str(exc)
    if any(w in text for w in ("my_number", "resident_code", "uniq_resident")):
        raise violation(
            "unique_number", "個人番号または住民票コードが他の住民と重複しています。", "my_number"
        ) from exc


def _resolve(value: Any, ids: Mapping[Any, int]) -> Any:
    return ids.get(value, value) if isinstance(value, str) and value.startswith("new:") else value


def _fact_rows(
    event: RegistryEvent, plan: Plan, ids: Mapping[Any, int], numbers: Mapping[Any, str], seq: int
) -> list[FactRow]:
    rows = []
    for f in plan.facts:
        entity_id = ids.get(f.ref, f.ref)
        rows.append(FactRow(
            event, f.entity, int(entity_id), f.field, _resolve(f.before, ids), _resolve(f.after, ids),
            event.effective_date, seq,
        ))
    # numbers are given at approval: recorded as the creation facts they are
    for ref in [*plan.new_persons, *plan.new_households]:
        entity = "person" if ref in plan.new_persons else "household"
        rows.append(FactRow(
            event, entity, ids[ref], "atena_no" if entity == "person" else "household_no", None,
            numbers[ref], event.effective_date, seq,
        ))
    return rows


def _project(
    versions: Mapping[str, Mapping[str, int]], new_facts: list[FactRow], *, created: set[tuple[str, int]],
    after: Mapping[tuple[str, int], dict[str, Any]],
) -> None:
    """Write the existing projection rows the events touched: the planned row where the event
    comes last in their log (``after``), otherwise the replay of their whole log (取消・訂正).
    Rows the events created were inserted with their final values."""
    touched = {(f.entity, f.entity_id) for f in new_facts} - created

    def rows(entity: str) -> Iterable[tuple[int, dict[str, Any]]]:
        ids = {i for e, i in touched if e == entity}
        for i in sorted(ids):
            if (entity, i) in after:
                yield i, after[(entity, i)]
        replay = {i for i in ids if (entity, i) not in after}
        for i, facts in facts_for(entity, replay).items() if replay else ():
            yield i, fold_entity(facts) or {}

    households = []
    for hid, row in rows("household"):
        values = {f: to_python(f, row.get(f)) for f in HOUSEHOLD_FIELDS if f in row}
        if values.get("active") is None:
            values["active"] = False
        households.append((hid, versions["household"].get(str(hid)), values))
    _update_versioned(Household, households)
    persons = []
    for pid, row in rows("person"):
        values = {f: to_python(f, row.get(f)) for f in PERSON_FIELDS if f in row}
        for f in ("residence_end_date", "move_out_planned_on", "removed_on", "reported_on",
                  "became_resident_on", "address_set_on"):
            values.setdefault(f, None)
        if values.get("status") is None:
            values["status"] = PersonStatus.VOID.value
        values.update(name_keys(values))
        persons.append((pid, versions["person"].get(str(pid)), values))
    _update_versioned(Person, persons)


def _update_versioned(model: Any, rows: list[tuple[int, int | None, dict[str, Any]]]) -> None:
    """Write folded rows back, each only if its version is still the one the plan read."""
    if not rows:
        return
    text = not_null_text(model)
    nullable = {f.attname for f in model._meta.concrete_fields if f.null}
    for _, _, values in rows:
        for name in [n for n, v in values.items() if v is None and n not in nullable]:
            # a voided creation folds back to None; text columns keep "" instead
            if name in text:
                values[name] = ""
            else:
                del values[name]
    by_columns: dict[tuple[str, ...], list[tuple[int, int | None, dict[str, Any]]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(row[2])), []).append(row)
    try:
        for columns, group in by_columns.items():
            if _update_rows(model, columns, group, versioned=True) != len(group):
                raise ConcurrentUpdate("世帯" if model is Household else "住民")
    except IntegrityError as exc:
        _raise_unique_number(exc)
        raise


def _update_rows(
    model: Any, columns: tuple[str, ...], rows: list[tuple[int, int | None, dict[str, Any]]], *, versioned: bool
) -> int:
    """Update many rows of the current municipality; returns how many matched. ``versioned``: each
    row only at its expected version (None: any), and its version goes up by one.

    PostgreSQL: one ``UPDATE … FROM unnest(arrays)`` (row-level security applies too); SQLite,
    or a single row: the ORM, row by row.
    """
    bump = {"version": F("version") + 1} if versioned else {}
    if connection.vendor != "postgresql" or len(rows) == 1:
        updated = 0
        for pk, expected, values in rows:
            qs = model.objects.filter(pk=pk)
            if expected is not None:
                qs = qs.filter(version=expected)
            updated += qs.update(**bump, **values)
        return updated
    qn = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    arrays: list[Any] = [[pk for pk, _, _ in rows], [expected for _, expected, _ in rows]]
    casts = ["bigint[]", "bigint[]"]
    for col in columns:
        arrays.append([fields[col].get_db_prep_save(values[col], connection) for _, _, values in rows])
        casts.append(f"{fields[col].db_type(connection)}[]")
    names = ", ".join(qn(n) for n in ("_id", "_expected", *columns))
    sets = [f"{qn(c)} = v.{qn(c)}" for c in columns]
    where = f"t.{qn('id')} = v.{qn('_id')} AND t.{qn('municipality_id')} = %s"
    if versioned:
        sets.insert(0, f"{qn('version')} = t.{qn('version')} + 1")
        where += f" AND (v.{qn('_expected')} IS NULL OR t.{qn('version')} = v.{qn('_expected')})"
    # typed arrays, not a JSON list: the planner knows their length and joins by the primary key
    # (from jsonb_array_elements it chose to read the whole table: 300 ms at 1,000,000 persons)
    sql = (
        f"UPDATE {qn(model._meta.db_table)} AS t SET {', '.join(sets)} "
        f"FROM unnest({', '.join(f'%s::{c}' for c in casts)}) AS v({names}) WHERE {where}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [*arrays, current().municipality_id])
        return int(cur.rowcount)
