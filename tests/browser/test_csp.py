"""The Content-Security-Policy in a real browser: chromium reports every script or style it
refuses, and nothing is refused across the login, the register's htmx row, the security-key page
and the API docs. The styles that moved out of the templates still apply.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .demo_server import CHROMIUM_ARGS, LOGIN_ROW, chromium_or_fail, running_demo
from .demo_server import totp as _totp

pytestmark = pytest.mark.browser

REPORT = """document.addEventListener("securitypolicyviolation", function (e) {
  window.cspViolation(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});"""


@pytest.fixture
def chromium_path() -> str:
    return chromium_or_fail()


@pytest.fixture
def demo(tmp_path: Path):
    with running_demo(tmp_path, "--sizes", "20,20,20") as running:
        yield running


def _login(page, url: str, login: re.Match) -> None:
    from playwright.sync_api import expect

    page.goto(url + "accounts/login/")
    page.get_by_label("ユーザー名").fill(login.group(1))
    page.get_by_label("パスワード").fill(login.group(2))
    page.get_by_role("button", name="次へ").click()
    expect(page.get_by_role("heading", name="二要素認証")).to_be_visible()
    if time.time() % 30 > 27:  # don't type a code that expires mid-request
        time.sleep(3.5)
    page.get_by_label("確認コード（6桁）").fill(_totp(login.group(3)))
    page.get_by_role("button", name="認証する").click()
    expect(page.get_by_role("heading", name="ホーム", exact=True)).to_be_visible()


def test_nothing_is_refused_by_the_csp_and_htmx_still_works(demo, chromium_path) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, printed = demo
    logins = {m.group(1): m for line in printed.splitlines() if (m := LOGIN_ROW.match(line))}
    refused: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="ja-JP")
            context.expose_function("cspViolation", lambda text: refused.append(text))
            context.add_init_script(REPORT)
            page = context.new_page()
            page.set_default_timeout(10_000)

            page.goto(url + "accounts/login/")  # the detector detects: an inline style is refused
            page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>p{}</style>')")
            for _ in range(40):
                if refused:
                    break
                page.wait_for_timeout(50)
            assert len(refused) == 1 and refused[0].startswith("style-src"), refused
            refused.clear()

            _login(page, url, logins["minato.clerk"])
            page.goto(url + "registry/events/new/move_in/")
            rows = page.locator("#person-rows fieldset.person-row")
            before = rows.count()
            page.get_by_role("button", name="異動者の行を追加").click()  # htmx: hx-get, beforeend
            expect(rows).to_have_count(before + 1)
            assert page.url.endswith("/registry/events/new/move_in/")  # no full-page submit
            # registry.css (formerly an inline <style>) applies
            assert page.eval_on_selector(".registry-nav ul", "e => getComputedStyle(e).display") == "flex"
            assert page.eval_on_selector("main", "e => getComputedStyle(e).maxWidth") == "1152px"

            page.goto(url + "accounts/devices/")
            page.get_by_role("link", name="セキュリティキーを追加する").click()
            expect(page.locator("form[data-webauthn]")).to_be_visible()

            page.goto(url + "api/v1/docs")
            expect(page.locator(".swagger-ui .info .title")).to_be_visible()
            page.wait_for_timeout(300)
            assert refused == []
        finally:
            browser.close()
