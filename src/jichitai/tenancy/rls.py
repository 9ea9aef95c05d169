"""PostgreSQL row-level security: the second guard behind the scoped managers.

Every TenantModel table gets ENABLE + FORCE ROW LEVEL SECURITY and one policy that admits only rows
of the municipality in the transaction's setting ``jichitai.municipality``, and only when the acting
municipality is that one or holds a valid delegation grant. The setting is written by a connection
execute-wrapper from the active TenantContext before the first statement of each transaction, so a
Python bug that forgets a filter still cannot read or write another municipality's rows.
Never connect the application as a superuser or with BYPASSRLS: RLS would not apply.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

from .context import current_or_none

SETTING_MUNICIPALITY = "jichitai.municipality"
SETTING_ACTING = "jichitai.acting"
POLICY_NAME = "jichitai_tenant_isolation"

# search_path pinned with pg_temp last and the grant table qualified: a TEMP table named
# tenancy_delegationgrant (any session may create one) cannot forge a grant.
CURRENT_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION public.jichitai_current_municipality() RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  data_id text := coalesce(current_setting('jichitai.municipality', true), '');
  acting_id text := coalesce(current_setting('jichitai.acting', true), '');
BEGIN
  IF data_id = '' OR acting_id = '' THEN
    RETURN NULL;
  END IF;
  IF data_id = acting_id THEN
    RETURN data_id::bigint;
  END IF;
  IF EXISTS (
    SELECT 1 FROM public.tenancy_delegationgrant g
     WHERE g.grantor_id = data_id::bigint AND g.grantee_id = acting_id::bigint
       AND g.revoked_at IS NULL AND g.valid_from <= now() AND now() < g.valid_until
  ) THEN
    RETURN data_id::bigint;
  END IF;
  RETURN NULL;
END
$$;
"""


def policy_sql(table: str) -> list[str]:
    # The scalar sub-select makes PostgreSQL evaluate the function once per statement (InitPlan).
    cond = "municipality_id = (SELECT public.jichitai_current_municipality())"
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({cond}) WITH CHECK ({cond})',
    ]


def apply_policies(using: str = "default") -> list[str]:
    """Idempotently (re)create the RLS policy on every tenant table; returns the tables."""
    from .models import tenant_models

    conn = connections[using]
    if conn.vendor != "postgresql":
        return []
    tables = sorted({m._meta.db_table for m in tenant_models()})
    with conn.cursor() as cur:
        # the owner applies them; a runtime session (a flush in the test suite emits post_migrate
        # too) may not and need not: policies and the function outlive a TRUNCATE
        cur.execute("SELECT has_schema_privilege('public', 'CREATE')")
        if not cur.fetchone()[0]:
            return []
        cur.execute(CURRENT_FUNCTION_SQL)
        for table in tables:
            for stmt in policy_sql(table):
                cur.execute(stmt)
    return tables


def apply_policies_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    apply_policies(using)


def _desired() -> tuple[str, str]:
    ctx = current_or_none()
    if ctx is None:
        return ("", "")
    return (str(ctx.municipality_id), str(ctx.acting_municipality_id))


_EMPTY = ("", "")
_SET_SQL = "SELECT set_config(%s, %s, %s), set_config(%s, %s, %s)"


def _send(raw: Any, values: tuple[str, str], is_local: bool) -> None:
    # A separate cursor: the caller's cursor must keep its own result set.
    raw.execute(
        _SET_SQL, (SETTING_MUNICIPALITY, values[0], is_local, SETTING_ACTING, values[1], is_local)
    )


def _context_wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    conn = context["connection"]
    raw = conn.connection
    if raw is None:
        return execute(sql, params, many, context)
    from psycopg.pq import TransactionStatus

    desired = _desired()
    if not conn.in_atomic_block:
        # Autocommit: each statement is its own transaction; set for it and clear right after.
        conn._jichitai_rls_state = None
        if desired == _EMPTY:
            return execute(sql, params, many, context)
        _send(raw, desired, False)
        try:
            return execute(sql, params, many, context)
        finally:
            if raw.info.transaction_status == TransactionStatus.IDLE:
                _send(raw, _EMPTY, False)
    state = getattr(conn, "_jichitai_rls_state", None)
    depth = len(conn.savepoint_ids)
    if raw.info.transaction_status == TransactionStatus.IDLE:
        state = None  # a new transaction: earlier SET LOCAL values are gone
    in_force = state[0] if state else _EMPTY
    # A rolled-back or released savepoint may have undone a SET LOCAL made inside it.
    stale = state is not None and depth < state[1]
    if desired != in_force or stale:
        _send(raw, desired, True)
        state = (desired, depth)
    conn._jichitai_rls_state = state
    return execute(sql, params, many, context)


def install_context_wrapper(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "postgresql":
        return
    if getattr(connection, "_jichitai_rls_installed", False):
        return
    connection.execute_wrappers.append(_context_wrapper)
    connection._jichitai_rls_installed = True
