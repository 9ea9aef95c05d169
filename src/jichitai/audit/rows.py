"""The chain's own SQL for a municipality chain: lock the head, insert entries, move the head.

Why not the ORM: an append runs at the end of nearly every staff request (reads are logged), and
``bulk_create`` with ``select_for_update().first()`` and ``save(update_fields=…)`` cost more CPU
than the hashing and the database together (measured in the 1,000-clerk load test,
docs/registry-bench.md). The columns come from the model, so a new column is written here without
a change; the statements are plain parameterized SQL and still pass the tenant wrapper (RLS).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection

from .models import GENESIS_HASH, AuditChainHead, AuditEntry


def _table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def lock_head(municipality_id: int) -> tuple[int, int, str] | None:
    """(id, seq, hash) of the municipality's chain head, locked until the transaction ends
    (SQLite: its writer lock, taken by BEGIN IMMEDIATE, already serializes)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id, seq, hash FROM {_table(AuditChainHead)} WHERE municipality_id = %s "
            f"ORDER BY id LIMIT 1{lock}",
            [municipality_id],
        )
        row = cur.fetchone()
    return (int(row[0]), int(row[1]), str(row[2])) if row else None


def create_head(municipality_id: int) -> None:
    AuditChainHead.objects.bulk_create(
        [AuditChainHead(municipality_id=municipality_id, seq=0, hash=GENESIS_HASH)],
        ignore_conflicts=True,
    )


def insert_entries(entries: Sequence[AuditEntry]) -> None:
    """One multi-row INSERT of hashed entries; their ids are set from RETURNING."""
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [f.get_db_prep_save(getattr(e, f.attname), connection) for e in entries for f in fields]
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {_table(AuditEntry)} ({columns}) VALUES {', '.join([row] * len(entries))} "
            "RETURNING id",
            params,
        )
        ids = [r[0] for r in cur.fetchall()]
    for entry, pk in zip(entries, ids, strict=True):
        entry.pk = pk
        entry._state.adding = False
        entry._state.db = connection.alias


def move_head(head_id: int, seq: int, hash_: str, when: datetime) -> None:
    stamp = AuditChainHead._meta.get_field("updated_at").get_db_prep_save(when, connection)
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {_table(AuditChainHead)} SET seq = %s, hash = %s, updated_at = %s WHERE id = %s",
            [seq, hash_, stamp, head_id],
        )
