"""Which tests name which items: ``pytest.mark.std(...)`` read from the test sources (no import,
no collection: the report is the same with or without a database)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TESTS = ROOT / "tests"


def _std_args(node: ast.AST) -> list[str] | None:
    """The string arguments of a ``*.mark.std(...)`` call, else None."""
    if not isinstance(node, ast.Call):
        return None
    f = node.func
    if not (isinstance(f, ast.Attribute) and f.attr == "std"
            and isinstance(f.value, ast.Attribute) and f.value.attr == "mark"):
        return None
    return [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else repr(ast.dump(a))
            for a in node.args]


def _marks(expr: ast.AST) -> list[str]:
    found = _std_args(expr)
    if found is not None:
        return found
    if isinstance(expr, ast.List | ast.Tuple):
        return [k for e in expr.elts for k in (_std_args(e) or [])]
    return []


def tests_by_item(tests: Path = TESTS) -> dict[str, list[str]]:
    """``"110#2"`` → ``["tests/registry/test_x.py::test_y", …]`` (a module mark names the module)."""
    out: dict[str, list[str]] = defaultdict(list)
    for path in sorted(tests.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = path.relative_to(tests.parent).as_posix()
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
                for key in _marks(node.value):
                    out[key].append(rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for deco in node.decorator_list:
                    for key in _marks(deco):
                        out[key].append(f"{rel}::{node.name}")
    return dict(out)
