"""Loading synthetic residents: through the event path and in bulk, with the same result.

Also the bulk path's PostgreSQL guard (the staging INSERT runs under RLS) and the registry
benchmark end to end at a tiny size against the test database (``--no-server``).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from jichitai import importer
from jichitai.importer import writers as _writers  # noqa: F401 - importer.writers
from jichitai.registry import conventions, events, selectors
from jichitai.registry.models import (
    AddressEntry,
    Counter,
    EventFact,
    Household,
    Person,
    RegistryEvent,
)
from jichitai.synthetic import generate_households
from jichitai.tenancy.context import activate

from .conftest import person_spec

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
D = dt.date


class _Rollback(Exception):
    pass


# -- snapshot of a register with every database id replaced by a stable business key ----------


def _snapshot() -> dict[str, Any]:
    persons = list(Person.objects.without_read_log("test: compare loaders").order_by("atena_no"))
    atena = {p.pk: p.atena_no for p in persons}
    hh_no = dict(Household.objects.values_list("pk", "household_no"))
    town = dict(AddressEntry.objects.values_list("pk", "town_code"))
    maps = {"household_id": hh_no, "head_id": atena, "address_id": town}

    def norm(field: str, value: Any) -> Any:
        m = maps.get(field)
        return m.get(value, ("?", value)) if m is not None and value is not None else value

    def row(obj: Any) -> dict[str, Any]:
        return {
            f.attname: norm(f.attname, getattr(obj, f.attname))
            for f in obj._meta.concrete_fields if f.attname not in ("id", "municipality_id")
        }

    def norm_row(r: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if r is None else {k: norm(k, v) for k, v in r.items()}

    def norm_request(req: dict[str, Any]) -> dict[str, Any]:
        req = json.loads(json.dumps(req))
        if "person_ids" in req:
            req["person_ids"] = [atena[i] for i in req["person_ids"]]
        for addr in (req.get("address"), (req.get("household") or {}).get("new")):
            if addr:
                addr["address_id"] = town[addr["address_id"]]
        return req

    seq_of = dict(RegistryEvent.objects.values_list("pk", "approval_seq"))
    events = [
        (e.approval_seq, e.kind, e.status, e.effective_date, e.reported_date, e.entered_by_id,
         norm_request(e.request),
         {"person": {atena[int(k)]: v for k, v in e.base_versions["person"].items()},
          "household": {hh_no[int(k)]: v for k, v in e.base_versions["household"].items()}},
         e.idempotency_key, hh_no.get(e.household_id), e.target_id)
        for e in RegistryEvent.objects.order_by("approval_seq")
    ]
    facts = [
        (seq_of[ev], entity, (atena if entity == "person" else hh_no)[eid], field,
         norm(field, before), norm(field, after), date, seq)
        for ev, entity, eid, field, before, after, date, seq in EventFact.objects.order_by("id")
        .values_list("event_id", "entity", "entity_id", "field", "before", "after",
                     "effective_date", "approval_seq")
    ]
    dates = [D(2005, 1, 1), D(2015, 6, 30), D(2024, 12, 31), D(2025, 4, 1)]
    return {
        "persons": [row(p) for p in persons],
        "households": sorted((row(h) for h in Household.objects.all()), key=lambda r: r["household_no"]),
        "events": events,
        "facts": facts,
        "counters": dict(Counter.objects.values_list("name", "value")),
        "as_of": {
            atena[p.pk]: [norm_row(selectors.as_of(p.pk, d)) for d in dates] for p in persons
        },
        "history": {
            atena[p.pk]: [
                (h["history_no"], h["kind"], h["effective_date"], h["reported_date"], h["changed"],
                 norm_row(h["row"]))
                for h in selectors.history(p.pk)
            ]
            for p in persons
        },
    }


# -- the request a synthetic person becomes ------------------------------------------------------


def test_person_spec_has_the_form_keys() -> None:
    hh = next(iter(generate_households("131016", 40, seed=3)))
    spec = importer.person_spec(hh.members[0], "p1")
    form = person_spec("p1", "高橋", "一郎", "1980-05-01", "世帯主")
    assert set(form) <= set(spec)
    assert spec["relationship"] == "世帯主" and spec["ref"] == "p1"
    assert spec["birth_date"] == hh.members[0].birth_date.isoformat()
    assert set(spec) >= {"my_number", "resident_code", "nationality", "residence_status",
                         "residence_end_date", "residence_card_no", "alias"}


def test_synthetic_code_for_maps_fictitious_prefectures() -> None:
    from jichitai.codes import is_valid_municipality_code

    assert importer.synthetic_code_for("131016") == "131016"
    mapped = importer.synthetic_code_for("992020")  # the demo's 中央市
    assert mapped.startswith("47202") and is_valid_municipality_code(mapped)
    assert importer.synthetic_code_for("999016").startswith("47901")


def test_ensure_address_dictionary_is_idempotent(office) -> None:
    addresses = [h.address for h in generate_households("131016", 200, seed=1)]
    with activate(office.ctx()):
        first = importer.ensure_address_dictionary(addresses)
        again = importer.ensure_address_dictionary(addresses)
        assert first == again and len(first) == len({a.town_code for a in addresses})
        entry = AddressEntry.objects.get(pk=first[addresses[0].town_code])
        assert entry.postal_code == addresses[0].postal_code
        assert entry.name.startswith(addresses[0].town_name)


# -- the event path ------------------------------------------------------------------------------


def test_load_via_events_fills_the_register_with_history(office) -> None:
    seen: list[tuple[int, int]] = []
    stats = importer.load_via_events(
        office.municipality, 120, 0, clerk=office.clerk, approver=office.approver,
        history_share=0.3, batch=10, progress=lambda done, total: seen.append((done, total)),
    )
    assert stats.residents == 120 and seen[-1] == (120, 120)
    assert stats.events == stats.households + stats.moves and stats.moves > 0
    with activate(office.ctx()):
        persons = list(Person.objects.without_read_log("test").all())
        assert len(persons) == 120 and {p.status for p in persons} == {"resident"}
        for h in Household.objects.all():
            heads = [p for p in persons if p.household_id == h.pk and p.relationship == "世帯主"]
            assert [p.pk for p in heads] == [h.head_id]
        moved = RegistryEvent.objects.filter(kind="move_within")
        assert moved.count() == stats.moves
        assert len(selectors.history(Person.objects.filter(household_id=moved[0].household_id)
                                    .values_list("pk", flat=True)[0])) == 2
        assert not RegistryEvent.objects.exclude(status="approved").exists()
        assert stats.facts == EventFact.objects.count()
    # a rerun finds every event by its idempotency key and loads nothing twice
    again = importer.load_via_events(
        office.municipality, 120, 0, clerk=office.clerk, approver=office.approver,
        history_share=0.3, batch=10,
    )
    assert again.skipped == again.households and again.events == 0


# -- bulk == events ------------------------------------------------------------------------------


def test_load_bulk_writes_the_same_register_as_the_event_path(office) -> None:
    kw = {"clerk": office.clerk, "approver": office.approver, "history_share": 0.2}
    try:
        with transaction.atomic():
            via = importer.load_via_events(office.municipality, 300, 7, **kw)
            with activate(office.ctx()):
                expected = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    bulk = importer.load_bulk(office.municipality, 300, 7, batch=100, **kw)
    with activate(office.ctx()):
        got = _snapshot()
        # the projections are what the log says (as services._project would fold them)
        for p in Person.objects.without_read_log("test").all():
            folded = selectors.as_of(p.pk, dt.date.max)
            assert folded is not None
            for f in conventions.PERSON_FIELDS:
                assert conventions.to_python(f, folded.get(f)) == getattr(p, f), (p.atena_no, f)
    assert (bulk.residents, bulk.households, bulk.events, bulk.moves, bulk.facts) == (
        via.residents, via.households, via.events, via.moves, via.facts)
    assert bulk.moves > 0
    for part in expected:
        assert got[part] == expected[part], part


def test_bulk_register_accepts_events_afterwards(office) -> None:
    importer.load_bulk(office.municipality, 40, 1, clerk=office.clerk, approver=office.approver)
    with activate(office.ctx()):
        p = Person.objects.without_read_log("test").order_by("pk").first()
        sub = events.submit_event("name_change", {"person_id": p.pk, "family_name": "髙橋"},
                                    effective_date=D(2025, 6, 1), reported_date=D(2025, 6, 1),
                                    entered_by=office.clerk)
        events.approve_event(sub.event.pk, approver=office.approver)
        from jichitai.registry.selectors import SearchQuery, search

        page = search(SearchQuery(name="高橋"), staff=office.clerk)
        assert p.pk in [r.id for r in page.results]
        assert Counter.objects.get(name="approval_seq").value == RegistryEvent.objects.count()


def test_bulk_load_is_invisible_to_another_municipality(office, office_b) -> None:
    importer.load_bulk(office.municipality, 30, 2, clerk=office.clerk, approver=office.approver)
    with activate(office_b.ctx()):
        assert Person.objects.count() == 0 and EventFact.objects.count() == 0


# -- PostgreSQL: COPY goes through staging, and the INSERT is checked by RLS -------------------


@pytest.mark.postgres_only
def test_copy_rows_of_another_municipality_are_refused_by_rls(office, office_b, is_postgres) -> None:
    if not is_postgres:
        pytest.skip("row-level security is PostgreSQL's (runs in the PostgreSQL pass)")
    import psycopg

    other = office_b.municipality.pk
    line = f"{other}\t9999999999\t\\N\t1番\t\t\\N\tt\t1\n"
    cols = ["municipality_id", "household_no", "address_id", "banchi", "katagaki", "head_id",
            "active", "version"]
    with activate(office.ctx()):
        # COPY straight into a table under FORCE RLS is not supported by PostgreSQL at all …
        with pytest.raises(psycopg.errors.FeatureNotSupported), transaction.atomic():
            Counter.objects.select_for_update().filter(name="x").exists()
            with connection.connection.cursor() as cur, cur.copy(
                f'COPY "{Household._meta.db_table}" ({", ".join(cols)}) FROM STDIN'
            ) as cp:
                cp.write(line.encode())
        # … so the loader stages and INSERTs, and the policy's WITH CHECK refuses B's rows
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"), \
                transaction.atomic():
            Counter.objects.select_for_update().filter(name="x").exists()
            with connection.connection.cursor() as cur:
                importer.writers.PostgresWriter()._load(cur, Household, cols, [line])
        # the same path with A's own id works
        with transaction.atomic():
            Counter.objects.select_for_update().filter(name="x").exists()
            with connection.connection.cursor() as cur:
                importer.writers.PostgresWriter()._load(
                    cur, Household, cols, [line.replace(str(other), str(office.municipality.pk), 1)]
                )
        assert Household.objects.filter(household_no="9999999999").exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_pipelined_bulk_load_equals_the_sequential_one(tenants, is_postgres) -> None:
    """Outside a transaction, on PostgreSQL, a writer thread commits the batches (pipelined)."""
    if not is_postgres:
        pytest.skip("the pipelined writer is PostgreSQL's (runs in the PostgreSQL pass)")
    from .conftest import _office

    office = _office(tenants.a, "pipe")
    kw = {"clerk": office.clerk, "approver": office.approver, "history_share": 0.2, "batch": 100}
    assert not connection.in_atomic_block
    piped = importer.load_bulk(office.municipality, 300, 5, **kw)
    with activate(office.ctx()):
        expected = _snapshot()
        with transaction.atomic(), connection.cursor() as cur:
            for model in (EventFact, RegistryEvent, Person, Household, Counter):
                cur.execute(f'DELETE FROM "{model._meta.db_table}"')  # RLS: A's rows only
    with transaction.atomic():
        sequential = importer.load_bulk(office.municipality, 300, 5, **kw)
    with activate(office.ctx()):
        got = _snapshot()
    assert piped.facts == sequential.facts and piped.moves > 0
    for part in expected:
        assert got[part] == expected[part], part


# -- the benchmark, end to end at a tiny size ----------------------------------------------------


def test_registry_bench_runs_against_the_current_database(tmp_path) -> None:
    spec = importlib.util.spec_from_file_location("bench_registry_run", ROOT / "bench/registry/run.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "registry.json"
    assert bench.main([
        "--no-server", "--residents", "1500", "--samples", "15", "--events", "24",
        "--workers", "1", "--output", str(out),
    ]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["name"] == "registry" and result["params"]["residents"] == 1500
    names = {"search_kanji_p50_ms", "search_kanji_p95_ms", "search_kana_p50_ms",
             "search_kana_p95_ms", "detail_p50_ms", "detail_p95_ms", "as_of_p50_ms",
             "as_of_p95_ms", "events_per_second", "events_per_second_interactive",
             "bulk_load_rows_per_second",
             "raw_copy_rows_per_second"}
    # the test server runs fsync-off: on PostgreSQL every figure says so in its name
    durable = result["machine"].get("durable", connection.vendor != "postgresql")
    suffix = "" if durable or connection.vendor != "postgresql" else "_nodurable"
    assert {n + suffix for n in names} <= set(result["metrics"])
    metrics = {k.removesuffix("_nodurable"): v for k, v in result["metrics"].items()}
    for m in metrics.values():
        assert isinstance(m["value"], (int, float)) and m["better"] in ("lower", "higher")
    assert metrics["search_kanji_p95_ms"]["target"] == 50
    assert metrics["events_per_second"]["target"] == 300
