"""Test plumbing for `jichitai serve`: the real gunicorn as a subprocess, and an HTTP client that
talks to it the way nginx does (plain HTTP on 127.0.0.1 with X-Forwarded-Proto/For).

No mock anywhere: the server is the command an administrator's systemd unit runs, on a
temporary SQLite database migrated and seeded by a subprocess through the real settings.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.browser.demo_server import free_port, jichitai_exe

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ADDRESS = "203.0.113.7"  # TEST-NET-3: only ever a header value here
PASSWORD = "serve-test-password-2025"
TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key, hex

SEED = f"""
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from jichitai.accounts.factors import REGISTRY
from jichitai.accounts.models import RoleGrant, Staff
from jichitai.tenancy.models import Consortium, Municipality
c = Consortium.objects.create(code="serve-test", name="配信試験協議会")
m = Municipality.objects.create(consortium=c, code="993816", name="山あい村", kana="ヤマアイムラ",
                                prefecture="みらい県", population_class="village")
s = Staff.objects.create_user(username="serve.clerk", password="{PASSWORD}", consortium=c,
                              display_name="配信 試験")
RoleGrant.objects.create(staff=s, municipality=m, role="clerk")
REGISTRY["totp"].enroll_with_key(s, "{TOTP_KEY}")
n = Staff.objects.create_user(username="serve.nginx", password="{PASSWORD}", consortium=c,
                              display_name="配信 試験二")
RoleGrant.objects.create(staff=n, municipality=m, role="clerk")
REGISTRY["totp"].enroll_with_key(n, "{TOTP_KEY}")
"""


def production_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment file's variables (deploy/jichitai.env) for a server behind nginx."""
    data_dir.mkdir(parents=True, exist_ok=True)  # systemd's StateDirectory= in deployment
    drop = {"JICHITAI_DB", "JICHITAI_DATA_DIR", "JICHITAI_SECRET_KEY", "JICHITAI_ENV",
            "JICHITAI_ALLOWED_HOSTS", "JICHITAI_STATIC_ROOT", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        JICHITAI_ENV="production", JICHITAI_DATA_DIR=str(data_dir),
        JICHITAI_SECRET_KEY=secrets.token_urlsafe(50), JICHITAI_ALLOWED_HOSTS="127.0.0.1",
        JICHITAI_BEHIND_PROXY="1",
    )
    env.update(extra)
    return env


def seed(env: dict[str, str], cwd: Path) -> None:
    subprocess.run([sys.executable, "-c", SEED], env=env, cwd=cwd, check=True, timeout=180)


@dataclass
class Server:
    port: int
    log: Path
    proc: subprocess.Popen[bytes]
    started_in: float

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def serving(cwd: Path, env: dict[str, str], *args: str, deadline_s: float = 90) -> Iterator[Server]:
    """``jichitai serve --bind 127.0.0.1:PORT ...`` until /healthz answers; stopped with TERM."""
    port = free_port()
    log = cwd / f"serve-{port}.log"
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [jichitai_exe(), "serve", "--bind", f"127.0.0.1:{port}", *args],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd,
        )
    server = Server(port, log, proc, 0.0)
    try:
        while True:
            try:
                if raw_get(port, "/healthz").status == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() - started > deadline_s:
                raise AssertionError("jichitai serve did not start:\n" + server.log_text())
            time.sleep(0.05)
        server.started_in = time.monotonic() - started
        yield server
    finally:
        proc.send_signal(signal.SIGTERM)  # gunicorn: graceful stop
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Site:
    """One production server for the package's tests (tests/web/conftest.py: ``site``)."""

    server: Server
    env: dict[str, str]
    cwd: Path

    @property
    def port(self) -> int:
        return self.server.port


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`jichitai serve --workers 2` with JICHITAI_ENV=production on a migrated, seeded SQLite file."""
    cwd = tmp_path_factory.mktemp("serve")
    # 127.0.0.1: spoken to directly, as nginx does; the name: through deploy/nginx (test_nginx_site)
    env = production_env(cwd / "data", JICHITAI_ALLOWED_HOSTS="127.0.0.1,jichitai.example.lg.jp")
    seed(env, cwd)
    with serving(cwd, env, "--workers", "2") as server:
        yield Site(server, env, cwd)


def totp_now() -> str:
    """The code the seeded accounts' authenticator shows now (never one about to expire)."""
    from django_otp.oath import TOTP

    if time.time() % 30 > 27:
        time.sleep(3.5)
    return f"{TOTP(bytes.fromhex(TOTP_KEY)).token():06d}"


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def set_cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def raw_get(port: int, path: str, headers: dict[str, str] | None = None) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return Reply(r.status, r.headers, r.read())
    finally:
        conn.close()


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") == "hidden":
            self.values.setdefault(str(a["name"]), a.get("value") or "")


def hidden_inputs(html: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(html)
    return parser.values


@dataclass
class ProxiedClient:
    """A browser behind nginx: HTTPS as far as the application knows, its own address in
    X-Forwarded-For; keeps cookies (Secure ones too: the hop to gunicorn is plain HTTP)."""

    port: int
    cookies: SimpleCookie = field(default_factory=SimpleCookie)

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        from urllib.parse import urlencode

        h = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https",
             "X-Forwarded-For": CLIENT_ADDRESS, **(headers or {})}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            h.update({"Content-Type": "application/x-www-form-urlencoded",
                      "Origin": self.origin, "Referer": self.origin + path})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            reply = Reply(r.status, r.headers, r.read())
        finally:
            conn.close()
        for raw in reply.set_cookies:
            self.cookies.load(raw)
        return reply

    def get(self, path: str, **kw: object) -> Reply:
        return self.request("GET", path, **kw)  # type: ignore[arg-type]

    def post(self, path: str, form: dict[str, str]) -> Reply:
        return self.request("POST", path, form=form)
