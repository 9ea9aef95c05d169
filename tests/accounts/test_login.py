"""Login: password, second factor, the second factor's lock. Every refusal is a clear Japanese
message. (Throttling of the password step per client: test_throttle.py.)

Also tries the other municipality: a half-logged-in staff member reaches no tenant page at all.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jichitai.accounts import auth
from jichitai.accounts.models import Role, Staff
from jichitai.accounts.session import PENDING
from tests.accounts.support import (
    PASSWORD,
    full_login,
    password_step,
    totp_code,
    totp_step,
)

pytestmark = pytest.mark.django_db

LOCKED = "このアカウントは一時的にロックされています。"


@pytest.fixture
def clerk(make_staff, muni_a):
    return make_staff("clerk", [(muni_a, Role.CLERK)])


@pytest.mark.std("1380#3", "1380#11")
def test_full_login_with_password_and_totp_reaches_home_of_the_only_municipality(client, clerk, muni_a):
    r = full_login(client, clerk, follow=True)
    assert r.redirect_chain[-1][0] == "/"
    html = r.content.decode()
    assert "山あい村" in html and "窓口担当" in html
    assert client.session["jichitai_municipality_id"] == muni_a.pk


@pytest.mark.std("1380#3")
def test_wrong_password_is_refused_in_japanese(client, clerk):
    r = password_step(client, "clerk", "wrong-password-123")
    assert r.status_code == 401
    assert "ユーザー名またはパスワードが正しくありません。" in r.content.decode()
    assert PENDING not in client.session


def test_unknown_user_gets_the_same_message_as_a_wrong_password(client, db):
    r = password_step(client, "nobody")
    assert "ユーザー名またはパスワードが正しくありません。" in r.content.decode()


def test_empty_form_is_refused(client, db):
    r = client.post("/accounts/login/", {"username": "", "password": ""})
    assert "ユーザー名とパスワードを入力してください。" in r.content.decode()


@pytest.mark.std("1380#11")
def test_password_alone_does_not_log_in_and_no_tenant_page_is_reachable(client, clerk, muni_a, muni_b):
    r = password_step(client, "clerk")
    assert r.status_code == 302 and r["Location"] == "/accounts/second-factor/"
    assert "_auth_user_id" not in client.session  # still anonymous
    # Forged municipality keys in the session do not help without the second factor.
    s = client.session
    s.update({"jichitai_municipality_id": muni_a.pk, "jichitai_acting_municipality_id": muni_a.pk})
    s.save()
    for url in ("/", "/accounts/choose-municipality/", "/accounts/devices/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), url
    # ... nor for the other municipality.
    r = client.post("/accounts/choose-municipality/", {"choice": f"m{muni_b.pk}"})
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_login_without_second_factor_step_is_refused(client, db):
    r = client.get("/accounts/second-factor/", follow=True)
    assert "二要素認証が完了していません。" in r.content.decode()
    r = totp_step(client, "123456")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"


@pytest.mark.std("1380#11")
def test_staff_without_any_second_factor_is_refused(client, make_staff, muni_a):
    make_staff("nodevice", [(muni_a, Role.CLERK)], totp=False)
    r = password_step(client, "nodevice")
    assert "二要素認証の登録がありません。管理者に連絡してください。" in r.content.decode()
    assert PENDING not in client.session
    assert client.get("/").status_code == 302


def test_wrong_totp_is_refused_in_japanese(client, clerk):
    password_step(client, "clerk")
    good = totp_code(clerk.totp_device)
    bad = f"{(int(good) + 1) % 1_000_000:06d}"
    r = totp_step(client, bad)
    assert r.status_code == 401
    assert "確認コードが正しくないか、すでに使用されたコードです。" in r.content.decode()
    assert "_auth_user_id" not in client.session
    clerk.refresh_from_db()
    assert clerk.failed_logins == 1


def test_malformed_totp_is_refused(client, clerk):
    password_step(client, "clerk")
    r = totp_step(client, "12ab")
    assert "確認コードは6桁の数字で入力してください。" in r.content.decode()


def test_totp_tolerates_one_step_of_clock_drift_but_not_two(client, clerk):
    password_step(client, "clerk")
    r = totp_step(client, totp_code(clerk.totp_device, steps=2))
    assert r.status_code == 401
    r = totp_step(client, totp_code(clerk.totp_device, steps=-1))
    assert r.status_code == 302


def test_a_used_totp_code_cannot_be_replayed(client, clerk):
    code = totp_code(clerk.totp_device)
    password_step(client, "clerk")
    assert totp_step(client, code).status_code == 302
    client.logout()
    password_step(client, "clerk")
    r = totp_step(client, code)
    assert r.status_code == 401
    assert "すでに使用されたコード" in r.content.decode()


def test_wrong_passwords_never_lock_the_account(client, clerk, settings):
    settings.JICHITAI_LOCKOUT_THRESHOLD = 2
    settings.JICHITAI_THROTTLE_LIMIT = 10
    for _ in range(4):
        r = password_step(client, "clerk", "nope-nope-nope")
        assert "ユーザー名またはパスワードが正しくありません。" in r.content.decode()
    clerk.refresh_from_db()
    assert not clerk.is_locked() and clerk.failed_logins == 0
    assert full_login(client, clerk).status_code == 302


def test_locked_account_is_refused_even_with_right_password_and_code(client, clerk):
    Staff.objects.filter(pk=clerk.pk).update(locked_until=timezone.now() + timedelta(minutes=30))
    r = password_step(client, "clerk")
    assert r.status_code == 401
    assert LOCKED in r.content.decode()  # told only after the right password
    assert PENDING not in client.session
    r = totp_step(client, totp_code(clerk.totp_device))
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


@pytest.mark.std("1380#12")
def test_wrong_totp_codes_lock_the_account_and_the_right_code_is_then_refused(client, clerk, settings):
    settings.JICHITAI_LOCKOUT_THRESHOLD = 3
    password_step(client, "clerk")
    for _ in range(2):
        assert totp_step(client, "000000").status_code == 401
    r = totp_step(client, "000001")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"
    assert LOCKED in client.get("/accounts/login/").content.decode()
    # Locked while a second-factor step is pending elsewhere: the right code is refused.
    r = totp_step(client, totp_code(clerk.totp_device))
    assert "_auth_user_id" not in client.session
    r = password_step(client, "clerk")
    assert LOCKED in r.content.decode()


def test_only_second_factor_failures_count_towards_the_lock(client, clerk, settings):
    settings.JICHITAI_LOCKOUT_THRESHOLD = 3
    password_step(client, "clerk", "nope-nope-nope")
    password_step(client, "clerk", "nope-nope-nope")
    password_step(client, "clerk")
    totp_step(client, "000000")
    r = totp_step(client, "000000")
    assert r.status_code == 401  # two code failures: not yet
    clerk.refresh_from_db()
    assert clerk.failed_logins == 2 and not clerk.is_locked()
    r = totp_step(client, "000000")
    assert r["Location"] == "/accounts/login/"
    clerk.refresh_from_db()
    assert clerk.is_locked()


def test_lock_expires(client, clerk):
    Staff.objects.filter(pk=clerk.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert full_login(client, clerk).status_code == 302
    assert "_auth_user_id" in client.session


def test_full_success_resets_the_failure_counter_but_password_alone_does_not(client, clerk):
    password_step(client, "clerk")
    totp_step(client, "000000")
    client.get("/accounts/login/")
    password_step(client, "clerk")
    clerk.refresh_from_db()
    assert clerk.failed_logins == 1
    totp_step(client, totp_code(clerk.totp_device))
    clerk.refresh_from_db()
    assert clerk.failed_logins == 0


def test_failures_are_counted_from_the_database_not_a_stale_copy(clerk, settings):
    """Two sessions holding the same stale Staff object: both failures count (F() update)."""
    settings.JICHITAI_LOCKOUT_THRESHOLD = 2
    first, second = Staff.objects.get(pk=clerk.pk), Staff.objects.get(pk=clerk.pk)
    assert auth.register_failure(first, request=None, step="second_factor") is False
    assert auth.register_failure(second, request=None, step="second_factor") is True
    assert Staff.objects.get(pk=clerk.pk).is_locked()


def test_the_lock_is_told_only_to_someone_with_the_right_password(client, clerk):
    Staff.objects.filter(pk=clerk.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    wrong = password_step(client, "clerk", "nope-nope-nope").content.decode()
    assert LOCKED not in wrong and "ユーザー名またはパスワードが正しくありません。" in wrong
    assert LOCKED in password_step(client, "clerk").content.decode()


def test_a_lock_does_not_end_a_session_that_already_proved_both_factors(client, clerk):
    full_login(client, clerk)
    Staff.objects.filter(pk=clerk.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    assert client.get("/").status_code == 200


def test_inactive_staff_get_the_same_refusal_even_with_the_right_password(client, clerk):
    Staff.objects.filter(pk=clerk.pk).update(is_active=False)
    r = password_step(client, "clerk")
    assert r.status_code == 401
    assert "ユーザー名またはパスワードが正しくありません。" in r.content.decode()


def test_pending_second_factor_expires(client, clerk, monkeypatch):
    password_step(client, "clerk")
    s = client.session
    s[PENDING] = {**s[PENDING], "since": s[PENDING]["since"] - 3600}
    s.save()
    r = totp_step(client, totp_code(clerk.totp_device))
    assert r["Location"] == "/accounts/login/"


def test_session_key_changes_at_each_step(client, clerk):
    client.get("/accounts/login/")
    password_step(client, "clerk")
    k1 = client.session.session_key
    totp_step(client, totp_code(clerk.totp_device))
    assert client.session.session_key != k1


def test_logout_ends_the_session(client, clerk):
    full_login(client, clerk)
    r = client.post("/accounts/logout/", follow=True)
    assert "ログアウトしました。" in r.content.decode()
    assert client.get("/").status_code == 302


def test_next_is_honoured_only_for_local_urls(client, clerk):
    client.get("/accounts/login/?next=https://evil.example/")
    r = client.post("/accounts/login/?next=https://evil.example/",
                    {"username": "clerk", "password": PASSWORD})
    r = totp_step(client, totp_code(clerk.totp_device))
    assert r["Location"] == "/"
