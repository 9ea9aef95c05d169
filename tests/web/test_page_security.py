"""What every page carries, in-process: the Content-Security-Policy (and templates that need no
'unsafe-inline' under it), ``Cache-Control: no-store`` for staff, and the client's address taken
from X-Forwarded-For only when a trusted proxy sent it.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.test import Client, RequestFactory

from jichitai.web.security import ProxiedClientAddressMiddleware, client_address
from tests.accounts.support import full_login

SRC = Path(__file__).resolve().parents[2] / "src" / "jichitai"

# What a strict CSP (script-src/style-src 'self') blocks: inline <style>, style="", inline
# <script> (one without src=; json_script's data blocks are not executed and are allowed),
# on*="" event handlers, javascript: URLs, htmx's hx-on (evaluated code).
INLINE = {
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "on*= handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "hx-on": re.compile(r"\s(data-)?hx-on", re.I),
}


def inline_code(text: str) -> list[str]:
    return [name for name, pattern in INLINE.items() if pattern.search(text)]


def test_the_inline_check_finds_each_kind_and_passes_clean_markup() -> None:
    bad = {
        "<style>p{}</style>": "<style> element",
        '<p style="color:red">': "style= attribute",
        "<script>alert(1)</script>": "inline <script>",
        '<button onclick="x()">': "on*= handler",
        '<a href="javascript:void(0)">': "javascript: URL",
        '<div hx-on:click="x()">': "hx-on",
    }
    for markup, kind in bad.items():
        assert inline_code(markup) == [kind], markup
    clean = ('<script src="/static/a.js" defer></script><link rel="stylesheet" href="/s.css">'
             '<script id="o" type="application/json">{"a": 1}</script><p class="grid-full">')
    assert inline_code(clean) == []


def test_no_template_contains_inline_script_or_style() -> None:
    templates = sorted(SRC.glob("**/templates/**/*.html"))
    assert len(templates) > 20
    found = {str(p.relative_to(SRC)): kinds for p in templates if (kinds := inline_code(p.read_text()))}
    assert found == {}


@pytest.mark.django_db
def test_rendered_login_page_has_the_csp_and_no_inline_code(client: Client) -> None:
    r = client.get("/accounts/login/")
    policy = r["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert inline_code(r.content.decode()) == []
    # htmx is told not to inject its indicator <style>, which the CSP would refuse
    assert '"includeIndicatorStyles": false' in r.content.decode()


@pytest.mark.django_db
def test_staff_pages_are_no_store_from_the_password_step_on(client: Client, make_staff, muni_a) -> None:
    staff = make_staff("serve.clerk", [(muni_a, "clerk")])
    assert "no-store" in client.get("/accounts/login/")["Cache-Control"]
    r = full_login(client, staff, follow=True)
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    for path in ("/", "/registry/?q=%E5%B1%B1%E7%94%B0", "/accounts/devices/"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "no-store" in r["Cache-Control"] and "private" in r["Cache-Control"], path
        assert inline_code(r.content.decode()) == [], path


def _nets(*entries: str) -> list:
    return [ipaddress.ip_network(e) for e in entries]


@pytest.mark.parametrize(("peer", "header", "expected"), [
    ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx on the same machine
    ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left part is the client's claim
    ("127.0.0.1", "203.0.113.7, 10.1.2.3", "203.0.113.7"),  # passed a second, trusted proxy
    ("198.51.100.9", "203.0.113.7", None),  # not from a proxy: the header is not believed
    ("127.0.0.1", "", None),
    ("127.0.0.1", "unknown", None),
    ("::1", "2001:db8::5", "2001:db8::5"),
])
def test_client_address_behind_trusted_proxies(peer: str, header: str, expected: str | None) -> None:
    assert client_address(peer, header, _nets("127.0.0.1/32", "::1/128", "10.0.0.0/8")) == expected


def test_client_address_middleware_is_off_unless_behind_a_proxy(settings) -> None:
    settings.JICHITAI_BEHIND_PROXY = False
    with pytest.raises(MiddlewareNotUsed):
        ProxiedClientAddressMiddleware(lambda r: HttpResponse())
    settings.JICHITAI_BEHIND_PROXY = True
    settings.JICHITAI_TRUSTED_PROXIES = ["127.0.0.1"]
    seen = []
    mw = ProxiedClientAddressMiddleware(lambda r: seen.append(r.META["REMOTE_ADDR"]) or HttpResponse())
    mw(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"))
    mw(RequestFactory().get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.7"))
    assert seen == ["203.0.113.7", "198.51.100.9"]
