"""/healthz and /readyz: alive without the database; ready only with a reachable, fully migrated
database (503 otherwise); no login, no session, no tenant data in either.

In-process (the test client, on SQLite and in the PostgreSQL pass) and through the real
`jichitai serve` for the cases a load balancer meets: a fresh server before `migrate`, and a
database that does not answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from .serving import free_port, production_env, raw_get, serving


def _json(response) -> dict:
    return json.loads(response.content)


def test_healthz_answers_any_host_without_a_session_or_the_database(client: Client) -> None:
    # no django_db mark: pytest-django fails any database access in this test
    r = client.get("/healthz", HTTP_HOST="not-an-allowed-host.invalid")
    assert r.status_code == 200 and _json(r) == {"status": "ok"}
    assert r["Cache-Control"] == "no-store" and not r.cookies


@pytest.mark.django_db
def test_readyz_ok_on_a_migrated_database(client: Client) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200
    assert _json(r) == {"status": "ok", "database": "ok", "pending_migrations": 0}
    assert not r.cookies


@pytest.mark.django_db
def test_readyz_503_while_a_migration_is_not_applied(client: Client, settings) -> None:
    # this code is one migration ahead of the database (upgraded, not yet migrated)
    settings.MIGRATION_MODULES = {"web": "tests.web.pending_migration"}
    r = client.get("/readyz")
    assert r.status_code == 503
    assert _json(r) == {"status": "unavailable", "database": "ok", "pending_migrations": 1}


@pytest.mark.django_db
def test_probes_only_answer_get_and_head(client: Client) -> None:
    assert client.head("/readyz").status_code == 200
    assert client.post("/healthz").status_code == 404  # not a probe: the ordinary 404 page


def test_a_fresh_server_before_migrate_is_alive_but_not_ready(tmp_path: Path) -> None:
    env = production_env(tmp_path / "empty")
    with serving(tmp_path, env, "--workers", "1", "--no-collectstatic") as server:
        assert raw_get(server.port, "/healthz").status == 200
        r = raw_get(server.port, "/readyz")
        assert r.status == 503 and json.loads(r.body)["pending_migrations"] > 0
        assert "migration(s) not applied" in server.log_text()  # said at start, too


def test_a_server_whose_database_does_not_answer_is_alive_but_not_ready(tmp_path: Path) -> None:
    env = production_env(
        tmp_path / "data", JICHITAI_DB="postgres", PGHOST="127.0.0.1", PGPORT=str(free_port()),
        PGDATABASE="jichitai", PGUSER="jichitai", PGPASSWORD="not-used",
    )
    with serving(tmp_path, env, "--workers", "1", "--no-collectstatic") as server:
        assert raw_get(server.port, "/healthz").status == 200
        r = raw_get(server.port, "/readyz")
        assert r.status == 503
        assert json.loads(r.body) == {"status": "unavailable", "database": "unreachable"}
        assert "database unreachable" in server.log_text()
        assert "127.0.0.1" not in r.body.decode()  # no host names or error texts in the body


@pytest.mark.django_db
@pytest.mark.postgres_only
def test_served_on_postgresql_the_runtime_role_sees_a_ready_database(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (scripts/test.sh)")
    env = production_env(tmp_path / "data", JICHITAI_DB="postgres",
                         PGDATABASE=connection.settings_dict["NAME"])
    with serving(tmp_path, env, "--workers", "1", "--no-collectstatic") as server:
        r = raw_get(server.port, "/readyz")
        assert r.status == 200, server.log_text()
        assert json.loads(r.body) == {"status": "ok", "database": "ok", "pending_migrations": 0}
