"""Acting as the database owner inside a test: deliberate tampering with the audit tables, as an
attacker with the owner's password (or a sanctioned maintenance job) could.

On PostgreSQL the suite runs as the runtime role (tests/conftest.py: ``SET ROLE``), which may not
UPDATE, DELETE or TRUNCATE audit rows whatever it sets; ``owner_cursor`` switches the session back
to the owner (its session user) for the block and returns to the runtime role afterwards. On SQLite
there are no roles: the cursor is the connection's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def owner_cursor() -> Iterator[Any]:
    from jichitai.tenancy.dbroles import runtime_role

    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            yield cur
            return
        cur.execute("SELECT session_user, current_user")
        session_user, before = cur.fetchone()
        cur.execute("SET ROLE NONE")  # the session user: the owner in the test suite
        try:
            yield cur
        finally:
            cur.execute(f'SET ROLE "{before}"' if before != session_user else "SET ROLE NONE")
            assert before in (runtime_role(), session_user)
