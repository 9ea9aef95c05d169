"""Reads of resident data are logged by the code path that loads them (AuditedReadManager).

A stand-in resident model (registered in an isolated app registry, so the project's tenant-model
list and isolation suite never see it) gets a table for the test only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from jichitai.audit.models import AuditEntry
from jichitai.audit.reads import AuditedReadManager, UnauditedRead, load_for_read
from jichitai.tenancy.context import NoTenantContext, activate
from jichitai.tenancy.models import Municipality, TenantModel
from tests.db_roles import owner_cursor

from .conftest import ctx, postgres_only

pytestmark = pytest.mark.django_db

with isolate_apps("jichitai.audit"):

    class Resident(TenantModel):
        audit_subject_type = "person"
        name = models.CharField(max_length=50)

        objects = AuditedReadManager()

        class Meta:
            app_label = "audit"
            db_table = "audit_test_resident"
            base_manager_name = "objects"


_DDL = {
    "sqlite": "CREATE TABLE audit_test_resident (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
    "municipality_id bigint NOT NULL REFERENCES tenancy_municipality (id), name varchar(50) NOT NULL)",
    "postgresql": "CREATE TABLE audit_test_resident (id bigserial PRIMARY KEY, "
    "municipality_id bigint NOT NULL REFERENCES tenancy_municipality (id), name varchar(50) NOT NULL)",
}


@pytest.fixture
def residents(tenants: Any) -> dict[str, list[Any]]:
    """Three residents in A, one in B; the table lives only inside this test's transaction."""
    from jichitai.tenancy.dbroles import runtime_role
    from jichitai.tenancy.rls import policy_sql

    with owner_cursor() as cur:  # DDL is the owner's: the suite runs as the runtime role
        cur.execute(_DDL[connection.vendor])
        if connection.vendor == "postgresql":
            for stmt in policy_sql("audit_test_resident"):
                cur.execute(stmt)
            if runtime_role():
                cur.execute(f'GRANT SELECT, INSERT ON audit_test_resident TO "{runtime_role()}"')
                cur.execute(f'GRANT USAGE ON SEQUENCE audit_test_resident_id_seq TO "{runtime_role()}"')
    out: dict[str, list[Any]] = {}
    for key, muni, names in (("b", tenants.b, ["乙野花子"]), ("a", tenants.a, ["髙橋一郎", "山﨑二郎", "渡邉三郎"])):
        with activate(ctx(muni)):
            out[key] = [Resident.objects.create(name=n) for n in names]
    return out


def _reads(muni: Municipality) -> list[AuditEntry]:
    with activate(ctx(muni)):
        return list(AuditEntry.objects.filter(category="read").order_by("seq"))


def test_loading_residents_without_a_screen_is_refused(residents: Any, tenants: Any) -> None:
    with activate(ctx(tenants.a)):
        for load in (
            lambda: list(Resident.objects.all()),
            lambda: Resident.objects.get(pk=residents["a"][0].pk),
            lambda: Resident.objects.first(),
            lambda: list(Resident.objects.values("name")),
            lambda: list(Resident.objects.values_list("name", flat=True)),
            lambda: list(Resident.objects.all().iterator()),
        ):
            with pytest.raises(UnauditedRead):
                load()
        # not a read of anyone's data: counting, existence, keys only
        assert Resident.objects.count() == 3
        assert Resident.objects.filter(name="髙橋一郎").exists()
        assert len(list(Resident.objects.values_list("pk", flat=True))) == 3
    assert _reads(tenants.a) == []


def test_each_fetched_resident_is_logged_once_with_screen_and_my_number_flag(
    residents: Any, tenants: Any, staff_factory: Any
) -> None:
    clerk = staff_factory("clerk-a", tenants.a, "clerk")
    with activate(ctx(tenants.a, staff_id=clerk.pk, purpose="web")):
        found = list(
            Resident.objects.for_read(screen="住民照会", function="氏名検索").filter(name__startswith="山")
        )
        one = Resident.objects.for_read(screen="住民票", my_number_shown=True).get(pk=residents["a"][0].pk)
    assert [r.name for r in found] == ["山﨑二郎"] and one.name == "髙橋一郎"
    reads = _reads(tenants.a)
    assert [(e.subject_type, e.subject_id, e.screen, e.function, e.my_number_shown, e.username)
            for e in reads] == [
        ("person", str(found[0].pk), "住民照会", "氏名検索", False, "clerk-a"),
        ("person", str(one.pk), "住民票", "", True, "clerk-a"),
    ]


def test_iterator_and_values_reads_are_logged_too(residents: Any, tenants: Any) -> None:
    with activate(ctx(tenants.a)):
        names = [r.name for r in Resident.objects.for_read(screen="一括出力").iterator(chunk_size=2)]
        rows = list(Resident.objects.for_read(screen="一覧").values("pk", "name"))
        flat = list(Resident.objects.for_read(screen="集計").values_list("name", flat=True))
    assert len(names) == len(rows) == len(flat) == 3
    reads = _reads(tenants.a)
    assert [e.screen for e in reads].count("一括出力") == 3
    assert [e.screen for e in reads].count("一覧") == 3
    [summary] = [e for e in reads if e.screen == "集計"]
    assert summary.action == "view_summary" and summary.detail["rows"] == 3


def test_without_read_log_is_an_explicit_exemption(residents: Any, tenants: Any) -> None:
    with activate(ctx(tenants.a)):
        assert len(list(Resident.objects.without_read_log("projection rebuild"))) == 3
        with pytest.raises(ValueError):
            Resident.objects.without_read_log(" ")
    assert _reads(tenants.a) == []


def test_load_for_read_logs_reads_of_any_queryset(residents: Any, tenants: Any) -> None:
    with activate(ctx(tenants.a)):
        got = load_for_read(Resident.objects.filter(name="渡邉三郎"), screen="住民照会", function="詳細")
        munis = load_for_read(Municipality.objects.filter(pk=tenants.a.pk), screen="団体情報")
    assert len(got) == 1 and munis == [tenants.a]
    assert [(e.subject_type, e.screen) for e in _reads(tenants.a)] == [
        ("person", "住民照会"), ("tenancy.municipality", "団体情報")
    ]


def test_reads_under_a_never_reach_bs_residents_and_log_nothing_for_them(residents: Any, tenants: Any) -> None:
    b_pk = residents["b"][0].pk
    with activate(ctx(tenants.a)):
        assert list(Resident.objects.for_read(screen="住民照会").filter(pk=b_pk)) == []
        with pytest.raises(Resident.DoesNotExist):
            Resident.objects.for_read(screen="住民照会").get(pk=b_pk)
    assert _reads(tenants.a) == [] and _reads(tenants.b) == []
    with pytest.raises(NoTenantContext):
        Resident.objects.for_read(screen="住民照会")


@postgres_only
def test_rls_hides_bs_residents_from_raw_sql(residents: Any, tenants: Any) -> None:
    with activate(ctx(tenants.a)), connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM audit_test_resident WHERE municipality_id = %s", [tenants.b.pk])
        assert cur.fetchone()[0] == 0
