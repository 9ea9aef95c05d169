"""Generated isolation suite: staff of municipality A get nothing of municipality B.

Generated over every tenant model (ORM, and raw SQL under RLS on PostgreSQL) and every URL route.
Adding a tenant model without scoping, without RLS, or without a factory in
tests/isolation_factories.py makes this module fail.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import isolate_apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from jichitai.tenancy.checks import GLOBAL_MODELS_WITH_MUNICIPALITY, check_models
from jichitai.tenancy.context import NoTenantContext, TenantContext, activate
from jichitai.tenancy.models import DelegationGrant, TenantModel, tenant_models

from .isolation_factories import FACTORIES

TENANT_LABELS = sorted(m._meta.label for m in tenant_models())
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="RLS exists only on PostgreSQL (runs in the PostgreSQL pass of make test)"
)


def test_there_are_tenant_models_to_check() -> None:
    assert "tenancy.MunicipalSetting" in TENANT_LABELS


def test_every_tenant_model_has_an_isolation_factory() -> None:
    missing = [label for label in TENANT_LABELS if label not in FACTORIES]
    assert not missing, f"add factories to tests/isolation_factories.py for: {missing}"


def test_every_model_naming_a_municipality_is_scoped_or_explained() -> None:
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "municipality" in names and not issubclass(model, TenantModel):
            assert model._meta.label in GLOBAL_MODELS_WITH_MUNICIPALITY, model._meta.label
    assert check_models(apps.get_models()) == []


@isolate_apps("jichitai.tenancy")
def test_system_check_catches_an_unscoped_tenant_model() -> None:
    from jichitai.tenancy.models import Municipality

    class Leaky(models.Model):
        municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT)

        class Meta:
            app_label = "tenancy"

    class UnscopedManager(TenantModel):
        objects = models.Manager()  # replaces the scoped manager: must be caught

        class Meta:
            app_label = "tenancy"

    ids = sorted({e.id for e in check_models([Leaky, UnscopedManager])})
    assert ids == ["jichitai.E001", "jichitai.E002"]


def _ctx(m: Any) -> TenantContext:
    return TenantContext(municipality_id=m.pk, acting_municipality_id=m.pk, purpose="test")


@pytest.fixture
def rows(tenants: Any) -> dict[str, tuple[Any, Any]]:
    """One row per tenant model in A and in B: {label: (a_row, b_row)}."""
    out = {}
    for label in TENANT_LABELS:
        with activate(_ctx(tenants.b)):
            b_row = FACTORIES[label]("ISOLATION-B")
        with activate(_ctx(tenants.a)):
            a_row = FACTORIES[label]("ISOLATION-A")
        out[label] = (a_row, b_row)
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("label", TENANT_LABELS)
def test_orm_gives_a_nothing_of_b(label: str, tenants: Any, rows: Any) -> None:
    model = apps.get_model(label)
    a_row, b_row = rows[label]
    with activate(_ctx(tenants.a)):
        pks = set(model.objects.values_list("pk", flat=True))
        assert a_row.pk in pks and b_row.pk not in pks
        assert not model.objects.filter(pk=b_row.pk).exists()
        assert not model._base_manager.filter(pk=b_row.pk).exists()
        assert model.objects.filter(pk=b_row.pk).update() == 0
    with pytest.raises(NoTenantContext):
        list(model.objects.all())
    with pytest.raises(NoTenantContext):
        list(model._base_manager.all())


@postgres_only
@pytest.mark.django_db
def test_application_role_cannot_bypass_rls() -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cur.fetchone() == (False, False)


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize("label", TENANT_LABELS)
def test_rls_is_forced_on_every_tenant_table(label: str) -> None:
    table = apps.get_model(label)._meta.db_table
    table = table.rsplit('"."', 1)[-1]  # a table in its own schema (the 除票用データベース: jyohyo)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = %s", [table]
        )
        assert cur.fetchone() == (True, True)
        cur.execute("SELECT count(*) FROM pg_policies WHERE tablename = %s", [table])
        assert cur.fetchone()[0] >= 1


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize("label", TENANT_LABELS)
def test_raw_sql_with_the_wrong_context_sees_nothing(label: str, tenants: Any, rows: Any) -> None:
    table = apps.get_model(label)._meta.db_table
    a_row, b_row = rows[label]
    sql = f'SELECT DISTINCT municipality_id FROM "{table}"'
    with activate(_ctx(tenants.a)), connection.cursor() as cur:
        cur.execute(sql)
        assert {r[0] for r in cur.fetchall()} == {tenants.a.pk}
        cur.execute(f'SELECT count(*) FROM "{table}" WHERE municipality_id = %s', [tenants.b.pk])
        assert cur.fetchone()[0] == 0
        # moving A's row into B is refused by the policy's WITH CHECK
        from django.db import DatabaseError, transaction

        with pytest.raises(DatabaseError), transaction.atomic():
            cur.execute(
                f'UPDATE "{table}" SET municipality_id = %s WHERE id = %s', [tenants.b.pk, a_row.pk]
            )
    with connection.cursor() as cur:  # no context at all: fail closed
        cur.execute(f'SELECT count(*) FROM "{table}"')
        assert cur.fetchone()[0] == 0
    # a context claiming to act for B without a grant (forged in Python) still sees nothing
    forged = TenantContext(
        municipality_id=tenants.b.pk, acting_municipality_id=tenants.a.pk, grant_id=999999
    )
    with activate(forged), connection.cursor() as cur:
        cur.execute(f'SELECT count(*) FROM "{table}"')
        assert cur.fetchone()[0] == 0


@postgres_only
@pytest.mark.django_db
def test_rls_honours_a_valid_delegation_grant_only_while_valid(tenants: Any, rows: Any) -> None:
    from jichitai.accounts.models import Staff

    now = timezone.now()
    grant = DelegationGrant.objects.create(
        grantor=tenants.a, grantee=tenants.b, valid_from=now - timedelta(minutes=5),
        valid_until=now + timedelta(days=1), legal_basis="災害時相互応援協定",
        declared_by=Staff.objects.create(username=f"d{uuid.uuid4().hex[:6]}"),
    )
    ctx = TenantContext(
        municipality_id=tenants.a.pk, acting_municipality_id=tenants.b.pk, grant_id=grant.pk
    )
    with activate(ctx), connection.cursor() as cur:
        cur.execute('SELECT DISTINCT municipality_id FROM "tenancy_municipalsetting"')
        assert {r[0] for r in cur.fetchall()} == {tenants.a.pk}
    DelegationGrant.objects.filter(pk=grant.pk).update(revoked_at=now)
    with activate(ctx), connection.cursor() as cur:
        cur.execute('SELECT count(*) FROM "tenancy_municipalsetting"')
        assert cur.fetchone()[0] == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_rls_holds_in_autocommit_and_across_transactions(tenants: Any, rows: Any) -> None:
    from django.db import transaction

    with activate(_ctx(tenants.b)):
        with connection.cursor() as cur:  # autocommit: session setting set and cleared
            cur.execute('SELECT DISTINCT municipality_id FROM "tenancy_municipalsetting"')
            assert {r[0] for r in cur.fetchall()} == {tenants.b.pk}
        for _ in range(2):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute('SELECT DISTINCT municipality_id FROM "tenancy_municipalsetting"')
                assert {r[0] for r in cur.fetchall()} == {tenants.b.pk}
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('jichitai.municipality', true)")
        assert cur.fetchone()[0] in ("", None)
        cur.execute('SELECT count(*) FROM "tenancy_municipalsetting"')
        assert cur.fetchone()[0] == 0


# ---- every URL route -------------------------------------------------------------------------


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, list[str]]]:
    resolver = resolver or get_resolver()
    out: list[tuple[str, list[str]]] = []
    for p in resolver.url_patterns:
        pattern = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out.extend(_routes(p, pattern))
        elif isinstance(p, URLPattern):
            out.append((pattern, re.findall(r"<(?:\w+:)?(\w+)>", pattern)))
    return out


def _fill(pattern: str, value: str) -> str | None:
    if pattern.startswith("^") or "(?P" in pattern:
        return None  # regex routes (none of ours); listed by test_routes_are_checkable
    return "/" + re.sub(r"<(?:\w+:)?\w+>", value, pattern)


def test_routes_are_checkable() -> None:
    routes = _routes()
    assert routes, "no URL routes found"
    assert all(_fill(p, "1") is not None for p, _ in routes), "regex routes need explicit isolation tests"


def _b_snapshot(tenants: Any) -> dict[str, list[Any]]:
    snap = {}
    with activate(_ctx(tenants.b)):
        for label in TENANT_LABELS:
            qs = apps.get_model(label).objects.all()
            if hasattr(qs, "without_read_log"):
                qs = qs.without_read_log("isolation test: compares B's rows, shows nothing")
            snap[label] = sorted(map(repr, qs.values()))
    return snap


@pytest.mark.django_db
def test_no_route_shows_or_changes_b_data_to_a_staff(client: Any, tenants: Any, rows: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts.models import Role, RoleGrant, Staff

    staff = Staff.objects.create(username="a-staff", consortium=tenants.a.consortium)
    for role in Role.values:
        RoleGrant.objects.create(staff=staff, municipality=tenants.a, role=role)
    device = TOTPDevice.objects.create(user=staff, name="test", confirmed=True)
    client.force_login(staff)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["jichitai_acting_municipality_id"] = tenants.a.pk
    session["jichitai_municipality_id"] = tenants.a.pk
    session.save()

    b_ids = sorted({str(b.pk) for _, b in rows.values()})
    before = _b_snapshot(tenants)
    checked = 0
    for pattern, params in _routes():
        values = b_ids if params else ["-"]
        for value in values:
            path = _fill(pattern, value)
            assert path is not None
            for method in ("get", "post"):
                resp = getattr(client, method)(path)
                checked += 1
                assert resp.status_code < 500, f"{method.upper()} {path} -> {resp.status_code}"
                body = b"".join(resp) if getattr(resp, "streaming", False) else resp.content
                assert b"ISOLATION-B" not in body, f"{method.upper()} {path} leaked B's data"
                assert tenants.b.name.encode() not in body, f"{method.upper()} {path} named B"
    assert checked > 0
    assert _b_snapshot(tenants) == before, "a route changed B's data"


@pytest.mark.django_db
def test_tampered_session_for_b_gets_no_context(client: Any, tenants: Any, rows: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts.models import Role, RoleGrant, Staff

    staff = Staff.objects.create(username="a-only", consortium=tenants.a.consortium)
    RoleGrant.objects.create(staff=staff, municipality=tenants.a, role=Role.CLERK)
    device = TOTPDevice.objects.create(user=staff, name="test", confirmed=True)
    client.force_login(staff)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["jichitai_acting_municipality_id"] = tenants.b.pk  # no role in B
    session["jichitai_municipality_id"] = tenants.b.pk
    session.save()
    resp = client.get("/")
    assert resp.wsgi_request.tenant_context is None
    assert tenants.b.name.encode() not in resp.content
