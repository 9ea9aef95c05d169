"""Two PostgreSQL roles, so that whoever can run SQL as the application cannot take its guards down.

- The **owner** (``JICHITAI_DB_OWNER_USER``) owns every table, function, policy and trigger and
  runs migrations and maintenance. Nothing else connects as it.
- The **runtime** role (``PGUSER``; web, API, CLI, jobs) owns nothing: it has DML on the tables,
  only ``SELECT`` and ``INSERT`` on the audit entry tables, ``SELECT`` on ``django_migrations``, no
  ``TRUNCATE`` and no DDL. Row-level security applies to it as to everyone (neither role is a
  superuser or has ``BYPASSRLS``), and it cannot alter, drop or replace what enforces it.

The grants are (re)applied by the owner after every ``migrate``, so a new table is covered the day
it appears. The roles themselves are created by the deployment (``deploy/postgresql/roles.sql``)
and by ``scripts/pg_throwaway.sh`` for tests and benchmarks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections

APPEND_ONLY_TABLES = ("audit_auditentry", "audit_systemauditentry")
READ_ONLY_TABLES = ("django_migrations",)
# Schemas besides public that hold tenant tables: the 除票用データベース (registry/archive_models.py)
EXTRA_SCHEMAS = ("jyohyo",)


def runtime_role() -> str:
    return str(getattr(settings, "JICHITAI_DB_RUNTIME_ROLE", "") or "")


def owner_configured() -> bool:
    return bool(getattr(settings, "JICHITAI_DB_OWNER", {}).get("USER"))


def grant_sql(role: str, schema: str = "public") -> list[str]:
    """What the runtime role may do, as the owner grants it (idempotent)."""
    r = f'"{role}"'
    sql = [
        f"GRANT USAGE ON SCHEMA {schema} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {r}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {r}",
    ]
    if schema != "public":
        return sql
    sql.append(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {r}")
    sql += [f'REVOKE UPDATE, DELETE ON "{t}" FROM {r}' for t in APPEND_ONLY_TABLES]
    sql += [f'REVOKE INSERT, UPDATE, DELETE ON "{t}" FROM {r}' for t in READ_ONLY_TABLES]
    return sql


def apply_grants(using: str = "default") -> str:
    """Grant the runtime role its privileges; run by the owner (after migrate). Returns the role
    granted to, or "" when there is nothing to do (SQLite, or one role for everything)."""
    conn = connections[using]
    role = runtime_role()
    if conn.vendor != "postgresql" or not role:
        return ""
    with conn.cursor() as cur:
        cur.execute("SELECT current_user, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s), "
                    "has_schema_privilege('public', 'CREATE')", [role])
        me, exists, owner = cur.fetchone()
        if me == role or not exists or not owner:
            return ""
        for statement in grant_sql(role):
            cur.execute(statement)
        cur.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [list(EXTRA_SCHEMAS)])
        for (schema,) in cur.fetchall():
            for statement in grant_sql(role, schema):
                cur.execute(statement)
    return role


def apply_grants_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    apply_grants(using)


@contextmanager
def as_owner(using: str = "default") -> Iterator[None]:
    """Run the block connected as the owner role (migrations, maintenance); the runtime
    credentials are back afterwards. Without an owner configured: the block runs as it is."""
    owner = dict(getattr(settings, "JICHITAI_DB_OWNER", {}))
    conn = connections[using]
    if conn.vendor != "postgresql" or not owner.get("USER"):
        yield
        return
    conn.ensure_connection()
    with conn.cursor() as cur:
        cur.execute("SELECT session_user, current_user")
        session_user, current = cur.fetchone()
    if session_user == owner["USER"]:  # connected as the owner already, acting as another role
        with conn.cursor() as cur:
            cur.execute("SET ROLE NONE")
        try:
            yield
        finally:
            with conn.cursor() as cur:
                cur.execute(f'SET ROLE "{current}"' if current != session_user else "SET ROLE NONE")
        return
    if conn.in_atomic_block:  # a transaction cannot change its login: the block runs as it is
        yield
        return
    saved = {k: conn.settings_dict.get(k) for k in ("USER", "PASSWORD")}
    conn.close()
    conn.settings_dict.update({"USER": owner["USER"], "PASSWORD": owner.get("PASSWORD", "")})
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict.update(saved)
