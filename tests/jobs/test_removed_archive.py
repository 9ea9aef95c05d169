"""[1300] 除票用データベースへの移行 and [50]#5–#7: 除票 past 5 years move to the separate store and
leave the register's database in the same step; one search finds both; 支援措置 from the
protected side; another municipality's 除票 are not found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from jichitai.jobs import runner, worker
from jichitai.jobs.models import Run
from jichitai.registry.archive import archive_removed
from jichitai.registry.archive_models import ArchivedRecord
from jichitai.registry.models import EventFact, Person
from jichitai.registry.selectors.removed import ARCHIVE, LIVE, RemovedQuery, search_removed
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, move_in_family, people
from tests.registry.test_snapshots import _protect

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 6, 1)


def _removals(office) -> tuple[int, int, int]:
    """head dies 2019 (past 5 years on TODAY), son moves out 2024 (not yet), wife stays."""
    move_in_family(office, D(2015, 4, 1))
    head, wife, son = people()
    apply(office, "death", {"person_id": head.pk, "new_head_id": wife.pk}, D(2019, 3, 3))
    apply(
        office,
        "move_out_planned",
        {
            "person_ids": [son.pk],
            "destination": "大阪府大阪市北区梅田1丁目",
            "planned_date": "2024-03-20",
        },
        D(2024, 3, 1),
    )
    apply(
        office,
        "move_out_confirmed",
        {"person_ids": [son.pk], "destination": "大阪府大阪市北区梅田1丁目1番1号"},
        D(2024, 3, 18),
        notified_on=D(2024, 3, 25),
    )
    return head.pk, wife.pk, son.pk


@pytest.mark.std("1300#1", "50#5")
def test_removed_records_past_five_years_move_and_leave_the_register(office) -> None:
    with activate(office.ctx()):
        head, wife, son = _removals(office)
        assert archive_removed(today=TODAY) == {"due": 1, "moved": 1, "kept": 0}
        assert not Person.objects.filter(pk=head).exists()  # deleted from the register's database
        assert not EventFact.objects.filter(entity="person", entity_id=head).exists()
        assert set(Person.objects.values_list("pk", flat=True)) == {wife, son}  # son: under 5 years
        moved = ArchivedRecord.objects.for_read(screen="テスト").get()
        assert (moved.person_id, moved.family_name, moved.given_name, moved.status) == (
            head,
            "髙橋",
            "一郎",
            "dead",
        )
        assert moved.removed_on == D(2019, 3, 3) and moved.keep_until == D(
            2169, 3, 3
        )  # kept 150 years
        assert {f[1] for f in moved.history} >= {
            "status",
            "family_name",
        }  # its history came along
        assert moved.record["honseki"] == "テスト県甲村1番地" and moved.last_address.startswith(
            "本町一丁目"
        )
        assert archive_removed(today=TODAY)["moved"] == 0  # nothing twice
        assert archive_removed(today=D(2029, 4, 1))["moved"] == 1  # the son, five years on


def test_the_store_is_a_separate_schema_or_database() -> None:
    table = ArchivedRecord._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'archived_record'"
            )
            assert [r[0] for r in cur.fetchall()] == ["jyohyo"]
            cur.execute(
                "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'jyohyo.archived_record'::regclass"
            )
            assert cur.fetchone() == (True, True)  # the tenant policy guards the store too
        else:
            cur.execute("PRAGMA database_list")
            assert "jyohyo" in {r[1] for r in cur.fetchall()}
            cur.execute("SELECT name FROM jyohyo.sqlite_master WHERE type = 'table'")
            assert "archived_record" in {r[0] for r in cur.fetchall()}
            cur.execute("SELECT name FROM main.sqlite_master WHERE name = 'archived_record'")
            assert cur.fetchall() == []
    assert table == 'jyohyo"."archived_record'


@pytest.mark.std("1300#2", "50#7")
def test_the_move_is_a_batch_job_run_by_the_worker_in_batches(office) -> None:
    with activate(office.ctx()):
        head, wife, son = _removals(office)
        apply(
            office, "death", {"person_id": wife}, D(2019, 5, 5), confirm_alerts=True
        )  # the wife too
        run = runner.start(
            "registry.removed_archive",
            {"base_date": "2026-06-01", "batch_size": "1"},
            staff=office.approver,
        )
    assert worker.drain() == 1
    with activate(office.ctx()):
        run = Run.objects.get(pk=run.pk)
        assert run.status == "succeeded", run.error
        assert run.counts == {"due": 2, "moved": 2, "kept": 0} and "2件" in run.message
        assert (run.progress_done, run.progress_total) == (2, 2)
        assert ArchivedRecord.objects.count() == 2
        bad = runner.start("registry.removed_archive", {"years": "3"}, staff=office.approver)
    worker.drain()
    with activate(office.ctx()):
        bad.refresh_from_db()
        assert bad.status == "failed" and "5年以上" in bad.error  # never younger than 5 years


@pytest.mark.std("50#6")
def test_one_search_finds_removed_records_in_both_databases(office, office_b) -> None:
    with activate(office.ctx()):
        head, wife, son = _removals(office)
        archive_removed(today=TODAY)
        found = search_removed(RemovedQuery(name="髙橋"), staff=office.clerk)
        assert [(r["source"], r["name"]) for r in found] == [
            (LIVE, "髙橋\u3000太郎"),
            (ARCHIVE, "髙橋\u3000一郎"),
        ]
        assert found[1]["reason"] == "死亡者" and found[1]["removed_on"] == D(2019, 3, 3)
        assert [
            r["name"]
            for r in search_removed(
                RemovedQuery(kana="タカハシ", birth_date=D(1980, 5, 1)), staff=office.clerk
            )
        ] == ["髙橋\u3000一郎"]
    with activate(office_b.ctx()):
        assert search_removed(RemovedQuery(name="髙橋"), staff=office_b.clerk) == []


@pytest.mark.std("50#6")
def test_protected_removed_records_stay_and_are_masked_in_the_one_search(office) -> None:
    from jichitai.audit.models import AuditEntry
    from jichitai.moji import key

    with activate(office.ctx()):
        head, wife, son = _removals(office)
        _protect(office, head)
        assert archive_removed(today=TODAY) == {
            "due": 1,
            "moved": 0,
            "kept": 1,
        }  # stays under the 支援措置 rules
        found = search_removed(RemovedQuery(name="髙橋"), staff=office.clerk)
        masked = [r for r in found if r["masked"]]
        assert len(masked) == 1 and masked[0]["id"] is None and "一郎" not in repr(masked[0])
        assert masked[0]["birth_date"] is None and masked[0]["removed_on"] is None
        assert AuditEntry.objects.filter(category="alert", action="support_measure.access").exists()
        # a protected record in the archive (a measure copied with it) is masked there too
        ArchivedRecord.objects.create(
            person_id=999,
            atena_no="9",
            family_name="髙橋",
            given_name="秘子",
            name_key=key("髙橋秘子"),
            kana_key="",
            birth_date=D(1970, 1, 1),
            sex="2",
            resident_type="japanese",
            status="moved_out",
            removed_on=D(2020, 1, 1),
            record={},
            keep_until=D(2170, 1, 1),
            support=[{"start_date": "2019-01-01", "ended_at": None}],
        )
        rows = [
            r
            for r in search_removed(RemovedQuery(name="髙橋"), staff=office.clerk)
            if r["source"] == ARCHIVE
        ]
        assert len(rows) == 1 and rows[0]["masked"] and "秘子" not in repr(rows[0])
