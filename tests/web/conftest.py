"""Fixtures for the web tests come from tests/accounts/support.py (shared with accounts), and the
production server `site` (tests/web/serving.py) shared by the serving tests."""

from tests.accounts.support import (  # noqa: F401 - fixtures
    _fast_and_predictable,
    consortium,
    make_staff,
    muni_a,
    muni_b,
    muni_c,
)
from tests.web.serving import site  # noqa: F401 - fixture (package scope)
