"""Shared fixtures: two municipalities (A, B) of one consortium and a third consortium's member.

Every tenant test uses these to try the other municipality's rows and must see them fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

import pytest

from jichitai.tenancy.context import TenantContext, activate


@dataclass(frozen=True)
class Tenants:
    a: object
    b: object
    other_consortium: object


@pytest.fixture
def tenants(db: None) -> Tenants:
    from jichitai.tenancy.models import Consortium, Municipality

    c1 = Consortium.objects.create(code="test-east", name="東テスト協議会")
    c2 = Consortium.objects.create(code="test-west", name="西テスト協議会")
    # Valid 地方公共団体コード (check digit) for fictitious test members.
    a = Municipality.objects.create(
        consortium=c1, code="999016", name="甲村", kana="コウムラ", prefecture="テスト県",
        population_class="village",
    )
    b = Municipality.objects.create(
        consortium=c1, code="999024", name="乙町", kana="オツチョウ", prefecture="テスト県",
        population_class="town",
    )
    z = Municipality.objects.create(
        consortium=c2, code="999032", name="丙市", kana="ヘイシ", prefecture="テスト県",
        population_class="city",
    )
    _authority(a, b, z)
    return Tenants(a=a, b=b, other_consortium=z)


def _authority(*municipalities: object) -> None:
    """Each test municipality's 認証者 and 市区町村長印: without them nothing is issued ([310]#4)."""
    from jichitai.certificates.authority.demo import provision

    for m in municipalities:
        with activate(context_for(m, purpose="test")):
            provision()


def context_for(municipality: object, **kw: object) -> TenantContext:
    mid = municipality.pk  # type: ignore[attr-defined]
    return TenantContext(municipality_id=mid, acting_municipality_id=mid, **kw)  # type: ignore[arg-type]


@pytest.fixture
def as_tenant() -> Callable[[object], AbstractContextManager[TenantContext]]:
    """``with as_tenant(municipality): ...`` runs the block as that municipality's unit of work."""

    def _enter(municipality: object, **kw: object) -> AbstractContextManager[TenantContext]:
        return activate(context_for(municipality, **kw))

    return _enter


@pytest.fixture
def is_postgres() -> Iterator[bool]:
    from django.db import connection

    yield connection.vendor == "postgresql"


@contextmanager
def rolled_back_after(django_db_blocker: object) -> Iterator[None]:
    """Rows built once for a whole module, inside an outer transaction rolled back at the end (as
    Django's TestCase.setUpTestData does); each test then runs in its own savepoint inside it."""
    from django.db import transaction

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ---- PostgreSQL with two roles (scripts/pg_throwaway.sh, tenancy/dbroles.py) ------------------
# The test database is created and migrated by the owner role; every test then runs as the runtime
# role (SET ROLE on each connection), so the suite has exactly production's privileges: no
# TRUNCATE, no DDL, audit rows append-only. A flush between transactional tests (TRUNCATE) and
# deliberate tampering (tests/db_roles.py) act as the owner.


def _configure_owner_connection() -> str:
    from django.conf import settings
    from django.db import connections

    owner = getattr(settings, "JICHITAI_DB_OWNER", {})
    runtime = getattr(settings, "JICHITAI_DB_RUNTIME_ROLE", "")
    if connections["default"].vendor != "postgresql" or not owner.get("USER") or not runtime:
        return ""
    connections["default"].settings_dict.update(USER=owner["USER"], PASSWORD=owner.get("PASSWORD", ""))
    return str(runtime)


_RUNTIME_ROLE = _configure_owner_connection()


def _set_runtime_role(sender: object, connection: object, **kwargs: object) -> None:
    if getattr(connection, "vendor", "") == "postgresql" and _RUNTIME_ROLE:
        with connection.cursor() as cur:  # type: ignore[attr-defined]
            cur.execute(f'SET ROLE "{_RUNTIME_ROLE}"')


def _flush_as_owner() -> None:
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: DatabaseOperations, sql_list: list[str]) -> None:
        with self.connection.cursor() as cur:
            cur.execute("SET ROLE NONE")
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as cur:
                cur.execute(f'SET ROLE "{_RUNTIME_ROLE}"')

    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """After the plugin's set-up (as the owner): the runtime role for every test."""
    if _RUNTIME_ROLE:
        from django.db import connections
        from django.db.backends.signals import connection_created

        connection_created.connect(_set_runtime_role, dispatch_uid="tests.runtime_role")
        _flush_as_owner()
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            for conn in connections.all():
                conn.close()  # reopened with SET ROLE
    yield
    if _RUNTIME_ROLE:  # the plugin drops the test database next: that is the owner's
        from django.db import connections
        from django.db.backends.signals import connection_created

        connection_created.disconnect(dispatch_uid="tests.runtime_role")
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            for conn in connections.all():
                conn.close()
