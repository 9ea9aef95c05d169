"""A refused seal operation: ``str(error)`` is the Japanese message, ``field`` the form field."""

from __future__ import annotations


class SealError(ValueError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
