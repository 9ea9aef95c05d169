"""Where the 除票用データベース lives: PostgreSQL schema ``jyohyo``; on SQLite a database file of
its own beside the register's (``jichitai-jyohyo.sqlite3``), attached to every connection.

Never move a 除票 by copying across two connections: the move must be one transaction, which
both stores give (same PostgreSQL database; SQLite commits attached databases together).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .archive_models import SCHEMA


def archive_path(main: str) -> str:
    """The archive database's name for a main SQLite database name."""
    if main == ":memory:" or not main:
        return ":memory:"
    if main.startswith("file:"):  # the test suite's shared in-memory database
        return f"file:{SCHEMA}_{main[5:]}"
    path = Path(main)
    return str(path.with_name(f"{path.stem}-{SCHEMA}{path.suffix}"))


def _unqualified_returning(ops: Any) -> Any:
    # SQLite refuses "RETURNING schema.table.column" (Django qualifies the column with the table
    # name, here "jyohyo"."archived_record"); the bare column means the same in a one-table INSERT.
    def return_insert_columns(fields: Any) -> tuple[str, tuple[()]]:
        if not fields:
            return "", ()
        return "RETURNING " + ", ".join(ops.quote_name(f.column) for f in fields), ()

    return return_insert_columns


def attach(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created: attach the archive database to a SQLite connection."""
    if connection.vendor != "sqlite":
        return
    connection.ops.return_insert_columns = _unqualified_returning(connection.ops)
    with connection.cursor() as cur:
        cur.execute("PRAGMA database_list")
        if any(row[1] == SCHEMA for row in cur.fetchall()):
            return
        cur.execute(
            f"ATTACH DATABASE %s AS {SCHEMA}", [archive_path(str(connection.settings_dict["NAME"]))]
        )


INDEXES = (
    ("archived_name", "municipality_id, name_key"),
    ("archived_kana", "municipality_id, kana_key"),
    ("archived_birth", "municipality_id, birth_date"),
    ("archived_atena", "municipality_id, atena_no"),
    ("archived_removed", "municipality_id, removed_on"),
)


def index_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"CREATE INDEX IF NOT EXISTS {n} ON {SCHEMA}.archived_record ({c})" for n, c in INDEXES
        ] + [
            f"CREATE UNIQUE INDEX IF NOT EXISTS archived_person ON {SCHEMA}.archived_record (municipality_id, person_id)"
        ]
    return [
        f"CREATE INDEX IF NOT EXISTS {SCHEMA}.{n} ON archived_record ({c})" for n, c in INDEXES
    ] + [
        f"CREATE UNIQUE INDEX IF NOT EXISTS {SCHEMA}.archived_person ON archived_record (municipality_id, person_id)"
    ]
