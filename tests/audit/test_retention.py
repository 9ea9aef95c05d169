"""[1370]#2 ログの保存期間: per municipality with a default, shown to auditors, nothing deletes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from jichitai.audit import retention
from jichitai.audit.models import AppendOnlyViolation, AuditEntry
from jichitai.audit.recording import record
from jichitai.tenancy.context import activate

from .conftest import ctx
from .test_search import _login

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src" / "jichitai"


def _old_and_new(municipality: Any) -> None:
    from unittest import mock

    long_ago = timezone.now() - dt.timedelta(days=365 * 6)
    with activate(ctx(municipality, purpose="test")):
        with mock.patch("jichitai.audit.chain._now", return_value=long_ago):
            record("operation", "old_step")
        record("operation", "new_step")


@pytest.mark.std("1370#2")
def test_default_ten_years_and_a_municipality_sets_its_own(tenants: Any) -> None:
    _old_and_new(tenants.a)
    _old_and_new(tenants.b)
    with activate(ctx(tenants.a, purpose="test")):
        assert retention.policy() == retention.Retention(10, True)
        rep = retention.report()
        assert (rep.total, rep.expired) == (2, 0)
        retention.set_years(5)
        assert retention.policy().label() == "5年"
        rep = retention.report()
        assert rep.expired == 1 and rep.total == 3  # the first report is logged too
        for bad in ("0", "151", "十", ""):
            with pytest.raises(retention.RetentionError, match="保存期間（年）は1〜150"):
                retention.set_years(bad)
        assert AuditEntry.objects.filter(action="retention_report").count() == 2
    with activate(ctx(tenants.b, purpose="test")):  # B keeps its own (default) period
        assert retention.policy().is_default and retention.report().expired == 0


@pytest.mark.std("1370#2")
def test_nothing_deletes_an_entry_within_or_after_the_period(tenants: Any) -> None:
    _old_and_new(tenants.a)
    with activate(ctx(tenants.a, purpose="test")):
        retention.set_years(1)
        assert retention.report().expired == 1
        old = AuditEntry.objects.get(action="old_step")
        for attempt in (old.delete, AuditEntry.objects.filter(pk=old.pk).delete,
                        AuditEntry.objects.all().delete):
            with pytest.raises(AppendOnlyViolation):
                attempt()
        assert AuditEntry.objects.count() == 3  # two steps and the report: it deleted nothing


@pytest.mark.std("1370#2")
def test_no_command_or_module_deletes_audit_entries() -> None:
    """The source holds no DELETE of an audit table and no delete() on an audit model (the
    PostgreSQL trigger, migration 0002, refuses it at the database as well)."""
    pattern = re.compile(r"DELETE\s+FROM\s+\"?audit_|(AuditEntry|SystemAuditEntry)\.objects[^\n]*\.delete\(",
                         re.IGNORECASE)
    found = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
             if "migrations" not in p.parts and pattern.search(p.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.std("1370#2")
def test_the_period_is_shown_to_auditors_and_reported_by_the_cli(client: Any, tenants: Any,
                                                                staff_factory: Any, capsys: Any) -> None:
    from jichitai.cli.audit import main

    auditor = staff_factory("auditor-r", tenants.a, "auditor")
    _login(client, auditor, tenants.a)
    assert "ログの保存期間: 10年（既定）" in client.get("/audit/").content.decode()
    _old_and_new(tenants.a)
    assert main(["retention", "--municipality", tenants.a.code, "--set-years", "3"]) == 0
    out = capsys.readouterr().out
    assert "保存期間 3年" in out and "保存期間を過ぎたもの 1 件" in out
    assert main(["retention", "--municipality", tenants.a.code, "--set-years", "0"]) == 2
    assert "--set-years: 保存期間（年）は1〜150" in capsys.readouterr().err
    assert main(["retention", "--municipality", "999999"]) == 2
    assert "ログの保存期間: 3年" in client.get("/audit/").content.decode()
    with activate(ctx(tenants.b, purpose="test")):
        assert retention.policy().is_default
