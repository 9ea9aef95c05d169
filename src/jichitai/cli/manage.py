"""`jichitai manage ...`: Django's management commands (migrate, runserver, shell...)."""

from __future__ import annotations

import os


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jichitai manage", *argv])
    return 0
