"""A request is one unit of work: a view that fails after writing leaves nothing behind."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from jichitai.tenancy.context import activate
from jichitai.tenancy.models import MunicipalSetting

from ..conftest import context_for


def _write_then_fail(request: HttpRequest) -> HttpResponse:
    MunicipalSetting.objects.create(key="half-written", value=1)
    raise RuntimeError("boom after a write")


def _write_ok(request: HttpRequest) -> HttpResponse:
    MunicipalSetting.objects.create(key="written", value=1)
    return HttpResponse("ok")


urlpatterns = [path("fail/", _write_then_fail), path("ok/", _write_ok)]


def _login(client: Any, tenants: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts.models import RoleGrant, Staff

    staff = Staff.objects.create(username="atomic", consortium=tenants.a.consortium)
    RoleGrant.objects.create(staff=staff, municipality=tenants.a, role="clerk")
    device = TOTPDevice.objects.create(user=staff, name="t", confirmed=True)
    client.force_login(staff)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["jichitai_acting_municipality_id"] = tenants.a.pk
    session["jichitai_municipality_id"] = tenants.a.pk
    session.save()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_failed_request_rolls_back_its_writes(client: Any, tenants: Any) -> None:
    _login(client, tenants)
    client.raise_request_exception = False
    assert client.get("/fail/").status_code == 500
    assert client.get("/ok/").status_code == 200
    with activate(context_for(tenants.a)):
        assert list(MunicipalSetting.objects.values_list("key", flat=True)) == ["written"]
        from jichitai.audit.models import AuditEntry

        errors = AuditEntry.objects.filter(category="error")
        assert errors.count() == 1 and "boom after a write" in errors.get().detail_json
