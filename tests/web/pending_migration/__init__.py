"""A migrations package for the ``web`` app (which has none): one migration the database never
applied, as after an upgrade before ``migrate`` has run (tests/web/test_readiness.py)."""
