"""A small demo built once by the real command, and a way to run ``jichitai`` as a newcomer would:
as a subprocess, in a folder of one's own, with neither JICHITAI_DATA_DIR nor JICHITAI_DB set."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DB_FILE = "jichitai.sqlite3"


def jichitai_exe() -> str:
    exe = ROOT / ".venv" / "bin" / "jichitai"
    return str(exe) if exe.exists() else str(Path(sys.executable).with_name("jichitai"))


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"JICHITAI_DATA_DIR", "JICHITAI_DB"}}
    env.update(extra)
    return env


Run = Callable[..., subprocess.CompletedProcess[str]]


def run_in(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [jichitai_exe(), *args], cwd=cwd, env=env or clean_env(), capture_output=True, text=True,
        timeout=300, check=False,
    )


@dataclass(frozen=True)
class BuiltDemo:
    data_dir: Path  # holds jichitai.sqlite3
    printed: str  # stdout of `jichitai demo --no-serve`


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> BuiltDemo:
    """``jichitai demo --no-serve --sizes 5,5,5`` into a temporary folder, once per session."""
    base = tmp_path_factory.mktemp("built-demo")
    data = base / "demo"
    done = run_in(base, "demo", "--no-serve", "--sizes", "5,5,5", "--data-dir", str(data))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (data / DB_FILE).is_file()
    return BuiltDemo(data, done.stdout)


@pytest.fixture
def demo_cwd(tmp_path: Path, built_demo: BuiltDemo) -> Path:
    """A working folder laid out as after `make demo`: ./var/demo holds the demo database."""
    cwd = tmp_path / "checkout"
    shutil.copytree(built_demo.data_dir, cwd / "var" / "demo")
    return cwd


@pytest.fixture
def empty_cwd(tmp_path: Path) -> Path:
    cwd = tmp_path / "empty"
    cwd.mkdir()
    return cwd


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
