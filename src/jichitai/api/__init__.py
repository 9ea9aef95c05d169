"""HTTP API (django-ninja, OpenAPI): a thin entry point over domain functions."""
