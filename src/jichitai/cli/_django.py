"""Django set-up for CLI subcommands that need the database, and which database that is.

``setup()`` is the bare set-up, for callers that already chose the database (``jichitai demo``,
scripts that set JICHITAI_DATA_DIR). ``open_database()`` is what ``audit``, ``registry`` and
``manage`` call: it chooses the SQLite folder (``--data-dir``, else JICHITAI_DATA_DIR, else ./var,
or ./var/demo when only the demo has been built there), says on stderr in one line which database
it uses, and refuses with :class:`DatabaseUnavailable` (exit code 2) when the file is missing or
not migrated. A command that only reads must never create a database file or a folder: opening
a missing SQLite file would create an empty one and fail later with ``no such table``.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

DB_FILE = "jichitai.sqlite3"  # settings.py: DATA_DIR / "jichitai.sqlite3"
DATA_DIR_HELP = (
    "SQLite データベースのフォルダ（既定: JICHITAI_DATA_DIR、未設定なら ./var、"
    "./var になく ./var/demo にあれば ./var/demo） / folder of the SQLite database"
)
HINT = (
    "  デモを作るには jichitai demo（./var/demo に作成）、別の場所は --data-dir DIR か JICHITAI_DATA_DIR で指定 /"
    " build the demo with `jichitai demo` (./var/demo), or point to a database with --data-dir DIR"
    " or JICHITAI_DATA_DIR"
)


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()


class DatabaseUnavailable(Exception):
    """The chosen database cannot serve the command; ``lines()`` say why in both languages."""

    def __init__(self, message_ja: str, message_en: str, subject: str = "", hint: str = HINT) -> None:
        super().__init__(f"{message_ja} / {message_en}: {subject}")
        self.message_ja = message_ja
        self.message_en = message_en
        self.subject = subject
        self.hint = hint

    def lines(self, prog: str) -> str:
        subject = f": {self.subject}" if self.subject else ""
        return f"{prog}: {self.message_ja} / {self.message_en}{subject}\n{self.hint}".rstrip()


@dataclass(frozen=True)
class Choice:
    """The database a command will use and why it was chosen."""

    data_dir: Path | None  # None: PostgreSQL (JICHITAI_DB=postgres)
    reason_ja: str
    reason_en: str

    @property
    def sqlite_file(self) -> Path | None:
        return None if self.data_dir is None else self.data_dir / DB_FILE

    def describe(self) -> str:
        if self.sqlite_file is not None:
            where = f"SQLite {self.sqlite_file}"
        else:
            env = os.environ
            where = (f"PostgreSQL {env.get('PGUSER', 'jichitai')}@{env.get('PGHOST', '127.0.0.1')}:"
                     f"{env.get('PGPORT', '5432')}/{env.get('PGDATABASE', 'jichitai')}")
        return f"データベース / database: {where}（{self.reason_ja} / {self.reason_en}）"


def _postgres() -> bool:
    return os.environ.get("JICHITAI_DB", "sqlite") == "postgres"


def _is_migrated_sqlite(path: Path) -> bool:
    """Whether ``path`` is an SQLite database Django has migrated, read-only (creates nothing)."""
    if not path.is_file():
        return False
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            row = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
    except sqlite3.Error:
        return False
    return row is not None


def choose(data_dir: Path | None = None, cwd: Path | None = None) -> Choice:
    """Which database a command uses: ``--data-dir``, JICHITAI_DB=postgres, JICHITAI_DATA_DIR,
    then ./var — or ./var/demo when it holds a migrated database and ./var does not (what
    ``make demo`` leaves behind)."""
    if data_dir is not None:
        if _postgres():
            raise DatabaseUnavailable(
                "JICHITAI_DB=postgres のときは --data-dir を指定できません",
                "--data-dir is for SQLite, not for JICHITAI_DB=postgres", hint="",
            )
        return Choice(data_dir.resolve(), "--data-dir で指定", "from --data-dir")
    if _postgres():
        return Choice(None, "JICHITAI_DB=postgres", "JICHITAI_DB=postgres")
    env = os.environ.get("JICHITAI_DATA_DIR")
    if env:
        return Choice(Path(env).resolve(), "JICHITAI_DATA_DIR で指定", "from JICHITAI_DATA_DIR")
    base = (cwd or Path.cwd()).resolve() / "var"
    demo = base / "demo"
    if not _is_migrated_sqlite(base / DB_FILE) and _is_migrated_sqlite(demo / DB_FILE):
        return Choice(demo, "./var にないためデモのデータベースを使用", "demo database, none in ./var")
    return Choice(base, "既定の ./var", "default ./var")


def open_database(data_dir: Path | None = None, *, create: bool = False) -> Choice | None:
    """Choose the database, say which on stderr, set Django up, and check it is migrated.

    ``create`` (``manage``: migrate may make a new database) creates the folder and skips the
    checks. Returns None without doing anything when Django is already set up: the caller (a
    test, or a command run inside another) chose the database. Raises DatabaseUnavailable.
    """
    from django.apps import apps

    if apps.ready:
        return None
    choice = choose(data_dir)
    db_file = choice.sqlite_file
    if choice.data_dir is not None:
        os.environ["JICHITAI_DATA_DIR"] = str(choice.data_dir)  # read by settings.py
        if create:
            choice.data_dir.mkdir(parents=True, exist_ok=True)
        elif db_file is not None and not db_file.is_file():
            raise DatabaseUnavailable("データベースがありません", "no database", str(db_file))
    print(f"jichitai: {choice.describe()}", file=sys.stderr, flush=True)
    setup()
    if not create:
        _check_migrated(choice)
    return choice


def _check_migrated(choice: Choice) -> None:
    """A database without the tables is a clear message, never a ``no such table`` traceback."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    where = str(choice.sqlite_file or "PostgreSQL")
    try:
        tables = set(connection.introspection.table_names())
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise DatabaseUnavailable("データベースを開けません", f"cannot open the database ({exc})",
                                  where) from exc
    migrate = "  作成・更新: jichitai manage migrate / create or update it: jichitai manage migrate"
    if "django_migrations" not in tables:
        raise DatabaseUnavailable("テーブルがありません（未移行）", "no tables, not migrated", where,
                                  hint=migrate + "\n" + HINT)
    if pending:
        raise DatabaseUnavailable(f"未適用の移行が {len(pending)} 件あります",
                                  f"{len(pending)} migration(s) not applied", where, hint=migrate)
