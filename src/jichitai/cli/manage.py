"""`jichitai manage [--data-dir DIR] ...`: Django's management commands (migrate, runserver, shell...).

The database is chosen as for every CLI command (``_django.open_database``) and named on stderr;
unlike ``audit`` and ``registry`` it may be created here (``migrate`` makes a new one). On
PostgreSQL with two roles these are maintenance: they connect as the owner role
(``JICHITAI_DB_OWNER_USER``), which owns the schema; everything else runs as the runtime role.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ._django import DatabaseUnavailable, open_database


def _data_dir(argv: list[str]) -> tuple[Path | None, list[str]]:
    """A leading ``--data-dir DIR`` (or ``--data-dir=DIR``) is ours; the rest is Django's."""
    if argv and argv[0].startswith("--data-dir="):
        return Path(argv[0].split("=", 1)[1]), argv[1:]
    if len(argv) >= 2 and argv[0] == "--data-dir":
        return Path(argv[1]), argv[2:]
    return None, argv


def main(argv: list[str]) -> int:
    from django.core.management import execute_from_command_line

    data_dir, rest = _data_dir(argv)
    try:
        open_database(data_dir, create=True)
    except DatabaseUnavailable as exc:
        print(exc.lines("jichitai manage"), file=sys.stderr)
        return 2
    from jichitai.tenancy.dbroles import as_owner, owner_configured

    if owner_configured():
        print("jichitai manage: データベース所有者ロールで実行します / running as the database owner role",
              file=sys.stderr)
    with as_owner():
        execute_from_command_line(["jichitai manage", *rest])
    return 0
