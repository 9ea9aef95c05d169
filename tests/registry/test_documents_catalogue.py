"""The register's documents as data (issue 11): every builder module registers, each kind names
real functions of the standard, and none can be built without a staff member (the read layer)."""

from __future__ import annotations

import csv
import pkgutil

import pytest

from jichitai.conformance import standard
from jichitai.registry import documents


def test_every_builder_module_registers_at_least_one_kind() -> None:
    kinds = documents.load_all()
    modules = {m.name for m in pkgutil.iter_modules(documents.__path__) if not m.name.startswith("_")}
    owners = {k.builder.__module__.rsplit(".", 1)[-1] for k in kinds.values()}
    assert modules <= owners, f"modules that register nothing: {sorted(modules - owners)}"


def test_each_kind_names_functions_of_the_standard_and_a_japanese_title() -> None:
    ids = {row["function_id"] for row in csv.DictReader(standard.CSV.open(encoding="utf-8"))}
    for kind in documents.load_all().values():
        assert kind.functions and kind.title and not kind.title.isascii(), kind.kind
        assert set(kind.functions) <= ids, (kind.kind, kind.functions)


def test_a_document_cannot_be_built_without_staff() -> None:
    kind = next(iter(documents.load_all()))
    with pytest.raises(TypeError):
        documents.build(kind)


def test_a_kind_registered_twice_is_refused() -> None:
    kind = next(iter(documents.load_all()))
    with pytest.raises(ValueError):
        documents.document(kind, title="重複", functions=("10",))(lambda **kw: None)
