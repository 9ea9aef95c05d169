"""再認証: adding or removing a second factor needs the password and a current second factor
again, within JICHITAI_REAUTH_SECONDS (the mark in the session). A completed login counts as one.
"""

from __future__ import annotations

import json
import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts.factors import REGISTRY
from jichitai.accounts.models import Role, WebAuthnCredential
from jichitai.accounts.session import REAUTHENTICATED_AT
from jichitai.accounts.signals import auth_event
from tests.accounts.support import (
    PASSWORD,
    SoftAuthenticator,
    full_login,
    totp_code,
    webauthn_options,
)
from tests.web.test_shell import audit

pytestmark = pytest.mark.django_db

ASKED = "パスワードと二要素認証でもう一度本人確認を行ってください。"
ADD_TOTP = "/accounts/devices/totp/add/"
ADD_KEY = "/accounts/devices/security-key/add/"


@pytest.fixture
def staff(make_staff, muni_a):
    staff = make_staff("tanaka", [(muni_a, Role.CLERK)])
    staff.spare = REGISTRY["totp"].enroll_with_key(staff, "ab" * 20, name="予備")  # type: ignore[attr-defined]
    return staff


def age_the_mark(client, seconds: float = 301) -> None:
    s = client.session
    s[REAUTHENTICATED_AT] = time.time() - seconds
    s.save()


def next_code(staff) -> str:
    """A code the login has not used yet: the next 30-second step (one step of drift is allowed)."""
    return totp_code(staff.totp_device, steps=1)


def reauthenticate(client, staff, *, password=PASSWORD, token=None, next_url=""):
    return client.post("/accounts/devices/", {
        "factor": "totp", "password": password, "token": token or next_code(staff), "next": next_url,
    })


@pytest.fixture
def stale(client, staff):
    """Logged in more than JICHITAI_REAUTH_SECONDS ago."""
    full_login(client, staff)
    age_the_mark(client)
    return client


