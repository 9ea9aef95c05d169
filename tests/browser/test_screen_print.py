"""画面の印刷 ([1420]#5, #7) in chromium: printed without the button, a screen shows only the notice;
through 「画面の印刷」 the access log is written first and the screen prints whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from .demo_server import CHROMIUM_ARGS, LOGIN_ROW, chromium_or_fail, running_demo
from .test_csp import _login

pytestmark = pytest.mark.browser

# what a print would show: window.print is replaced to look at the page under print media
SPY = """() => { window.printed = []; window.print = () => { window.printed.push([
  getComputedStyle(document.querySelector('main')).display,
  getComputedStyle(document.querySelector('.print-refusal')).display]); }; }"""
MAIN = "getComputedStyle(document.querySelector('main')).display"
NOTICE = "getComputedStyle(document.querySelector('.print-refusal')).display"


@pytest.fixture
def chromium_path() -> str:
    return chromium_or_fail()


@pytest.fixture
def demo(tmp_path: Path):
    with running_demo(tmp_path, "--sizes", "20,20,20") as running:
        yield running


@pytest.mark.std("1420#7")
def test_a_screen_prints_only_through_the_logged_button(demo, chromium_path) -> None:
    from playwright.sync_api import sync_playwright

    url, printed = demo
    logins = {m.group(1): m for line in printed.splitlines() if (m := LOGIN_ROW.match(line))}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="ja-JP").new_page()
            page.set_default_timeout(10_000)
            _login(page, url, logins["minato.clerk"])
            page.goto(url + "registry/")
            assert page.evaluate(MAIN) != "none" and page.evaluate(NOTICE) == "none"  # on screen
            page.emulate_media(media="print")  # the browser's own print (Ctrl+P, OS menu)
            assert page.evaluate(MAIN) == "none" and page.evaluate(NOTICE) == "block"
            assert "アクセスログに記録されます" in page.locator(".print-refusal").inner_text()
            page.evaluate(SPY)
            with page.expect_response(lambda r: r.url.endswith("/screen-print/")) as logged:
                # the button is on screen; the print media hides it, so the click is dispatched
                page.locator("button.screen-print").dispatch_event("click")
            assert logged.value.status == 204
            page.wait_for_function("window.printed.length === 1")
            # at print time the screen is whole and the notice hidden; afterwards hidden again
            assert page.evaluate("window.printed") == [["block", "none"]]
            assert page.evaluate(MAIN) == "none"
            assert not page.evaluate(
                "document.documentElement.classList.contains('screen-print-logged')"
            )
        finally:
            browser.close()
