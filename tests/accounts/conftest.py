"""Fixtures for the accounts tests live in support.py (shared with tests/web)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def _load_support():  # type: ignore[no-untyped-def]
    name = "jichitai_tests_accounts_support"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("support.py"))
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


support = _load_support()
_fast_and_predictable = support._fast_and_predictable
consortium = support.consortium
muni_a = support.muni_a
muni_b = support.muni_b
muni_c = support.muni_c
make_staff = support.make_staff
