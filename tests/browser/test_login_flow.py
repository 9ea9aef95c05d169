"""The README's promise, in a real browser: start the demo, log in with the printed credentials
and second factor, pick a municipality, reach the home screen. Debian's chromium via Playwright.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOGIN_ROW = re.compile(r"^\s+(\S+)\s+(\S+)\s+([A-Z2-7]{32})\s+(.+)$")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _jichitai() -> str:
    exe = ROOT / ".venv" / "bin" / "jichitai"
    return str(exe) if exe.exists() else str(Path(sys.executable).with_name("jichitai"))


def _totp(secret_b32: str, at: float | None = None) -> str:
    """RFC 6238, as the staff member's authenticator app computes it from the printed secret."""
    import base64
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(secret_b32)
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


@pytest.fixture
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    return CHROMIUM


@pytest.fixture
def demo(tmp_path: Path):
    """The demo server as a subprocess, with its printed output."""
    port = _free_port()
    log = tmp_path / "demo.log"
    env = {k: v for k, v in os.environ.items() if k not in {"JICHITAI_DB", "JICHITAI_DATA_DIR"}}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [_jichitai(), "demo", "--data-dir", str(tmp_path / "data"), "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120  # the default demo loads its residents first
        while True:
            try:
                with urllib.request.urlopen(url + "accounts/login/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("demo did not start:\n" + log.read_text(encoding="utf-8"))
            time.sleep(0.2)
        yield url, log.read_text(encoding="utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
