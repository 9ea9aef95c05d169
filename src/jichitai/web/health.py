"""/healthz and /readyz: for systemd, the load balancer and monitoring. No login, no tenant data.

- ``/healthz``: the process answers requests. Touches no database (a database outage must not
  make the supervisor restart healthy workers).
- ``/readyz``: the database answers and every migration this code knows is applied; ``503``
  otherwise, so a load balancer sends no staff to a node that would fail them (e.g. after an
  upgrade, until ``jichitai manage migrate`` has run as the owner role).

Both are answered by :class:`HealthProbeMiddleware`, the first entry of MIDDLEWARE, so that a
probe on ``http://127.0.0.1:8000/`` works whatever its Host header and without HTTPS, and never
opens a session. The bodies say what is wrong in general terms only (never a host name, an error
text or a row); the details go to the server log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger(__name__)


def _answer(status: int, body: dict[str, object]) -> HttpResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def healthz() -> HttpResponse:
    """Alive: the worker runs Python and answers; nothing else is asked."""
    return _answer(200, {"status": "ok"})


def pending_migrations() -> int:
    """How many migrations of this code the database lacks (all of them on an empty database)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def readyz() -> HttpResponse:
    """Ready: the database is reachable and its schema is this code's."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = pending_migrations()
    except Exception:  # any failure means "not ready", never a 500 with a traceback
        log.warning("readyz: database unavailable", exc_info=True)
        return _answer(503, {"status": "unavailable", "database": "unreachable"})
    if pending:
        log.warning("readyz: %d migration(s) not applied", pending)
        return _answer(503, {"status": "unavailable", "database": "ok",
                             "pending_migrations": pending})
    return _answer(200, {"status": "ok", "database": "ok", "pending_migrations": 0})


PROBES: dict[str, Callable[[], HttpResponse]] = {"/healthz": healthz, "/readyz": readyz}


class HealthProbeMiddleware:
    """Answers GET/HEAD on the probe paths before host validation, HTTPS redirect and sessions."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is None or request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        return probe()
