"""Prefix-search indexes for name and kana search on PostgreSQL (bench/registry, issue 4).

``search.search`` filters ``name_key``/``kana_key`` with ``startswith``: Django sends
``"name_key"::text LIKE 'X%'``. Under a non-C collation (the servers run C.UTF-8, which
PostgreSQL 15 does not treat as C) a plain btree cannot serve LIKE; a ``varchar_pattern_ops``
index can. The INCLUDE columns let the count and the ordered page (status, kana_key, birth_date,
id) come from the index alone (index-only scans once the table is vacuumed).

SQLite has no operator classes and its LIKE is case-insensitive (no index use either way), so this
migration does nothing there. ``IF NOT EXISTS`` / ``IF EXISTS`` make it safe to re-run.
"""

from __future__ import annotations

from django.db import migrations

INDEXES = {
    "person_name_key_prefix": (
        'CREATE INDEX IF NOT EXISTS person_name_key_prefix ON "registry_person" '
        "(municipality_id, name_key varchar_pattern_ops) INCLUDE (status, kana_key, birth_date, id)"
    ),
    "person_kana_key_prefix": (
        'CREATE INDEX IF NOT EXISTS person_kana_key_prefix ON "registry_person" '
        "(municipality_id, kana_key varchar_pattern_ops) INCLUDE (status, birth_date, id)"
    ),
}


def create(apps, schema_editor) -> None:  # noqa: ANN001 - migration signature
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in INDEXES.values():
        schema_editor.execute(sql)


def drop(apps, schema_editor) -> None:  # noqa: ANN001 - migration signature
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
