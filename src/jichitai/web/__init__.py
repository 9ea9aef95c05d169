"""Staff web UI (Japanese, server-rendered, htmx): a thin entry point over domain functions."""
