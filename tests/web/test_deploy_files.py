"""deploy/ stays true to the code: every environment variable the application reads is explained in
the environment file templates, and the systemd units run commands the `jichitai` CLI has, as
the unprivileged service user, with the owner's credentials in the migration unit only.
"""

from __future__ import annotations

import ast
import configparser
import shlex
from pathlib import Path

from jichitai.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "jichitai"
DEPLOY = ROOT / "deploy"
NOT_FOR_PRODUCTION = {"JICHITAI_TEST_DBNAME"}  # the test suite's database name


def _env_name(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        name = node.value
        if name.startswith("JICHITAI_") or name in {"PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"}:
            return name
    return None


def variables_read(text: str) -> set[str]:
    """Names read with os.environ.get / environ[...] / env.get / _flag / _list, or held in a
    constant whose name ends in _ENV (``ANCHOR_DIR_ENV = "JICHITAI_AUDIT_ANCHOR_DIR"``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            reader = (isinstance(func, ast.Attribute) and func.attr == "get"
                      and isinstance(func.value, ast.Attribute | ast.Name)
                      and getattr(func.value, "attr", getattr(func.value, "id", "")) in {"environ", "env"})
            if reader or (isinstance(func, ast.Name) and func.id in {"_flag", "_list"}):
                found |= {n for n in [_env_name(node.args[0])] if n}
        elif isinstance(node, ast.Subscript) and getattr(node.value, "attr", "") == "environ":
            found |= {n for n in [_env_name(node.slice)] if n}
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.endswith("_ENV") for t in node.targets):
            found |= {n for n in [_env_name(node.value)] if n}
    return found


def test_the_collector_finds_each_way_of_reading_a_variable() -> None:
    sample = ('import os\nA = os.environ.get("JICHITAI_A")\nB = os.environ["JICHITAI_B"]\n'
              'C = _flag("JICHITAI_C")\nD = _list("JICHITAI_D", "x")\nE_ENV = "JICHITAI_E"\n'
              'F = env.get("JICHITAI_F")\nG = getattr(settings, "JICHITAI_G", 1)\n')
    assert variables_read(sample) == {f"JICHITAI_{c}" for c in "ABCDEF"}


def test_every_variable_the_code_reads_is_explained_in_the_environment_files() -> None:
    read: set[str] = set()
    for path in SRC.rglob("*.py"):
        read |= variables_read(path.read_text(encoding="utf-8"))
    assert {"JICHITAI_SECRET_KEY", "JICHITAI_ENV", "JICHITAI_BIND", "PGPASSWORD"} <= read
    documented = (DEPLOY / "jichitai.env").read_text() + (DEPLOY / "owner.env").read_text()
    missing = sorted(v for v in read - NOT_FOR_PRODUCTION if v not in documented)
    assert missing == []


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((DEPLOY / "systemd" / name).read_text())
    return unit


def test_units_run_existing_commands_as_the_service_user() -> None:
    expected = {
        "jichitai.service": ["serve"],
        "jichitai-migrate.service": ["manage", "migrate", "--noinput"],
        "jichitai-audit-seal.service": ["audit", "seal"],
        "jichitai-audit-anchor.service": ["audit", "anchor", "--out", "/var/lib/jichitai/anchors/"],
        "jichitai-jobs.service": ["jobs", "worker", "--interval", "10"],
        "jichitai-sessions-clear.service": ["manage", "clearsessions"],
    }
    for name, argv in expected.items():
        service = _unit(name)["Service"]
        command = shlex.split(service["ExecStart"])
        assert command == ["/opt/jichitai/venv/bin/jichitai", *argv], name
        assert argv[0] in COMMANDS
        assert service["User"] == "jichitai" and service["NoNewPrivileges"] == "yes", name
    for timer in ("jichitai-audit-seal.timer", "jichitai-audit-anchor.timer"):
        assert _unit(timer)["Timer"]["OnCalendar"].startswith("*-*-* ")  # daily
    assert _unit("jichitai-sessions-clear.timer")["Timer"]["OnCalendar"] == "hourly"


def test_only_the_migration_unit_sees_the_owners_credentials() -> None:
    for path in (DEPLOY / "systemd").glob("*.service"):
        text = path.read_text()
        assert ("/etc/jichitai/owner.env" in text) == (path.name == "jichitai-migrate.service"), path
    assert "JICHITAI_DB_OWNER_PASSWORD" not in (DEPLOY / "jichitai.env").read_text()
