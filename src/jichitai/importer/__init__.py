"""Filling a municipality's register in bulk: synthetic residents for the demo, tests and
benchmarks today, the migration importer (基本データリスト / 中間標準レイアウト) next.

Two loaders produce the same register from the same (municipality, residents, seed):

``load_via_events(municipality, residents, seed=0, *, clerk, approver, ...)``
    The path clerks use: for every synthetic household a 転入 is submitted as ``clerk`` and
    approved by ``approver`` (``registry.events``), and a share of the households
    (``history_share``, default 10 %) first moves in at an earlier address and later makes a 転居
    to the address the generator gave it, so the register has history. Every rule runs and every
    step is in the operation log. About 20 households per second; use it for demo sizes.

``load_bulk(municipality, residents, seed=0, *, clerk, approver, batch=20000)``
    The migration-style loader: the same rows — one approved event per 転入/転居 with the same
    request, the facts the register's planner writes (``registry.conventions``: the same creation
    items, defaults and matching keys, imported, not mirrored), projections folded from them, the
    counters 宛名番号・世帯番号・本登録順 advanced — written in one transaction per ``batch``
    residents: COPY into staging tables and ``INSERT … SELECT`` under RLS on PostgreSQL,
    ``bulk_create`` on SQLite. Person rows pass the same ``rules.validate_new_person`` a clerk's
    entry passes; duplicates and identity numbers are the database's unique indexes. One
    ``registry.bulk_load`` operation entry per batch instead of one per event.

Both accept ``effective_date``, ``history_share``, ``progress`` (called with
``(residents_done, residents)`` after each transaction) and ``source_code`` (default
``synthetic_code_for(municipality.code)``), and run under the caller's TenantContext if one is
active (it must be the municipality's), otherwise under their own. ``load_via_events`` is
resumable: every event carries an idempotency key, so a rerun skips what was loaded.

``import_records(records, municipality=, staff=)`` / ``export_records(municipality=, staff=)``
    データ移行: the register as interchange records (``importer.records``: a person with their
    history) in and out; all or nothing, idempotent, history entries as events at their dates
    (``importer.migration``, ``importer.migration_export``; docs/migration.md).
"""

from __future__ import annotations

from .bulk import load_bulk
from .migration import import_records
from .migration_export import export_records
from .records import HistoryEntry, ImportResult, PersonRecord, RecordProblem, Source
from .synthetic import (
    LoadStats,
    ensure_address_dictionary,
    move_in_request,
    person_spec,
    synthetic_code_for,
)
from .via_events import load_via_events

__all__ = [
    "HistoryEntry", "ImportResult", "PersonRecord", "RecordProblem", "Source", "export_records",
    "import_records", "LoadStats", "ensure_address_dictionary", "load_bulk", "load_via_events", "move_in_request",
    "person_spec", "synthetic_code_for",
]
