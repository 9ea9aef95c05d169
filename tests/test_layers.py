"""The import direction of architecture.md, written as a test (cf. OneGov's test_hierarchy.py).

A package may import only the packages its row allows (and, transitively, what those allow).
Pure libraries import no Django and no other jichitai package beyond their row.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "jichitai"

# architecture.md "Packages": what each package may import (direct); closure taken below.
ALLOWED: dict[str, set[str]] = {
    "codes": set(),
    "moji": set(),
    "synthetic": {"codes"},
    "wareki": set(),
    # conformance: the standard's items and our claims; reads test sources, imports nothing of ours
    "conformance": set(),
    "layouts": {"moji", "wareki", "codes"},
    "tenancy": {"codes"},
    "accounts": {"tenancy"},
    "audit": {"tenancy", "accounts"},
    # layouts (pure): EUC's データ項目一覧表 takes データ型・桁数・外字使用・コード from the layout
    # definitions ([1360]#3, docs/euc.md)
    "registry": {"tenancy", "audit", "moji", "accounts", "codes", "wareki", "layouts"},
    # synthetic: the importer fills a municipality with generated households (demo, benchmarks);
    # a migration moves the register with its 印鑑登録 and 課税情報 (seals, tax) and prints its
    # 照合表 through the certificates' engine (issue 13, docs/migration.md)
    "importer": {"registry", "layouts", "synthetic", "seals", "tax", "certificates"},
    "seals": {"registry"},
    "tax": {"registry"},
    "certificates": {"registry", "seals", "tax"},
    "kiosk": {"certificates"},
    "disaster": {"registry", "certificates"},
    # continuity: a declaration is checked against the capability table (accounts) and logged in the
    # stricken municipality's audit chain (audit); backups check a restored database (audit verify, as-of counts), bundles go
    # through the migration export/import, the emergency extract reads the register's EUC source
    # and prints through the certificates' engine (issue 14)
    "continuity": {"tenancy", "audit", "accounts", "registry", "importer", "certificates", "wareki"},
    # jobs: the batch runner (chapter 9); runs the work the domain packages offer
    "jobs": {"tenancy", "audit", "accounts", "registry", "seals", "continuity"},  # continuity: backups
}
DOMAIN = set(ALLOWED)
# Thin entry points may import any domain package, never each other's internals.
ENTRY_POINTS = {"web", "api", "cli", "demo"}
# Django project glue.
ROOT_MODULES = {"settings", "urls", "wsgi", "asgi", "__init__"}
PURE = {"codes", "moji", "layouts", "synthetic", "wareki", "conformance"}


def _closure(pkg: str) -> set[str]:
    seen: set[str] = set()
    stack = [pkg]
    while stack:
        for dep in ALLOWED.get(stack.pop(), set()):
            if dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return seen


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


def _package_of(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _violations() -> list[str]:
    errors = []
    for path in sorted(SRC.rglob("*.py")):
        pkg = _package_of(path)
        if pkg in ROOT_MODULES:
            continue
        for lineno, module in _imports(path):
            parts = module.split(".")
            where = f"{path.relative_to(SRC.parent)}:{lineno} imports {module}"
            if pkg in PURE and parts[0] == "django":
                errors.append(f"{where}: pure library {pkg} must not import Django")
            if parts[0] != "jichitai" or len(parts) < 2:
                continue
            target = parts[1]
            if target == pkg or target in ROOT_MODULES:
                continue
            if pkg in ENTRY_POINTS:
                if target in ENTRY_POINTS and not (pkg == "cli" and target == "demo"):
                    errors.append(f"{where}: entry points must not import each other ({pkg}→{target})")
                continue
            if pkg not in DOMAIN:
                errors.append(f"{where}: package {pkg} is not in the architecture table")
                continue
            if target not in _closure(pkg):
                errors.append(f"{where}: {pkg} may not import {target}")
    return errors


def test_import_direction_follows_architecture() -> None:
    assert _violations() == []


def test_every_package_is_in_the_table() -> None:
    known = DOMAIN | ENTRY_POINTS | ROOT_MODULES
    pkgs = {_package_of(p) for p in SRC.rglob("*.py")}
    assert pkgs - known == set()


def test_checker_catches_an_upward_import(tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "jichitai"
    (fake / "tenancy").mkdir(parents=True)
    (fake / "moji").mkdir()
    (fake / "tenancy" / "bad.py").write_text("from jichitai.audit import record\n")
    (fake / "moji" / "bad.py").write_text("import django\nfrom jichitai.tenancy import x\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["SRC"]), "SRC", fake)
    found = _violations()
    assert any("tenancy may not import audit" in e for e in found)
    assert any("pure library moji must not import Django" in e for e in found)
    assert any("moji may not import tenancy" in e for e in found)
