"""Modules stay small: no module under src/jichitai over 600 lines, no function over 80.

Split by responsibility before a file grows past it. Offline build scripts (run by hand to make a
committed artefact, never by the system) are exempt and listed here with why.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "jichitai"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
OFFLINE_BUILD_SCRIPTS = {
    "moji/build.py",  # builds the committed MJ artefact from ../shared/data/mj (python -m jichitai.moji.build)
}


def _modules() -> list[Path]:
    return [p for p in sorted(SRC.rglob("*.py"))
            if "migrations" not in p.parts and str(p.relative_to(SRC)) not in OFFLINE_BUILD_SCRIPTS]


def too_long(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{path.relative_to(SRC.parent)}: {lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{path.relative_to(SRC.parent)}:{node.lineno} {node.name}: {length} lines "
                                 f"(at most {MAX_FUNCTION_LINES})")
    return found


def test_no_module_or_function_is_too_long() -> None:
    assert too_long(_modules()) == []


def test_the_check_finds_a_long_module_and_a_long_function(tmp_path: Path) -> None:
    long_module = tmp_path / "long.py"
    long_module.write_text("x = 1\n" * (MAX_MODULE_LINES + 1))
    long_function = tmp_path / "fn.py"
    long_function.write_text("def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES)
    short = tmp_path / "ok.py"
    short.write_text("def g():\n    return 1\n")
    global SRC
    saved, SRC = SRC, tmp_path
    try:
        found = too_long([long_module, long_function, short])
    finally:
        SRC = saved
    assert len(found) == 2 and "long.py: 601 lines" in found[0] and "f: 81 lines" in found[1]
