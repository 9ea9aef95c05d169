"""A running session whose rights are gone is logged out at its next request, with the reason on
the login page: role revoked, staff member deactivated, municipality (data or acting) deactivated,
代行 grant revoked or expired. It never goes on with a narrowed context.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jichitai.accounts.models import Role, RoleGrant, Staff
from jichitai.accounts.signals import auth_event
from jichitai.tenancy.models import DelegationGrant, Municipality
from tests.accounts.support import full_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_staff, muni_a):
    return make_staff("clerk", [(muni_a, Role.CLERK)])


@pytest.fixture
def events():
    seen: list[dict] = []
    auth_event.connect(lambda **kw: seen.append(kw), weak=False, dispatch_uid="session-end-test")
    yield seen
    auth_event.disconnect(dispatch_uid="session-end-test")


def logged_in(client, staff) -> None:
    full_login(client, staff)
    assert client.get("/").status_code == 200


def assert_ended(client, message: str, url: str = "/") -> None:
    r = client.get(url)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert "jichitai_municipality_id" not in client.session
    page = client.get(r["Location"]).content.decode()
    assert message in page
    assert client.get("/").status_code == 302  # and stays ended


def test_role_revocation_ends_the_session_at_the_next_request(client, clerk, muni_a, events):
    logged_in(client, clerk)
    RoleGrant.objects.filter(staff=clerk).delete()
    assert_ended(client, "選択中の団体での役割が取り消されたため、ログアウトしました。")
    ended = [e for e in events if e["event"] == "logout"]
    assert len(ended) == 1 and ended[0]["detail"] == {"reason": "role_revoked"}
    assert ended[0]["staff"] == clerk and ended[0]["municipality_id"] == muni_a.pk


def test_staff_deactivation_ends_the_session_at_the_next_request(client, clerk, events):
    logged_in(client, clerk)
    Staff.objects.filter(pk=clerk.pk).update(is_active=False)
    assert_ended(client, "職員アカウントが無効になったため、ログアウトしました。", url="/accounts/devices/")
    assert [e["detail"] for e in events if e["event"] == "logout"] == [{"reason": "staff_inactive"}]


def test_staff_deactivation_ends_a_session_before_any_municipality_is_chosen(
    client, make_staff, muni_a, muni_b
):
    kenmu = make_staff("kenmu", [(muni_a, Role.CLERK), (muni_b, Role.CLERK)])
    full_login(client, kenmu)  # at the selector, no municipality yet
    Staff.objects.filter(pk=kenmu.pk).update(is_active=False)
    assert_ended(client, "職員アカウントが無効になったため", url="/accounts/choose-municipality/")


def test_municipality_deactivation_ends_the_session_at_the_next_request(client, clerk, muni_a):
    logged_in(client, clerk)
    Municipality.objects.filter(pk=muni_a.pk).update(active=False)
    assert_ended(client, "選択中の団体が利用停止になったため、ログアウトしました。")


def _delegated_session(client, make_staff, muni_a, muni_b, **grant_kw):
    staff = make_staff("minato", [(muni_b, Role.CLERK)])
    now = timezone.now()
    grant = DelegationGrant.objects.create(
        grantor=muni_a, grantee=muni_b, declared_by=staff, valid_from=now - timedelta(hours=1),
        valid_until=grant_kw.get("valid_until", now + timedelta(days=1)), legal_basis="相互応援協定",
    )
    full_login(client, staff)
    client.post("/accounts/choose-municipality/", {"choice": f"g{grant.pk}"})
    assert client.session["jichitai_grant_id"] == grant.pk
    assert client.get("/").status_code == 200
    return grant


def test_deactivating_the_data_municipality_ends_a_delegated_session(client, make_staff, muni_a, muni_b):
    _delegated_session(client, make_staff, muni_a, muni_b)
    Municipality.objects.filter(pk=muni_a.pk).update(active=False)  # the data owner
    assert_ended(client, "選択中の団体が利用停止になったため")


def test_deactivating_the_acting_municipality_ends_a_delegated_session(client, make_staff, muni_a, muni_b):
    _delegated_session(client, make_staff, muni_a, muni_b)
    Municipality.objects.filter(pk=muni_b.pk).update(active=False)  # the staff's own
    assert_ended(client, "選択中の団体が利用停止になったため")


def test_a_revoked_delegation_ends_the_session(client, make_staff, muni_a, muni_b, events):
    grant = _delegated_session(client, make_staff, muni_a, muni_b)
    DelegationGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
    assert_ended(client, "代行の期間が終了したか代行が取り消されたため、ログアウトしました。")
    assert [e["detail"] for e in events if e["event"] == "logout"] == [{"reason": "delegation_ended"}]


def test_an_expired_delegation_ends_the_session(client, make_staff, muni_a, muni_b):
    grant = _delegated_session(client, make_staff, muni_a, muni_b)
    DelegationGrant.objects.filter(pk=grant.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    assert_ended(client, "代行の期間が終了したか")


def test_the_api_answers_401_once_the_session_ended(client, clerk):
    logged_in(client, clerk)
    RoleGrant.objects.filter(staff=clerk).delete()
    r = client.get("/api/v1/persons", HTTP_ACCEPT="application/json")
    assert r.status_code == 401
    assert "_auth_user_id" not in client.session


def test_other_staff_sessions_go_on(client, clerk, make_staff, muni_a):
    from django.test import Client

    other = make_staff("other", [(muni_a, Role.CLERK)])
    second = Client()
    logged_in(client, clerk)
    logged_in(second, other)
    RoleGrant.objects.filter(staff=clerk).delete()
    assert client.get("/").status_code == 302
    assert second.get("/").status_code == 200
