"""Staff web shell: Japanese, accessible, second factor before any tenant page; error pages.

Tenancy rule: staff of municipality A see A in the shell and never B's name or roles.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory

from jichitai.accounts.models import Role
from jichitai.web import views
from tests.accounts.support import full_login, password_step

pytestmark = pytest.mark.django_db


class FormAudit(HTMLParser):
    """Collects inputs and labels to check that every visible field has a <label for>."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []
        self.labels: set[str] = set()
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit", "button"}:
            self.fields.append(a.get("id") or f"<{tag} name={a.get('name')} without id>")


def audit(html: str) -> FormAudit:
    p = FormAudit()
    p.feed(html)
    return p


@pytest.fixture
def kenmu(make_staff, muni_a, muni_b):
    return make_staff("kenmu", [(muni_a, Role.CLERK), (muni_b, Role.AUDITOR)], display_name="兼務 花子")


@pytest.mark.parametrize("url", ["/accounts/login/"])
def test_login_page_is_japanese_and_every_field_is_labelled(client, url):
    html = client.get(url).content.decode()
    a = audit(html)
    assert a.html_lang == "ja"
    assert a.fields and set(a.fields) <= a.labels
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "ログイン" in html


def test_every_step_page_has_labelled_fields(client, kenmu, muni_a):
    password_step(client, "kenmu")
    pages = [client.get("/accounts/second-factor/").content.decode()]
    full_login_client = client
    from tests.accounts.support import totp_code, totp_step

    totp_step(full_login_client, totp_code(kenmu.totp_device))
    pages.append(client.get("/accounts/choose-municipality/").content.decode())
    client.post("/accounts/choose-municipality/", {"choice": f"m{muni_a.pk}"})
    pages += [
        client.get(u).content.decode()
        for u in ("/", "/accounts/devices/", "/accounts/devices/totp/add/",
                  "/accounts/devices/security-key/add/", "/accounts/logout/")
    ]
    for html in pages:
        a = audit(html)
        assert a.html_lang == "ja"
        assert set(a.fields) <= a.labels, a.fields
        assert 'class="skip-link" href="#main"' in html


def test_home_shows_municipality_staff_and_role_in_the_header(client, kenmu, muni_a, muni_b):
    full_login(client, kenmu)
    client.post("/accounts/choose-municipality/", {"choice": f"m{muni_a.pk}"})
    html = client.get("/").content.decode()
    assert 'class="current-municipality">みらい県山あい村<' in html
    assert "兼務 花子" in html
    assert 'class="staff-roles">窓口担当<' in html
    assert re.search(r'<nav class="site-nav" aria-label="メインメニュー">', html)
    assert ">ホーム<" in html
    assert 'href="/audit/"' not in html  # not an auditor in 山あい村
    assert str(muni_a.code) in html and "ヤマアイムラ" in html
    # municipality B is not the subject of this screen
    assert "ミナトマチ" not in html and muni_b.code not in html


def test_auditor_gets_the_audit_log_link(client, kenmu, muni_b):
    full_login(client, kenmu)
    client.post("/accounts/choose-municipality/", {"choice": f"m{muni_b.pk}"})
    html = client.get("/").content.decode()
    assert 'href="/audit/">監査ログ<' in html
    assert 'class="current-municipality">みらい県港町<' in html


def test_no_shell_navigation_before_the_second_factor(client, kenmu):
    password_step(client, "kenmu")
    html = client.get("/accounts/second-factor/").content.decode()
    assert "メインメニュー" not in html and "兼務 花子" not in html.split("<main")[0]


def test_404_page_is_japanese(client, db):
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "ページが見つかりません" in html and 'lang="ja"' in html


def test_403_page_is_japanese(client, kenmu, muni_b):
    r = views.error_403(RequestFactory().get("/"))
    assert r.status_code == 403
    assert "権限がありません" in r.content.decode()


def test_csrf_failure_page_is_japanese(db):
    from django.test import Client

    r = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert r.status_code == 403
    html = r.content.decode()
    assert "画面の有効期限が切れています" in html and "再読み込み" in html and 'lang="ja"' in html
    assert "CSRF verification failed" not in html


def test_400_and_500_pages_are_japanese(db):
    r = views.error_400(RequestFactory().get("/"))
    assert r.status_code == 400 and "不正な要求です" in r.content.decode()
    r = views.error_500(RequestFactory().get("/"))
    assert r.status_code == 500
    html = r.content.decode()
    assert "システムエラーが発生しました" in html and 'lang="ja"' in html


def test_static_htmx_is_vendored_with_its_licence():
    from pathlib import Path

    import jichitai.web as web

    js = Path(web.__file__).parent / "static" / "jichitai" / "vendor" / "htmx.min.js"
    head = js.read_text(encoding="utf-8")[:200]
    assert "htmx" in head and "BSD" in head
