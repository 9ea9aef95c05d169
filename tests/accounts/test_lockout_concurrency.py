"""Concurrent failures from several sessions are all counted (select_for_update + F()).

Needs real concurrent connections, so it runs in the PostgreSQL pass of `make test`.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from jichitai.accounts import auth
from jichitai.accounts.models import Role, Staff

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs real concurrent PostgreSQL connections (runs in the PostgreSQL pass)"),
]


def test_concurrent_wrong_attempts_are_all_counted_and_lock_once(make_staff, muni_a, settings):
    settings.JICHITAI_LOCKOUT_THRESHOLD = 6
    staff = make_staff("target", [(muni_a, Role.CLERK)])
    barrier = threading.Barrier(6)
    locked: list[bool] = []

    def attempt() -> None:
        try:
            stale = Staff.objects.get(pk=staff.pk)
            barrier.wait(timeout=10)
            locked.append(auth.register_failure(stale, request=None, step="password"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(locked) == [False] * 5 + [True]
    assert Staff.objects.get(pk=staff.pk).is_locked()
