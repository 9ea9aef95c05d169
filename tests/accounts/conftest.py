"""Fixtures for the accounts tests live in support.py (shared with tests/web)."""

from tests.accounts.support import (  # noqa: F401 - fixtures
    _fast_and_predictable,
    consortium,
    make_staff,
    muni_a,
    muni_b,
    muni_c,
)
