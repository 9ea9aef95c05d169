from tests.registry.conftest import office, office_b  # noqa: F401  the register's fixtures
