"""`jichitai export`: see jichitai.cli.migration."""

from __future__ import annotations

from .migration import main_export as main

__all__ = ["main"]
