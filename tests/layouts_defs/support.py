"""Shared reading of the packaged layout definitions and of the project's models' vocabulary.

The models import Django, so their choices are read from the source with ``ast`` (the definitions
are pure data and must be checkable without a database).
"""

from __future__ import annotations

import ast
import functools
import tomllib
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[2] / "src" / "jichitai"
LAYOUTS = SRC / "layouts"
DEFS = LAYOUTS / "defs"
CODES = LAYOUTS / "codes"


def load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def layout_files() -> list[Path]:
    return sorted(DEFS.rglob("*.toml"))


def code_files() -> list[Path]:
    return sorted(CODES.rglob("*.toml"))


def layout(layout_id: str) -> dict[str, Any]:
    for path in layout_files():
        data = load(path)
        if data["layout"]["id"] == layout_id:
            return data
    raise KeyError(layout_id)


def codes(source: str, table: str) -> list[dict[str, str]]:
    return load(CODES / source / f"{table}.toml")["codes"]


@functools.cache
def _tree(relative: str) -> ast.Module:
    return ast.parse((SRC / relative).read_text(encoding="utf-8"))


def _class(relative: str, name: str) -> ast.ClassDef:
    for node in _tree(relative).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    raise KeyError(name)


def text_choices(relative: str, name: str) -> set[str]:
    """The values of a ``models.TextChoices`` class (``X = "value", "label"``)."""
    out = set()
    for node in _class(relative, name).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
            out.add(ast.literal_eval(node.value.elts[0]))
    return out


def module_choices(relative: str, name: str) -> set[str]:
    """The values of a module-level ``NAME = [("value", "label"), ...]``."""
    for node in _tree(relative).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == name for t in node.targets):
            return {value for value, _ in ast.literal_eval(node.value)}
    raise KeyError(name)


def model_fields(relative: str, name: str) -> dict[str, ast.Call]:
    """A model class's fields (``name = models.X(...)``) by name."""
    out = {}
    for node in _class(relative, name).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = node.value
    return out


def field_choices(relative: str, model: str, field: str) -> set[str]:
    call = model_fields(relative, model)[field]
    for keyword in call.keywords:
        if keyword.arg == "choices":
            return {value for value, _ in ast.literal_eval(keyword.value)}
    raise KeyError(field)
