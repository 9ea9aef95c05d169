"""Continuity fixtures: the register's offices (A and B) and their helpers."""

from __future__ import annotations

from tests.registry.conftest import Office, office, office_b  # noqa: F401
