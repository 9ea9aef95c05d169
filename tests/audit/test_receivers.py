"""Authentication and consortium settings changes land in the consortium chain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.signals import user_login_failed
from django.test import RequestFactory
from django.utils import timezone

from jichitai.accounts.signals import auth_event
from jichitai.audit.models import AuditEntry, SystemAuditEntry
from jichitai.audit.verify import verify
from jichitai.tenancy.context import activate

from .conftest import ctx

pytestmark = pytest.mark.django_db


def _system(**filters: Any) -> list[SystemAuditEntry]:
    return list(SystemAuditEntry.objects.filter(**filters).order_by("chain_key", "seq"))


def test_auth_events_are_chained_per_consortium_with_municipality_and_client(
    tenants: Any, staff_factory: Any
) -> None:
    from jichitai.accounts.models import Staff

    staff = staff_factory("clerk-a", tenants.a, "clerk")
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="UA/1")
    auth_event.send(sender=Staff, event="login_password_ok", staff=staff, username="clerk-a",
                    municipality_id=None, request=request, detail={})
    auth_event.send(sender=Staff, event="municipality_selected", staff=staff, username="clerk-a",
                    municipality_id=tenants.a.pk, request=request, detail={"via": "selector"})
    auth_event.send(sender=Staff, event="login_password_failed", staff=None, username="nobody",
                    municipality_id=None, request=None, detail={"password": "must-not-be-kept"})
    ok, selected = _system(category="auth", username="clerk-a")
    assert (ok.action, ok.chain_key, ok.remote_addr, ok.staff_id) == (
        "login_password_ok", tenants.a.consortium_id, "192.0.2.7", staff.pk
    )
    assert ok.detail["user_agent"] == "UA/1"
    assert (selected.action, selected.municipality_code) == ("municipality_selected", "999016")
    [failed] = _system(username="nobody")
    assert failed.chain_key == 0 and failed.severity == "warning"  # unknown user: installation chain
    assert "password" not in failed.detail
    assert verify().ok


def test_django_login_failed_signal_is_a_backstop(db: None) -> None:
    user_login_failed.send(sender=None, credentials={"username": "mallory", "password": "********"})
    [e] = _system(username="mallory")
    assert e.action == "credentials_rejected" and e.detail == {}


def test_an_auth_receiver_failure_never_breaks_login(tenants: Any, monkeypatch: Any, caplog: Any) -> None:
    from jichitai.accounts.models import Staff
    from jichitai.audit import receivers

    def boom(*a: Any, **k: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(receivers, "record_system", boom)
    auth_event.send(sender=Staff, event="logout", staff=None, username="x", municipality_id=None,
                    request=None, detail={})
    assert "could not record auth event logout" in caplog.text


def test_settings_changes_are_logged_with_a_snapshot_and_the_acting_staff(
    tenants: Any, staff_factory: Any
) -> None:
    from jichitai.accounts.models import RoleGrant
    from jichitai.tenancy.models import DelegationGrant

    admin = staff_factory("admin-a", tenants.a, "municipality_admin")
    with activate(ctx(tenants.a, staff_id=admin.pk)):
        tenants.a.name = "甲町"
        tenants.a.save()
        grant = RoleGrant.objects.create(staff=admin, municipality=tenants.a, role="auditor")
        grant.delete()
        now = timezone.now()
        dg = DelegationGrant.objects.create(
            grantor=tenants.a, grantee=tenants.b, valid_from=now, valid_until=now + timedelta(days=3),
            legal_basis="災害時相互応援協定", declared_by=admin,
        )
    rows = [(e.action, e.subject_type, e.username) for e in _system(category="settings", staff_id=admin.pk)]
    assert rows == [
        ("updated", "tenancy.municipality", "admin-a"),
        ("created", "accounts.rolegrant", "admin-a"),
        ("deleted", "accounts.rolegrant", "admin-a"),
        ("created", "tenancy.delegationgrant", "admin-a"),
    ]
    [updated] = _system(category="settings", action="updated", subject_id=str(tenants.a.pk))
    assert updated.detail["fields"]["name"] == "甲町" and updated.municipality_code == "999016"
    [dg_entry] = _system(subject_type="tenancy.delegationgrant", subject_id=str(dg.pk))
    assert dg_entry.detail["fields"]["grantee_id"] == tenants.b.pk
    # creating the fixture municipalities was logged in each consortium's own chain
    created = _system(category="settings", action="created", subject_type="tenancy.municipality")
    assert {(e.chain_key, e.municipality_code) for e in created} == {
        (tenants.a.consortium_id, "999016"), (tenants.a.consortium_id, "999024"),
        (tenants.other_consortium.consortium_id, "999032"),
    }


def test_consortium_chain_never_enters_a_municipality_chain(tenants: Any, staff_factory: Any) -> None:
    staff_factory("clerk-b", tenants.b, "clerk")  # a RoleGrant in B: a settings event
    for muni in (tenants.a, tenants.b):
        with activate(ctx(muni)):
            assert not AuditEntry.objects.exists()
