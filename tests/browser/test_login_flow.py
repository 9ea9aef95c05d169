"""The README's promise, in a real browser: start the demo, log in with the printed credentials
and second factor, pick a municipality, reach the home screen. Debian's chromium via Playwright.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .demo_server import CHROMIUM_ARGS, LOGIN_ROW, chromium_or_fail, running_demo
from .demo_server import totp as _totp

pytestmark = pytest.mark.browser



@pytest.fixture
def chromium_path() -> str:
    return chromium_or_fail()


@pytest.fixture
def demo(tmp_path: Path):
    """The demo server with its default sizes (what `make demo` starts), and its printed output."""
    with running_demo(tmp_path) as running:
        yield running


def test_new_user_logs_in_with_printed_credentials_and_reaches_home(demo, chromium_path):
    from playwright.sync_api import expect, sync_playwright

    url, printed = demo
    assert url in printed
    logins = {m.group(1): m for line in printed.splitlines() if (m := LOGIN_ROW.match(line))}
    kenmu = logins["kenmu"]  # roles in two municipalities: must choose
    username, password, secret = kenmu.group(1), kenmu.group(2), kenmu.group(3)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="ja-JP")
            page.set_default_timeout(10_000)
            page.goto(url)
            expect(page).to_have_url(re.compile(r"/accounts/login/"))
            assert page.locator("html").get_attribute("lang") == "ja"
            page.get_by_label("ユーザー名").fill(username)
            page.get_by_label("パスワード").fill(password)
            page.get_by_role("button", name="次へ").click()

            expect(page.get_by_role("heading", name="二要素認証")).to_be_visible()
            if time.time() % 30 > 27:  # don't type a code that expires mid-request
                time.sleep(3.5)
            page.get_by_label("確認コード（6桁）").fill(_totp(secret))
            page.get_by_role("button", name="認証する").click()

            expect(page.get_by_role("heading", name="業務を行う団体の選択")).to_be_visible()
            page.get_by_label(re.compile("港町")).check()
            page.get_by_role("button", name="この団体で業務を開始する").click()

            expect(page.get_by_role("heading", name="ホーム", exact=True)).to_be_visible()
            expect(page.locator("#home-municipality")).to_have_text("みらい県港町")
            expect(page.locator(".current-municipality")).to_have_text("みらい県港町")
            expect(page.locator(".staff-name")).to_have_text("兼務 さくら")

            # keyboard only: the skip link is the first tab stop and leads to main
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
        finally:
            browser.close()


def test_security_key_enrolled_and_used_in_the_browser(demo, chromium_path):
    """webauthn.js against a CDP virtual authenticator (WebAuthn needs the RP id "localhost")."""
    from playwright.sync_api import expect, sync_playwright

    url, printed = demo
    url = url.replace("127.0.0.1", "localhost")
    logins = {m.group(1): m for line in printed.splitlines() if (m := LOGIN_ROW.match(line))}
    clerk = logins["yamaai.clerk"]

    def password_step(page):
        page.goto(url + "accounts/login/")
        page.get_by_label("ユーザー名").fill(clerk.group(1))
        page.get_by_label("パスワード").fill(clerk.group(2))
        page.get_by_role("button", name="次へ").click()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="ja-JP")
            page = context.new_page()
            page.set_default_timeout(10_000)
            cdp = context.new_cdp_session(page)
            cdp.send("WebAuthn.enable")
            cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
                "protocol": "ctap2", "transport": "usb", "hasResidentKey": False,
                "hasUserVerification": False, "isUserVerified": False,
                "automaticPresenceSimulation": True,
            }})
            password_step(page)
            if time.time() % 30 > 27:
                time.sleep(3.5)
            page.get_by_label("確認コード（6桁）").fill(_totp(clerk.group(3)))
            page.get_by_role("button", name="認証する").click()
            expect(page.get_by_role("heading", name="ホーム", exact=True)).to_be_visible()

            page.get_by_role("link", name="二要素認証の管理").click()
            page.get_by_role("link", name="セキュリティキーを追加する").click()
            page.get_by_label("名前").fill("仮想キー")
            page.get_by_role("button", name="セキュリティキーを登録する").click()
            expect(page.get_by_text("セキュリティキーを登録しました。")).to_be_visible()

            page.get_by_role("button", name="ログアウト").click()
            expect(page.get_by_text("ログアウトしました。")).to_be_visible()
            password_step(page)
            page.get_by_role("button", name="セキュリティキーで認証する").click()
            expect(page.get_by_role("heading", name="ホーム", exact=True)).to_be_visible()
            expect(page.locator("#home-municipality")).to_have_text("みらい県山あい村")
        finally:
            browser.close()
