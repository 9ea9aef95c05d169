"""Fixtures for the web tests come from tests/accounts/support.py (shared with accounts)."""

from tests.accounts.support import (  # noqa: F401 - fixtures
    _fast_and_predictable,
    consortium,
    make_staff,
    muni_a,
    muni_b,
    muni_c,
)
