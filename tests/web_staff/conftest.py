"""Fixtures for the 職員管理 screens: the accounts fixtures plus logged-in clients."""

from tests.accounts.support import (  # noqa: F401 - fixtures
    _fast_and_predictable,
    consortium,
    make_staff,
    muni_a,
    muni_b,
    muni_c,
)
from tests.web_staff.support import admin_a, clerk_a, clerk_b, kyogikai  # noqa: F401 - fixtures
