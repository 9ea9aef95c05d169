"""[1370]#1 通信ログ of the web server in front: nginx's error lines go into the installation chain,
each once, without a search's query string; other lines and levels are left out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.audit import weblog
from jichitai.audit.models import SystemAuditEntry

pytestmark = pytest.mark.django_db
LOG = """\
2026/12/01 10:00:01 [error] 1234#1234: *56 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.10, server: jichitai.example.jp, request: "GET /registry/search/?q=%E9%AB%99%E6%A9%8B HTTP/1.1", upstream: "http://127.0.0.1:8000/registry/search/?q=x", host: "jichitai.example.jp"
2026/12/01 10:00:02 [warn] 1234#1234: *57 an upstream response is buffered to a temporary file
2026/12/01 10:00:03 [crit] 1234#1234: *58 SSL_do_handshake() failed, client: 192.0.2.11, server: 0.0.0.0:443
not an nginx line at all
"""


@pytest.mark.std("1370#1")
def test_web_server_errors_are_taken_into_the_audit_log_once(tmp_path: Path, capsys: Any) -> None:
    from jichitai.cli.audit import main

    path = tmp_path / "error.log"
    path.write_text(LOG, encoding="utf-8")
    assert main(["weblog", str(path)]) == 0
    assert "記録 2 件" in capsys.readouterr().out
    entries = list(
        SystemAuditEntry.objects.filter(category="error", action="web_server").order_by("seq")
    )
    assert [e.severity for e in entries] == ["warning", "critical"]
    first = entries[0].detail
    assert first["message"].startswith("connect() failed (111: Connection refused)")
    assert first["request"] == "GET /registry/search/ HTTP/1.1" and "%E9" not in str(
        first
    )  # no query
    assert (entries[0].remote_addr, entries[0].subject_id) == ("192.0.2.10", "jichitai.example.jp")
    assert main(["weblog", str(path)]) == 0  # again (a timer, a rotated copy): nothing twice
    assert "記録 0 件" in capsys.readouterr().out
    assert SystemAuditEntry.objects.filter(action="web_server").count() == 2
    assert main(["weblog", str(tmp_path / "missing.log")]) == 2


@given(st.text(max_size=300))
def test_any_line_parses_or_is_not_an_nginx_line(text: str) -> None:
    fields = weblog.parse(text)
    assert fields is None or (fields["level"].isalpha() and len(fields["message"]) <= 500)
    if fields is not None and "request" in fields:
        assert "?" not in fields["request"]
