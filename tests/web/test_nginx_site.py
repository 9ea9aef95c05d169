"""deploy/nginx/jichitai.conf in front of the real `jichitai serve`: Debian's nginx with the site
file as shipped (only ports, certificate paths and the upstream port rewritten for a test), a
certificate made here, and a client on another loopback address (127.0.0.2) so the audit log
shows which address it believed.

Skipped where nginx is not installed (``apt-get install nginx-light``).
"""

from __future__ import annotations

import datetime
import http.client
import re
import shutil
import socket
import sqlite3
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .serving import PASSWORD, ROOT, Reply, Site, free_port, hidden_inputs, totp_now

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "jichitai.example.lg.jp"
CLIENT = "127.0.0.2"  # loopback, but not a trusted proxy

pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed")


def _certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
            .sign(key, hashes.SHA256()))
    chain, private = folder / "fullchain.pem", folder / "privkey.pem"
    chain.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return chain, private


def site_file_for_test(text: str, *, http: int, https: int, upstream: int, folder: Path) -> str:
    """The shipped site file, listening on 127.0.0.1 test ports, with a test certificate."""
    text = re.sub(r"^\s*listen \[::\]:.*\n", "", text, flags=re.M)
    text = re.sub(r"listen 80\b", f"listen 127.0.0.1:{http}", text)
    text = re.sub(r"listen 443\b", f"listen 127.0.0.1:{https}", text)
    text = text.replace("/etc/jichitai/tls/", f"{folder}/")
    assert "proxy_pass http://127.0.0.1:8000;" in text
    return text.replace("proxy_pass http://127.0.0.1:8000;", f"proxy_pass http://127.0.0.1:{upstream};")


@dataclass
class Edge:
    http: int
    https: int
    context: ssl.SSLContext

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None,
                body: str | None = None, sni: str = HOST) -> Reply:
        """One HTTPS request from 127.0.0.2, with ``sni`` as the TLS server name."""
        raw = socket.create_connection(("127.0.0.1", self.https), timeout=30,
                                       source_address=(CLIENT, 0))
        conn = http.client.HTTPConnection(HOST, self.https)
        conn.sock = self.context.wrap_socket(raw, server_hostname=sni)
        try:
            conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            r = conn.getresponse()
            return Reply(r.status, r.headers, r.read())
        finally:
            conn.close()


@pytest.fixture(scope="module")
def edge(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    folder = tmp_path_factory.mktemp("nginx")
    chain, _ = _certificate(folder)
    http_port, https_port = free_port(), free_port()
    shipped = (ROOT / "deploy" / "nginx" / "jichitai.conf").read_text()
    (folder / "site.conf").write_text(site_file_for_test(
        shipped, http=http_port, https=https_port, upstream=site.port, folder=folder))
    (folder / "nginx.conf").write_text(f"""
daemon off; pid {folder}/nginx.pid; error_log {folder}/error.log; user root;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}""")
    check = subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        context = ssl.create_default_context(cafile=str(chain))
        yield Edge(http_port, https_port, context)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_site_file_passes_nginx_t_and_answers_over_tls(edge: Edge) -> None:
    r = edge.request("GET", "/accounts/login/")
    assert r.status == 200
    assert r.headers.get_all("Strict-Transport-Security") == ["max-age=31536000; includeSubDomains"]
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert "Secure" in r.headers["Set-Cookie"] and "nginx/" not in r.headers.get("Server", "")


def test_plain_http_for_the_host_is_redirected_and_other_hosts_get_nothing(edge: Edge) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", edge.http, timeout=10)
    conn.request("GET", "/registry/", headers={"Host": HOST})
    r = conn.getresponse()
    assert r.status == 301 and r.headers["Location"] == f"https://{HOST}/registry/"
    conn = http.client.HTTPConnection("127.0.0.1", edge.http, timeout=10)
    conn.request("GET", "/", headers={"Host": "other.example"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        conn.getresponse()  # 444: the connection is closed without an answer
    with pytest.raises(ssl.SSLError):
        edge.request("GET", "/", sni="other.example")  # unknown TLS name: handshake refused


def test_static_files_through_nginx_are_compressed_and_cached(edge: Edge) -> None:
    page = edge.request("GET", "/accounts/login/")
    href = re.search(r'/static/jichitai/site\.[0-9a-f]{12}\.css', page.text)
    assert page.status == 200 and href
    r = edge.request("GET", href.group(0), headers={"Accept-Encoding": "gzip"})
    assert r.status == 200 and r.headers["Content-Encoding"] == "gzip"
    assert "immutable" in r.headers["Cache-Control"]


def test_login_through_nginx_is_audited_with_the_address_nginx_saw(edge: Edge, site: Site) -> None:
    cookies: dict[str, str] = {}

    def call(method: str, path: str, form: dict[str, str] | None = None) -> Reply:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                   "X-Forwarded-For": "198.51.100.1"}  # a client's claim: nginx must overwrite it
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Origin": f"https://{HOST}"})
        r = edge.request(method, path, headers=headers, body=body)
        for raw in r.set_cookies:
            name, value = raw.split(";")[0].split("=", 1)
            cookies[name] = value
        return r

    form = hidden_inputs(call("GET", "/accounts/login/").text)  # the CSRF token
    r = call("POST", "/accounts/login/", {**form, "username": "serve.nginx", "password": PASSWORD})
    assert r.status == 302, r.status
    form = hidden_inputs(call("GET", "/accounts/second-factor/").text)
    r = call("POST", "/accounts/second-factor/", {**form, "factor": "totp", "token": totp_now()})
    assert r.status == 302 and r.headers["Location"] == "/"
    db = site.cwd / "data" / "jichitai.sqlite3"
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        addrs = {a for (a,) in conn.execute(
            "SELECT remote_addr FROM audit_systemauditentry WHERE username = 'serve.nginx'")}
    assert addrs == {CLIENT}
