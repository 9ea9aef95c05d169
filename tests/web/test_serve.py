"""`jichitai serve` as an administrator runs it: the real gunicorn with JICHITAI_ENV=production on a
temporary SQLite database, spoken to the way nginx speaks to it (deploy/nginx/jichitai.conf).

What a municipality relies on: HTTPS-only cookies and HSTS, a Content-Security-Policy without
inline script or style, no page of a staff member kept in a browser cache, static files from
WhiteNoise, health probes that answer without login, and a server that refuses to start without
its secret key (while the demo and this test suite need none).
"""

from __future__ import annotations

import gzip
import json
import re
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from jichitai.cli.serve import default_workers

from .serving import (
    CLIENT_ADDRESS,
    PASSWORD,
    ProxiedClient,
    Reply,
    Site,
    free_port,
    hidden_inputs,
    jichitai_exe,
    production_env,
    raw_get,
    serving,
    totp_now,
)


@dataclass
class LoggedIn:
    client: ProxiedClient
    login: Reply  # the response that completed the second factor
    home: Reply


@pytest.fixture(scope="module")
def logged_in(site: Site) -> LoggedIn:
    """The real login flow over HTTP: password, then the TOTP code, as a browser behind nginx."""
    c = ProxiedClient(site.port)
    page = c.get("/accounts/login/")
    r = c.post("/accounts/login/", {**hidden_inputs(page.text), "username": "serve.clerk",
                                     "password": PASSWORD})
    assert (r.status, r.header("Location")) == (302, "/accounts/second-factor/"), r.text
    page = c.get("/accounts/second-factor/")
    form = {**hidden_inputs(page.text), "factor": "totp", "token": totp_now()}
    login = c.post("/accounts/second-factor/", form)
    assert login.status == 302, login.text
    home = c.get(login.header("Location"))
    assert home.status == 200 and "ホーム" in home.text, home.text
    return LoggedIn(c, login, home)


