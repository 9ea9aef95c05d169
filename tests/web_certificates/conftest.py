"""Counter fixtures: the web register's offices and logged-in clients, and a family of three."""

from __future__ import annotations

from tests.certificates.conftest import family, officer  # noqa: F401
from tests.web_registry.conftest import login, office, office_b, staff_client  # noqa: F401
