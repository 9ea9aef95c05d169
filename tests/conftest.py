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
    return Tenants(a=a, b=b, other_consortium=z)


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
