"""The runtime role cannot switch off its own guards (PostgreSQL; tenancy/dbroles.py).

Each test connects as the runtime role itself (a login of its own, as web, API, CLI and jobs do)
and tries what an attacker who can run SQL as the application would: lift row-level security,
drop or replace what enforces it, truncate, rewrite the audit log with any setting, or shadow the
grant table with a TEMP table. Every attempt must fail. The owner is the positive control.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from jichitai.tenancy.models import tenant_models

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not os.environ.get("JICHITAI_DB_OWNER_USER"),
    reason="database roles exist only on PostgreSQL with the two-role set-up (the PostgreSQL pass of make test)",
)


@pytest.fixture
def runtime(db: None) -> Iterator[Any]:
    """A connection logged in as the runtime role (autocommit: each statement on its own)."""
    import psycopg

    conn = psycopg.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"],
                           dbname=connection.settings_dict["NAME"], user=os.environ["PGUSER"],
                           password=os.environ["PGPASSWORD"], autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT session_user, current_user")
            assert cur.fetchone() == (os.environ["PGUSER"], os.environ["PGUSER"])
        yield conn
    finally:
        conn.close()


def _refused(conn: Any, sql: str, params: Any = None) -> str:
    import psycopg

    with pytest.raises(psycopg.Error) as exc, conn.cursor() as cur:
        cur.execute(sql, params)
    return str(exc.value)


TENANT_TABLES = sorted({m._meta.db_table for m in tenant_models()})
AUDIT_TABLES = ("audit_auditentry", "audit_systemauditentry")


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_runtime_role_cannot_lift_row_level_security(runtime: Any, table: str) -> None:
    for sql in (f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
                f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
                f'DROP POLICY jichitai_tenant_isolation ON "{table}"',
                f'CREATE POLICY open_all ON "{table}" USING (true)'):
        assert "must be owner" in _refused(runtime, sql)


def test_runtime_role_cannot_replace_the_tenant_function(runtime: Any) -> None:
    message = _refused(runtime, "CREATE OR REPLACE FUNCTION public.jichitai_current_municipality() "
                                "RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint'")
    assert "must be owner" in message or "permission denied" in message
    assert "must be owner" in _refused(runtime, "DROP FUNCTION public.jichitai_current_municipality()")


def test_runtime_role_cannot_truncate_any_table(runtime: Any) -> None:
    tables = sorted(m._meta.db_table for m in apps.get_models())
    assert "audit_auditentry" in tables and "registry_person" in tables
    for table in tables:
        assert "permission denied" in _refused(runtime, f'TRUNCATE "{table}" CASCADE'), table


@pytest.mark.parametrize("setting", ["", "SET jichitai.audit_maintenance = 'on'",
                                     "SET session_replication_role = replica"])
@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_runtime_role_cannot_update_or_delete_audit_rows(runtime: Any, table: str, setting: str) -> None:
    if setting:
        try:
            with runtime.cursor() as cur:
                cur.execute(setting)
        except Exception:  # noqa: BLE001 - refusing the setting is a refusal too
            pass
    for sql in (f'UPDATE "{table}" SET action = \'forged\'', f'DELETE FROM "{table}"'):
        assert "permission denied" in _refused(runtime, sql)


def test_runtime_role_owns_nothing_and_cannot_create(runtime: Any) -> None:
    with runtime.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)")
        assert cur.fetchone()[0] == 0
    assert "permission denied" in _refused(runtime, "CREATE TABLE public.anything (id int)")
    assert "permission denied" in _refused(runtime, "INSERT INTO django_migrations (app, name, applied) "
                                                    "VALUES ('x', 'y', now())")


@pytest.mark.django_db(transaction=True)
def test_a_temp_table_shadowing_the_grant_table_opens_nothing(tenants: Any) -> None:
    import psycopg

    from jichitai.tenancy.context import TenantContext, activate
    from jichitai.tenancy.models import MunicipalSetting

    a, b = tenants.a, tenants.b
    with activate(TenantContext(municipality_id=b.pk, acting_municipality_id=b.pk)):
        MunicipalSetting.objects.create(key="secret", value={"of": "B"})  # committed: autocommit
    conn = psycopg.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"],
                           dbname=connection.settings_dict["NAME"], user=os.environ["PGUSER"],
                           password=os.environ["PGPASSWORD"])
    try:
        with conn.cursor() as cur:
            now = timezone.now()
            cur.execute("CREATE TEMP TABLE tenancy_delegationgrant (grantor_id bigint, grantee_id bigint, "
                        "revoked_at timestamptz, valid_from timestamptz, valid_until timestamptz)")
            cur.execute("INSERT INTO tenancy_delegationgrant VALUES (%s, %s, NULL, %s, %s)",
                        [b.pk, a.pk, now - dt.timedelta(days=1), now + dt.timedelta(days=1)])
            cur.execute("SELECT set_config('jichitai.municipality', %s, true), "
                        "set_config('jichitai.acting', %s, true)", [str(b.pk), str(a.pk)])
            cur.execute("SELECT count(*) FROM tenancy_delegationgrant")  # the forged grant is there…
            assert cur.fetchone()[0] == 1
            cur.execute("SELECT public.jichitai_current_municipality()")  # …and is not believed
            assert cur.fetchone()[0] is None
            cur.execute('SELECT count(*) FROM "tenancy_municipalsetting"')
            assert cur.fetchone()[0] == 0
            # control: acting for B itself sees B's row, so the query would have found it
            cur.execute("SELECT set_config('jichitai.acting', %s, true)", [str(b.pk)])
            cur.execute('SELECT count(*) FROM "tenancy_municipalsetting"')
            assert cur.fetchone()[0] == 1
        conn.rollback()
    finally:
        conn.close()


def test_the_audit_trigger_checks_the_role_not_a_setting(tenants: Any) -> None:
    """Positive control and second guard: the table owner may maintain the audit log (sanctioned
    archiving); the runtime role is refused by the trigger even after being granted UPDATE, with
    the old maintenance setting on: the trigger asks who you are, not what you set."""
    import django.db

    from jichitai.tenancy.dbroles import runtime_role
    from tests.db_roles import owner_cursor

    with owner_cursor() as cur:  # creating the municipalities wrote settings-change entries
        cur.execute("SELECT count(*) FROM audit_systemauditentry")
        assert cur.fetchone()[0] > 0
        cur.execute("UPDATE audit_systemauditentry SET action = action")  # the owner: allowed
        cur.execute(f'GRANT UPDATE ON audit_systemauditentry TO "{runtime_role()}"')  # rolled back
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        assert cur.fetchone()[0] == runtime_role()
        cur.execute("SET LOCAL jichitai.audit_maintenance = 'on'")
        with pytest.raises(django.db.Error, match="append-only"), django.db.transaction.atomic():
            cur.execute("UPDATE audit_systemauditentry SET action = 'forged'")


def test_cli_migrate_runs_as_the_owner_and_the_runtime_role_gets_only_its_grants(db: None) -> None:
    """The production path: `jichitai manage migrate` on the deployment's own database (not the
    test database) connects as the owner; afterwards the runtime role reads and writes, owns nothing
    and cannot truncate."""
    import subprocess
    import sys
    from pathlib import Path

    import psycopg

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PGDATABASE": "jichitai"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([str(Path(sys.executable).parent / "jichitai"), "manage", "migrate", "--noinput"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "owner role" in done.stderr
    with psycopg.connect(host=env["PGHOST"], port=env["PGPORT"], dbname="jichitai", user=env["PGUSER"],
                         password=env["PGPASSWORD"], autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'registry_person'")
        assert cur.fetchone()[0] == env["JICHITAI_DB_OWNER_USER"]
        cur.execute("SELECT has_table_privilege('registry_person', 'INSERT'), "
                    "has_table_privilege('audit_auditentry', 'INSERT'), "
                    "has_table_privilege('audit_auditentry', 'UPDATE'), "
                    "has_table_privilege('registry_person', 'TRUNCATE')")
        assert cur.fetchone() == (True, True, False, False)
