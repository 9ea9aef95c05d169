"""Idle timeout, tenant_required and requires_capability (checked in the ACTING municipality)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from jichitai.accounts.decorators import requires_capability, tenant_required
from jichitai.accounts.models import Role
from jichitai.accounts.session import LAST_SEEN
from jichitai.accounts.signals import auth_event
from jichitai.tenancy.context import TenantContext
from jichitai.tenancy.models import DelegationGrant
from tests.accounts.support import full_login

pytestmark = pytest.mark.django_db


def test_idle_session_times_out_with_a_japanese_message(client, make_staff, muni_a):
    staff = make_staff("clerk", [(muni_a, Role.CLERK)])
    full_login(client, staff)
    assert client.get("/").status_code == 200
    seen = []
    auth_event.connect(lambda **kw: seen.append(kw), weak=False, dispatch_uid="t")
    try:
        s = client.session
        s[LAST_SEEN] = s[LAST_SEEN] - 901
        s.save()
        r = client.get("/", follow=True)
    finally:
        auth_event.disconnect(dispatch_uid="t")
    assert "一定時間操作がなかったため、ログアウトしました。" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert [e["event"] for e in seen] == ["timeout"]
    assert seen[0]["municipality_id"] == muni_a.pk


def _request(user, ctx):
    request = RequestFactory().get("/x")
    user.is_verified = lambda: True
    request.user = user
    request.tenant_context = ctx
    request.session = {}
    return request


@requires_capability("registry.approve")
def approve(request):
    return HttpResponse("ok")


@tenant_required
def tenant_page(request):
    return HttpResponse("ok")


def test_tenant_required_sends_to_selection_without_context(make_staff, muni_a):
    staff = make_staff("clerk", [(muni_a, Role.CLERK)])
    r = tenant_page(_request(staff, None))
    assert r.status_code == 302 and r["Location"].startswith("/accounts/choose-municipality/")


def test_requires_capability_checks_the_acting_municipality(make_staff, muni_a, muni_b):
    staff = make_staff("kenmu", [(muni_a, Role.CLERK), (muni_b, Role.APPROVER)])
    assert approve(_request(staff, TenantContext(muni_b.pk, muni_b.pk, staff.pk))).status_code == 200
    with pytest.raises(PermissionDenied):  # approver in B is not approver in A
        approve(_request(staff, TenantContext(muni_a.pk, muni_a.pk, staff.pk)))


def test_requires_capability_under_delegation_uses_the_grantee_role(make_staff, muni_a, muni_b):
    staff = make_staff("minato", [(muni_b, Role.APPROVER)])
    now = timezone.now()
    grant = DelegationGrant.objects.create(
        grantor=muni_a, grantee=muni_b, declared_by=staff, valid_from=now,
        valid_until=now + timedelta(days=1), legal_basis="協定",
    )
    ctx = TenantContext(muni_a.pk, muni_b.pk, staff.pk, grant_id=grant.pk)
    assert approve(_request(staff, ctx)).status_code == 200
    clerk_only = make_staff("clerk", [(muni_b, Role.CLERK)])
    with pytest.raises(PermissionDenied):
        approve(_request(clerk_only, ctx))


def test_requires_capability_needs_a_known_capability():
    with pytest.raises(ValueError):
        requires_capability("registry.everything")
    assert approve.capability == "registry.approve"  # read by the generated permission tests
