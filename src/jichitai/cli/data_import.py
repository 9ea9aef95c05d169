"""`jichitai import`: see jichitai.cli.migration."""

from __future__ import annotations

from .migration import main_import as main

__all__ = ["main"]