def csp(reply: Reply) -> dict[str, list[str]]:
    header = reply.header("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def cookie(reply: Reply, name: str) -> str:
    found = [c for c in reply.set_cookies if c.startswith(name + "=")]
    assert found, f"no Set-Cookie {name} in {reply.set_cookies}"
    return found[-1]


def test_login_page_is_served_with_a_csp_that_allows_no_inline_script_or_style(site: Site) -> None:
    r = ProxiedClient(site.port).get("/accounts/login/")
    assert r.status == 200 and "ログイン" in r.text
    policy = csp(r)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "unsafe-inline" not in r.header("Content-Security-Policy")
    assert "unsafe-eval" not in r.header("Content-Security-Policy")
    assert r.header("Strict-Transport-Security").startswith("max-age=31536000")
    assert r.header("X-Frame-Options") == "DENY"
    assert "no-store" in r.header("Cache-Control")


def test_static_files_come_from_whitenoise_hashed_compressed_and_cacheable(site: Site) -> None:
    page = ProxiedClient(site.port).get("/accounts/login/")
    href = re.search(r'href="(/static/jichitai/site\.[0-9a-f]{12}\.css)"', page.text)
    assert href, "the page does not name the hashed stylesheet"
    r = ProxiedClient(site.port).get(href.group(1), headers={"Accept-Encoding": "gzip"})
    assert r.status == 200 and r.header("Content-Type").startswith("text/css")
    assert r.header("Content-Encoding") == "gzip"
    assert ":root" in gzip.decompress(r.body).decode()
    assert "immutable" in r.header("Cache-Control") and "no-store" not in r.header("Cache-Control")
    assert "Content-Security-Policy" not in r.headers  # answered before Django's middleware


def test_health_probes_answer_locally_without_https_host_name_or_session(site: Site) -> None:
    for path, body in [("/healthz", {"status": "ok"}),
                       ("/readyz", {"status": "ok", "database": "ok", "pending_migrations": 0})]:
        r = raw_get(site.port, path, {"Host": "monitoring.invalid"})  # plain HTTP, unknown host
        assert r.status == 200, (path, r.text)
        assert json.loads(r.body) == body
        assert "no-store" in r.header("Cache-Control") and not r.set_cookies


def test_plain_http_is_redirected_to_https(site: Site) -> None:
    r = raw_get(site.port, "/accounts/login/", {"Host": "127.0.0.1"})
    assert r.status == 301 and r.header("Location") == "https://127.0.0.1/accounts/login/"


def test_login_behind_the_proxy_sets_secure_httponly_samesite_cookies(logged_in: LoggedIn) -> None:
    session = cookie(logged_in.login, "__Host-jichitai_session")
    csrf = cookie(logged_in.login, "__Host-jichitai_csrf")
    for raw in (session, csrf):
        attrs = {a.strip().split("=")[0].lower(): a for a in raw.split(";")[1:]}
        assert "secure" in attrs and "httponly" in attrs, raw
        assert attrs["samesite"].strip().lower() == "samesite=lax" and attrs["path"].strip() == "Path=/"
        assert "domain" not in attrs, raw  # "__Host-": this host only


def test_authenticated_pages_are_never_stored_and_keep_the_csp(logged_in: LoggedIn) -> None:
    home = logged_in.home
    assert "no-store" in home.header("Cache-Control") and "private" in home.header("Cache-Control")
    assert csp(home)["script-src"] == ["'self'"]
    search = logged_in.client.get("/registry/?q=%E5%B1%B1%E7%94%B0")  # 山田
    assert search.status == 200 and "no-store" in search.header("Cache-Control")


def test_login_is_audited_with_the_address_the_proxy_saw(site: Site, logged_in: LoggedIn) -> None:
    db = site.cwd / "data" / "jichitai.sqlite3"
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        addrs = {a for (a,) in conn.execute(
            "SELECT remote_addr FROM audit_systemauditentry WHERE category = 'auth'"
            " AND username = 'serve.clerk'")}
    assert addrs == {CLIENT_ADDRESS}


def test_access_log_names_paths_but_never_a_query_string(site: Site, logged_in: LoggedIn) -> None:
    logged_in.client.get("/registry/?q=%E5%B1%B1%E7%94%B0%E5%A4%AA%E9%83%8E")
    time.sleep(0.2)
    log = site.server.log_text()
    assert '"GET /registry/" 200' in log
    assert "q=" not in log and "%E5%B1%B1" not in log and "山田" not in log


def test_workers_as_given_on_the_command_line(site: Site) -> None:
    assert site.server.log_text().count("Booting worker with pid") >= 2
    assert "2 workers" in site.server.log_text()
    assert [default_workers(n) for n in (1, 2, 8)] == [3, 5, 17]


def test_a_restart_does_not_collect_unchanged_static_files_again(site: Site) -> None:
    assert "collecting static files" in site.server.log_text()
    with serving(site.cwd, site.env, "--workers", "1") as again:
        assert "collecting static files" not in again.log_text()
        page = ProxiedClient(again.port).get("/accounts/login/")
        assert page.status == 200 and "/static/jichitai/site." in page.text


def test_forwarded_headers_count_only_when_behind_the_proxy_is_configured(site: Site) -> None:
    env = {k: v for k, v in site.env.items() if k != "JICHITAI_BEHIND_PROXY"}
    with serving(site.cwd, env, "--workers", "1") as direct:
        r = ProxiedClient(direct.port).get("/accounts/login/")  # X-Forwarded-Proto: https
        assert r.status == 301 and r.header("Location").startswith("https://")


def _run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([jichitai_exe(), *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize("jichitai_env", ["", "development", "production"])
def test_serve_refuses_to_start_without_a_secret_key(tmp_path: Path, jichitai_env: str) -> None:
    env = production_env(tmp_path / "data", JICHITAI_ENV=jichitai_env)
    del env["JICHITAI_SECRET_KEY"]
    port = free_port()
    done = _run(env, tmp_path, "serve", "--bind", f"127.0.0.1:{port}")
    assert done.returncode == 2
    assert "JICHITAI_SECRET_KEY が設定されていません" in done.stderr
    assert "JICHITAI_SECRET_KEY is not set" in done.stderr
    assert "Traceback" not in done.stderr and "Starting gunicorn" not in done.stdout + done.stderr


@pytest.mark.parametrize("key", ["", "too-short-for-production"])
def test_production_settings_refuse_without_a_proper_secret_key(tmp_path: Path, key: str) -> None:
    env = production_env(tmp_path / "data", JICHITAI_SECRET_KEY=key)
    done = _run(env, tmp_path, "manage", "check")
    assert done.returncode == 2, done.stderr
    assert "JICHITAI_SECRET_KEY が設定されていないか短すぎます" in done.stderr
    assert "production requires it" in done.stderr and "Traceback" not in done.stderr


def test_production_settings_refuse_an_unknown_env_and_a_missing_host_list(tmp_path: Path) -> None:
    done = _run(production_env(tmp_path / "d", JICHITAI_ENV="prod"), tmp_path, "serve", "--check")
    assert done.returncode == 2 and "JICHITAI_ENV は production か development" in done.stderr
    assert "must be production or development" in done.stderr
    done = _run(production_env(tmp_path / "d", JICHITAI_ALLOWED_HOSTS=""), tmp_path, "serve", "--check")
    assert done.returncode == 2 and "JICHITAI_ALLOWED_HOSTS" in done.stderr


def test_production_settings_pass_djangos_deployment_checks(tmp_path: Path) -> None:
    done = _run(production_env(tmp_path / "data"), tmp_path, "serve", "--check", "--workers", "3")
    assert done.returncode == 0, done.stderr
    assert "JICHITAI_ENV=production" in done.stdout and "workers=3" in done.stdout


def test_demo_and_development_settings_need_no_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path / "data", JICHITAI_ENV="")
    del env["JICHITAI_SECRET_KEY"], env["JICHITAI_ALLOWED_HOSTS"]
    done = _run(env, tmp_path, "manage", "check")
    assert done.returncode == 0, done.stderr
