"""The password step is throttled per client (address + user name) by django-axes, never by a
hard account lock, and no refusal tells whether a user name exists.

Two clients are two test clients with different REMOTE_ADDR. django-axes is not mocked: its rows
(AccessAttempt) are written and read in the test database.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.utils import timezone

from jichitai.accounts import auth, throttle
from jichitai.accounts.models import Role, Staff
from jichitai.accounts.signals import auth_event
from tests.accounts.support import PASSWORD, full_login, password_step, totp_code, totp_step

pytestmark = pytest.mark.django_db

WRONG = "ユーザー名またはパスワードが正しくありません。"
THROTTLED = "ログインに続けて失敗したため、この端末からのログインを一時的に制限しています。"
BAD = "wrong-password-123"


@pytest.fixture(autouse=True)
def _limit_three(settings):
    settings.JICHITAI_THROTTLE_LIMIT = 3
    settings.JICHITAI_THROTTLE_SECONDS = 600


@pytest.fixture
def clerk(make_staff, muni_a):
    return make_staff("clerk", [(muni_a, Role.CLERK)])


def at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def refusal(response) -> tuple[int, str]:
    """Status and the refusal text of the login page (the only part that may differ)."""
    m = re.search(r'<p class="form-error" role="alert" id="login-error">(.*?)</p>',
                  response.content.decode(), re.S)
    assert m, response.content.decode()
    return response.status_code, m.group(1)


def page_without_username(response, username: str) -> str:
    html = response.content.decode()
    html = re.sub(r"\b[A-Za-z0-9]{64}\b", "<csrf token>", html)  # form field and hx-headers
    return html.replace(f'value="{username}"', 'value=""')


def test_unknown_wrong_and_locked_accounts_get_the_same_message(client, clerk, make_staff, muni_a):
    locked = make_staff("locked", [(muni_a, Role.CLERK)])
    Staff.objects.filter(pk=locked.pk).update(locked_until=timezone.now() + timedelta(minutes=30))
    inactive = make_staff("inactive", [(muni_a, Role.CLERK)])
    Staff.objects.filter(pk=inactive.pk).update(is_active=False)
    answers = {name: password_step(client, name, BAD) for name in ("nobody", "clerk", "locked", "inactive")}
    assert {refusal(r) for r in answers.values()} == {(401, WRONG)}
    pages = {page_without_username(r, name) for name, r in answers.items()}
    assert len(pages) == 1  # not a byte of difference beyond the echoed user name


@pytest.mark.std("1380#12")
def test_throttled_client_is_refused_in_japanese_and_another_client_is_not(clerk):
    attacker, clerks_terminal = at("192.0.2.66"), at("192.0.2.10")
    for _ in range(2):
        assert refusal(password_step(attacker, "clerk", BAD)) == (401, WRONG)
    status, text = refusal(password_step(attacker, "clerk", BAD))  # the third: throttled
    assert status == 429 and text.startswith(THROTTLED) and "10分ほど待ってから" in text
    # even the right password does not get this client through now
    assert refusal(password_step(attacker, "clerk")) == (429, text)
    # the clerk at their own terminal logs in as usual: nothing was locked
    clerk.refresh_from_db()
    assert not clerk.is_locked()
    r = full_login(clerks_terminal, clerk)
    assert r.status_code == 302 and "_auth_user_id" in clerks_terminal.session


def test_the_throttle_message_does_not_tell_whether_the_user_exists(clerk):
    client = at("192.0.2.66")
    answers = {}
    for name in ("clerk", "nobody"):
        for _ in range(3):
            answers[name] = password_step(client, name, BAD)
    assert refusal(answers["clerk"]) == refusal(answers["nobody"])
    assert refusal(answers["clerk"])[0] == 429
    assert page_without_username(answers["clerk"], "clerk") == page_without_username(
        answers["nobody"], "nobody")


def test_the_throttle_counts_per_user_name(clerk, make_staff, muni_a):
    other = make_staff("other", [(muni_a, Role.CLERK)])
    client = at("192.0.2.66")
    for _ in range(3):
        password_step(client, "clerk", BAD)
    assert refusal(password_step(client, "clerk"))[0] == 429
    assert full_login(client, other).status_code == 302  # same terminal, another staff member


def test_the_throttle_ends_after_the_cool_off(clerk):
    client = at("192.0.2.66")
    for _ in range(3):
        password_step(client, "clerk", BAD)
    assert refusal(password_step(client, "clerk"))[0] == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=601))
    r = password_step(client, "clerk")
    assert r.status_code == 302 and r["Location"] == "/accounts/second-factor/"


def test_retrying_while_throttled_does_not_prolong_the_wait(clerk):
    client = at("192.0.2.66")
    for _ in range(3):
        password_step(client, "clerk", BAD)
    before = AccessAttempt.objects.get().attempt_time
    for _ in range(3):
        assert refusal(password_step(client, "clerk", BAD))[0] == 429
    attempt = AccessAttempt.objects.get()
    assert attempt.attempt_time == before and attempt.failures_since_start == 3


def test_a_completed_login_forgets_the_clients_failures(clerk):
    client = at("192.0.2.66")
    for _ in range(2):
        password_step(client, "clerk", BAD)
    password_step(client, "clerk")
    assert AccessAttempt.objects.filter(username="clerk").exists()
    totp_step(client, totp_code(clerk.totp_device))
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    client.post("/accounts/logout/")
    for _ in range(2):
        assert refusal(password_step(client, "clerk", BAD))[0] == 401


def test_the_password_alone_does_not_forget_the_failures(clerk):
    client = at("192.0.2.66")
    for _ in range(2):
        password_step(client, "clerk", BAD)
    assert password_step(client, "clerk").status_code == 302  # right password, second factor pending
    client.get("/accounts/login/")
    assert refusal(password_step(client, "clerk", BAD))[0] == 429


def test_administrative_unlock_clears_every_clients_throttle(clerk):
    client = at("192.0.2.66")
    for _ in range(3):
        password_step(client, "clerk", BAD)
    auth.unlock(clerk)
    assert password_step(client, "clerk").status_code == 302


def test_a_client_header_is_not_trusted_without_the_proxy_setting(clerk):
    client = at("192.0.2.66")
    for n in range(3):
        client.post("/accounts/login/", {"username": "clerk", "password": BAD},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    r = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD},
                    HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert r.status_code == 429  # a forged header does not make a new client


def test_behind_the_configured_proxy_clients_are_told_apart_by_its_header(clerk, settings):
    settings.JICHITAI_BEHIND_PROXY = True
    settings.JICHITAI_TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = Client(REMOTE_ADDR="127.0.0.1")  # every request arrives from the proxy
    for _ in range(3):
        proxy.post("/accounts/login/", {"username": "clerk", "password": BAD},
                   HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.66"
    r = proxy.post("/accounts/login/", {"username": "clerk", "password": PASSWORD},
                   HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert r.status_code == 429
    r = proxy.post("/accounts/login/", {"username": "clerk", "password": PASSWORD},
                   HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert r.status_code == 302 and r["Location"] == "/accounts/second-factor/"


def test_throttling_is_signalled_for_the_audit_log(clerk):
    seen: list[dict] = []
    auth_event.connect(lambda **kw: seen.append(kw), weak=False, dispatch_uid="throttle-test")
    try:
        client = at("192.0.2.66")
        for _ in range(4):
            password_step(client, "clerk", BAD)
    finally:
        auth_event.disconnect(dispatch_uid="throttle-test")
    assert [e["event"] for e in seen] == [
        "login_password_failed", "login_password_failed", "login_password_failed", "locked",
        "login_refused_locked",
    ]
    locked = seen[3]
    assert locked["staff"] == clerk and locked["detail"]["lock"] == "client"
    assert locked["detail"]["step"] == "password" and locked["detail"]["failures"] == 3
    assert seen[4]["detail"] == {"step": "password", "lock": "client"}


def test_the_lockout_response_is_the_japanese_login_page(db):
    request = RequestFactory().post("/anything/")
    response = throttle.lockout_response(request, None, {"username": "x"})
    assert response.status_code == 429
    html = response.content.decode()
    assert THROTTLED in html and 'lang="ja"' in html