def test_factor_changes_are_refused_without_a_recent_reauthentication(stale, staff):
    r = stale.get(ADD_TOTP)
    assert r.status_code == 302 and r["Location"] == "/accounts/devices/?next=%2Faccounts%2Fdevices%2Ftotp%2Fadd%2F"
    assert not TOTPDevice.objects.filter(user=staff, confirmed=False).exists()  # no secret shown
    assert stale.get(ADD_KEY)["Location"].startswith("/accounts/devices/?next=")
    r = stale.post(f"/accounts/devices/totp/{staff.spare.pk}/remove/")
    assert r.status_code == 302 and r["Location"] == "/accounts/devices/"
    r = stale.post(f"/accounts/devices/totp/{staff.spare.pk}/remove/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and r["HX-Redirect"] == "/accounts/devices/"
    assert TOTPDevice.objects.filter(pk=staff.spare.pk).exists()
    page = stale.get("/accounts/devices/").content.decode()
    assert ASKED in page and "「予備」を削除" not in page and ADD_TOTP not in page


def test_reauthentication_with_password_and_a_current_code_allows_the_change(stale, staff):
    r = reauthenticate(stale, staff, next_url=ADD_TOTP)
    assert r.status_code == 302 and r["Location"] == ADD_TOTP
    page = stale.get(ADD_TOTP)
    assert page.status_code == 200 and 'id="totp-secret"' in page.content.decode()
    r = stale.post(f"/accounts/devices/totp/{staff.spare.pk}/remove/")
    assert r["Location"] == "/accounts/devices/"
    assert not TOTPDevice.objects.filter(pk=staff.spare.pk).exists()


def test_a_foreign_next_address_is_not_followed_after_reauthentication(stale, staff):
    r = reauthenticate(stale, staff, next_url="https://evil.example/")
    assert r["Location"] == "/accounts/devices/"


def test_the_reauthentication_expires(stale, staff):
    assert reauthenticate(stale, staff).status_code == 302
    assert stale.get(ADD_TOTP).status_code == 200
    age_the_mark(stale, 299)
    assert stale.get(ADD_TOTP).status_code == 200
    age_the_mark(stale, 301)
    assert stale.get(ADD_TOTP)["Location"].startswith("/accounts/devices/?next=")


def test_a_completed_login_counts_as_a_fresh_authentication(client, staff):
    full_login(client, staff)
    assert client.get(ADD_TOTP).status_code == 200


def test_wrong_password_is_refused_and_sets_no_mark(stale, staff):
    r = reauthenticate(stale, staff, password="wrong-password-123")
    assert r.status_code == 401 and "パスワードが正しくありません。" in r.content.decode()
    assert stale.get(ADD_TOTP).status_code == 302
    staff.refresh_from_db()
    assert staff.failed_logins == 0  # a password failure: throttled per client, not the lock


def test_the_code_used_at_login_or_a_wrong_one_is_refused(stale, staff):
    used = totp_code(staff.totp_device)  # the login just used this step's code
    r = reauthenticate(stale, staff, token=used)
    assert r.status_code == 401 and "すでに使用されたコード" in r.content.decode()
    r = reauthenticate(stale, staff, token="000000")
    assert r.status_code == 401
    assert stale.get(ADD_TOTP).status_code == 302
    staff.refresh_from_db()
    assert staff.failed_logins == 2  # counted against the second factor's lock


def test_repeated_wrong_codes_lock_the_second_factor_and_end_the_session(stale, staff, settings):
    settings.JICHITAI_LOCKOUT_THRESHOLD = 2
    assert reauthenticate(stale, staff, token="000000").status_code == 401
    r = reauthenticate(stale, staff, token="000000")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in stale.session
    staff.refresh_from_db()
    assert staff.is_locked()


def test_repeated_wrong_passwords_throttle_this_client(stale, staff, settings):
    settings.JICHITAI_THROTTLE_LIMIT = 2
    assert reauthenticate(stale, staff, password="wrong-password-123").status_code == 401
    r = reauthenticate(stale, staff, password="wrong-password-123")
    assert r.status_code == 429 and "この端末からのログインを一時的に制限" in r.content.decode()
    assert reauthenticate(stale, staff).status_code == 429  # even the right one, for now


def test_reauthentication_with_a_security_key(client, staff):
    key = SoftAuthenticator()
    full_login(client, staff)
    page = client.get(ADD_KEY)
    client.post(ADD_KEY, {"credential": json.dumps(key.create(webauthn_options(page))), "name": "鍵"})
    assert WebAuthnCredential.objects.filter(user=staff).count() == 1
    age_the_mark(client)
    page = client.get("/accounts/devices/")
    assert "パスワードとセキュリティキーで本人確認する" in page.content.decode()
    assertion = key.get(webauthn_options(page))
    r = client.post("/accounts/devices/", {
        "factor": "webauthn", "password": PASSWORD, "credential": json.dumps(assertion),
        "next": ADD_TOTP,
    })
    assert r.status_code == 302 and r["Location"] == ADD_TOTP


def test_reauthentication_is_signalled_as_such(stale, staff):
    seen: list[dict] = []
    auth_event.connect(lambda **kw: seen.append(kw), weak=False, dispatch_uid="reauth-test")
    try:
        reauthenticate(stale, staff, password="wrong-password-123")
        reauthenticate(stale, staff, token="000000")
        reauthenticate(stale, staff)
    finally:
        auth_event.disconnect(dispatch_uid="reauth-test")
    assert [(e["event"], e["detail"].get("purpose")) for e in seen] == [
        ("login_password_failed", "reauthentication"),
        ("second_factor_failed", "reauthentication"),
        ("second_factor_ok", "reauthentication"),
    ]
    assert "000000" not in json.dumps([e["detail"] for e in seen])


def test_the_reauthentication_form_is_labelled_and_in_japanese(stale):
    html = stale.get("/accounts/devices/").content.decode()
    a = audit(html)
    assert a.html_lang == "ja" and a.fields and set(a.fields) <= a.labels
    assert "本人確認する" in html
