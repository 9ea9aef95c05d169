"""Replication health from Patroni's REST API: `jichitai continuity status` and the admin page
/continuity/replication/, against a stand-in Patroni (an HTTP server answering /cluster and
/patroni with what Patroni 3.0 answers). The real cluster is read in test_failover.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from jichitai.cli import continuity as cli
from jichitai.continuity import ha
from tests.continuity.conftest import World, acting_for


def _fake_patroni(leader_running: bool = True) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            answers: dict[str, Any] = {
                "/cluster": {"members": [
                    {"name": "pg1", "role": "leader",
                     "state": "running" if leader_running else "stopped",
                     "api_url": f"{base}/patroni", "host": "10.0.0.1", "port": 5432,
                     "timeline": 3},
                    {"name": "pg2", "role": "sync_standby", "state": "streaming",
                     "api_url": f"{base}/patroni", "host": "10.0.1.1", "port": 5432,
                     "timeline": 3, "lag": 0},
                ]},
                "/patroni": {"state": "running", "dcs_last_seen": 1764600000,
                             "xlog": {"replayed_timestamp": "2025-12-01 14:40:00+00:00"}},
            }  # fmt: skip
            body = json.dumps(answers.get(self.path, {})).encode()
            self.send_response(200 if self.path in answers else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def patroni_url() -> Iterator[str]:
    server = _fake_patroni()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_cluster_status_gives_role_state_lag_timeline_and_last_contact(patroni_url: str) -> None:
    # the first URL does not answer: the next one gives the cluster
    rows = ha.cluster_status(["http://127.0.0.1:9", patroni_url], timeout=1)
    assert [(r["name"], r["role"], r["state"], r["lag"], r["timeline"]) for r in rows] == [
        ("pg1", "leader", "running", 0, 3),
        ("pg2", "sync_standby", "streaming", 0, 3),
    ]
    assert rows[1]["host_port"] == "10.0.1.1:5432"
    assert rows[0]["dcs_last_seen"] == "2025-12-01T14:40:00+00:00"
    assert rows[1]["replayed_at"].startswith("2025-12-01 14:40:00")


def test_status_cli_prints_both_language_headers_and_json(
    patroni_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["status", "--patroni", patroni_url]) == 0
    out = capsys.readouterr().out
    assert "役割 / role" in out and "遅延(バイト) / lag (bytes)" in out
    assert "同期待機 (sync_standby)" in out and "主 (leader)" in out
    assert cli.main(["status", "--patroni", patroni_url, "--json"]) == 0
    members = json.loads(capsys.readouterr().out)["members"]
    assert {m["role"] for m in members} == {"leader", "sync_standby"}


def test_status_cli_refuses_in_both_languages_when_nothing_answers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JICHITAI_PATRONI_URLS", raising=False)
    assert cli.main(["status"]) == 2
    assert "Patroni が設定されていません" in capsys.readouterr().err
    assert cli.main(["status", "--patroni", "http://127.0.0.1:9"]) == 2
    assert "no Patroni REST API answered" in capsys.readouterr().err


def test_status_cli_exit_1_without_a_running_leader(capsys: pytest.CaptureFixture[str]) -> None:
    server = _fake_patroni(leader_running=False)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        assert cli.main(["status", "--patroni", url]) == 1
        assert "no running leader" in capsys.readouterr().err
    finally:
        server.shutdown()


@pytest.mark.django_db
def test_replication_page_shows_the_members(world: World, patroni_url: str) -> None:
    admin = acting_for(world.admin_a, f"m{world.a.pk}")
    with override_settings(JICHITAI_PATRONI_URLS=patroni_url):
        resp = admin.get("/continuity/replication/")
    page = resp.content.decode()
    assert resp.status_code == 200
    assert 'id="replication-table"' in page and "同期待機 (sync_standby)" in page
    assert "10.0.1.1:5432" in page and "last DCS contact" in page


@pytest.mark.django_db
def test_replication_page_says_plainly_when_no_patroni_is_configured(world: World) -> None:
    admin = acting_for(world.admin_a, f"m{world.a.pk}")
    with override_settings(JICHITAI_PATRONI_URLS=""):
        page = admin.get("/continuity/replication/").content.decode()
    assert 'id="replication-none"' in page and "Patroni が設定されていません" in page
    with override_settings(JICHITAI_PATRONI_URLS="http://127.0.0.1:9"):
        page = admin.get("/continuity/replication/").content.decode()
    assert 'id="replication-error"' in page
