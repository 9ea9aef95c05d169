"""Security keys (WebAuthn) end to end with a software authenticator; py_webauthn is not mocked."""

from __future__ import annotations

import json

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts.models import Role, WebAuthnCredential
from tests.accounts.support import (
    SoftAuthenticator,
    full_login,
    password_step,
    webauthn_options,
)

pytestmark = pytest.mark.django_db


def register_key(client, authenticator, name="IC代替キー", **create_kw):
    page = client.get("/accounts/devices/security-key/add/")
    assert page.status_code == 200
    cred = authenticator.create(webauthn_options(page), **create_kw)
    return client.post(
        "/accounts/devices/security-key/add/", {"credential": json.dumps(cred), "name": name}
    )


def key_login(client, staff, authenticator, **get_kw):
    r = password_step(client, staff.username)
    assert r["Location"] == "/accounts/second-factor/"
    page = client.get("/accounts/second-factor/")
    assert "セキュリティキーで認証する" in page.content.decode()
    cred = authenticator.get(webauthn_options(page), **get_kw)
    return client.post(
        "/accounts/second-factor/", {"factor": "webauthn", "credential": json.dumps(cred)}
    )


@pytest.fixture
def staff(make_staff, muni_a):
    return make_staff("keyuser", [(muni_a, Role.CLERK)])


@pytest.fixture
def key(client, staff):
    """A software security key registered by the staff member (after a TOTP login)."""
    authenticator = SoftAuthenticator()
    full_login(client, staff)
    r = register_key(client, authenticator)
    assert r.status_code == 302 and r["Location"] == "/accounts/devices/", r.content.decode()
    client.post("/accounts/logout/")
    return authenticator


@pytest.mark.std("1380#11")
def test_register_then_log_in_with_the_security_key(client, staff, key, muni_a):
    cred = WebAuthnCredential.objects.get(user=staff)
    assert cred.name == "IC代替キー" and cred.sign_count == 0 and cred.transports == ["usb"]
    r = key_login(client, staff, key)
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.session["jichitai_municipality_id"] == muni_a.pk
    assert "山あい村" in client.get("/").content.decode()
    cred.refresh_from_db()
    assert cred.sign_count == 1 and cred.last_used_at is not None


def test_sign_count_must_increase(client, staff, key):
    assert key_login(client, staff, key).status_code == 302
    client.post("/accounts/logout/")
    r = key_login(client, staff, key, sign_count=1)  # a clone replaying the old counter
    assert r.status_code == 401
    assert "セキュリティキーによる認証に失敗しました。" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert WebAuthnCredential.objects.get(user=staff).sign_count == 1


def test_assertion_for_another_origin_or_rp_is_refused(client, staff, key):
    r = key_login(client, staff, key, origin="https://evil.example")
    assert r.status_code == 401
    r = key_login(client, staff, key, rp_id="evil.example")
    assert r.status_code == 401
    assert "_auth_user_id" not in client.session


def test_challenge_is_single_use(client, staff, key):
    password_step(client, staff.username)
    page = client.get("/accounts/second-factor/")
    cred = json.dumps(key.get(webauthn_options(page)))
    client.post("/accounts/second-factor/", {"factor": "webauthn", "credential": cred})
    client.post("/accounts/logout/")
    password_step(client, staff.username)
    r = client.post("/accounts/second-factor/", {"factor": "webauthn", "credential": cred})
    assert r.status_code == 401


def test_someone_elses_key_is_refused(client, make_staff, staff, key, muni_b):
    other = make_staff("other", [(muni_b, Role.CLERK)])
    # the other staff member presents staff's key against their own login
    password_step(client, other.username)
    from jichitai.accounts.factors import REGISTRY

    options = REGISTRY["webauthn"].authentication_options(staff).options  # staff's allow-list
    s = client.session
    s["jichitai_webauthn_auth_challenge"] = options["challenge"]
    s.save()
    cred = key.get(options)
    r = client.post("/accounts/second-factor/", {"factor": "webauthn", "credential": json.dumps(cred)})
    assert r.status_code == 401
    assert "このセキュリティキーは登録されていません。" in r.content.decode()


def test_wrong_security_key_counts_towards_lockout(client, staff, key, settings):
    settings.JICHITAI_LOCKOUT_THRESHOLD = 2
    intruder = SoftAuthenticator()
    intruder.credential_id = key.credential_id  # same id, different private key
    assert key_login(client, staff, intruder).status_code == 401
    r = key_login(client, staff, intruder)
    assert r["Location"] == "/accounts/login/"
    staff.refresh_from_db()
    assert staff.is_locked()


def test_registration_with_a_stale_challenge_or_wrong_origin_is_refused(client, staff):
    full_login(client, staff)
    a = SoftAuthenticator()
    r = register_key(client, a, origin="https://evil.example")
    assert r.status_code == 400 and "セキュリティキーを登録できませんでした。" in r.content.decode()
    cred = a.create({"rp": {"id": "localhost"}, "challenge": "AAAA"})
    r = client.post("/accounts/devices/security-key/add/", {"credential": json.dumps(cred), "name": "x"})
    assert r.status_code == 400
    assert not WebAuthnCredential.objects.filter(user=staff).exists()


def test_the_same_key_cannot_be_registered_twice(client, staff, key):
    assert key_login(client, staff, key).status_code == 302
    r = register_key(client, key)
    assert r.status_code == 400
    assert WebAuthnCredential.objects.filter(user=staff).count() == 1


def test_registration_needs_a_completed_login(client, staff):
    password_step(client, staff.username)  # second factor pending
    r = client.get("/accounts/devices/security-key/add/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_key_only_staff_sees_only_the_key_and_cannot_remove_the_last_factor(client, staff, key):
    TOTPDevice.objects.filter(user=staff).delete()
    r = key_login(client, staff, key)
    assert r.status_code == 302
    cred = WebAuthnCredential.objects.get(user=staff)
    r = client.post(f"/accounts/devices/webauthn/{cred.pk}/remove/", follow=True)
    assert "最後の二要素認証は削除できません。" in r.content.decode()
    assert WebAuthnCredential.objects.filter(pk=cred.pk).exists()
    client.post("/accounts/logout/")
    password_step(client, staff.username)
    page = client.get("/accounts/second-factor/").content.decode()
    assert 'name="token"' not in page and "セキュリティキーで認証する" in page
