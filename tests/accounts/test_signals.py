"""The auth_event signal contract the audit log subscribes to (docs/accounts.md)."""

from __future__ import annotations

import json

import pytest

from jichitai.accounts.models import Role
from jichitai.accounts.signals import AuthEvent, auth_event
from tests.accounts.support import full_login, password_step, totp_step

pytestmark = pytest.mark.django_db

KWARGS = {"event", "staff", "username", "municipality_id", "request", "detail", "signal", "sender"}


@pytest.fixture
def events():
    seen: list[dict] = []

    def receiver(**kwargs):
        assert set(kwargs) == KWARGS
        json.dumps(kwargs["detail"])  # serialisable
        seen.append(kwargs)

    auth_event.connect(receiver, weak=False)
    yield seen
    auth_event.disconnect(receiver)


def names(events):
    return [e["event"] for e in events]


def test_a_successful_login_emits_password_second_factor_and_selection(client, make_staff, muni_a, events):
    staff = make_staff("clerk", [(muni_a, Role.CLERK)])
    full_login(client, staff)
    assert names(events) == ["login_password_ok", "second_factor_ok", "municipality_selected"]
    selected = events[-1]
    assert selected["staff"] == staff and selected["municipality_id"] == muni_a.pk
    assert selected["detail"]["acting_municipality_id"] == muni_a.pk
    assert events[1]["detail"]["factor"] == "totp"
    client.post("/accounts/logout/")
    assert events[-1]["event"] == AuthEvent.LOGOUT and events[-1]["municipality_id"] == muni_a.pk


def test_failures_and_lock_are_emitted_without_secrets(client, make_staff, muni_a, events, settings):
    settings.JICHITAI_LOCKOUT_THRESHOLD = 2
    staff = make_staff("clerk", [(muni_a, Role.CLERK)])
    password_step(client, "ghost", "whatever-123")
    password_step(client, "clerk")
    totp_step(client, "000000")
    totp_step(client, "000000")
    password_step(client, "clerk")
    assert names(events) == [
        "login_password_failed", "login_password_ok", "second_factor_failed",
        "second_factor_failed", "locked", "login_refused_locked",
    ]
    assert events[0]["staff"] is None and events[0]["username"] == "ghost"
    assert events[4]["detail"]["step"] == "second_factor"
    assert events[4]["detail"]["lock"] == "second_factor"
    assert events[5]["detail"] == {"step": "password", "lock": "second_factor"}
    assert "000000" not in json.dumps([e["detail"] for e in events])
    assert all(e["request"] is not None for e in events)
    assert events[2]["staff"] == staff


def test_refusals_of_municipality_and_missing_factor_are_emitted(client, make_staff, muni_a, muni_b, events):
    staff = make_staff("clerk", [(muni_a, Role.CLERK)])
    make_staff("nodevice", [(muni_a, Role.CLERK)], totp=False)
    password_step(client, "nodevice")
    full_login(client, staff)
    client.post("/accounts/choose-municipality/", {"choice": f"m{muni_b.pk}"})
    assert names(events)[0] == "second_factor_missing"
    assert events[-1]["event"] == "municipality_refused"
    assert events[-1]["detail"] == {"reason": "not_allowed", "requested": f"m{muni_b.pk}"}
