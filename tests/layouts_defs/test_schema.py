"""Every packaged layout definition and code table follows the shared schema (contract section A):
the loader of ``jichitai.layouts`` reads them blind, so each rule it relies on is checked here."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import pytest

from .support import CODES, DEFS, code_files, layout_files, load

LAYOUT_KEYS = {
    "id",
    "standard",
    "version",
    "business",
    "file",
    "title",
    "format",
    "encoding",
    "header",
    "record_key",
    "history",
    "codes",
    "notes",
}
LAYOUT_REQUIRED = {"id", "standard", "version", "business", "file", "title", "format"}
ITEM_KEYS = {
    "no",
    "name",
    "key",
    "type",
    "length",
    "required",
    "codes",
    "aliases",
    "restricted",
    "pad",
    "check",
    "unknown_flag",
    "unknown_text",
    "era",
    "start",
    "notes",
}
ITEM_REQUIRED = {"no", "name", "key", "type", "length"}
TYPES = {"text", "code", "date", "wareki_date", "era", "partial_date", "flag", "number", "time"}
CHECKS = {"", "m11", "my_number", "resident_code", "lg_code"}
STRINGS = (
    "name",
    "key",
    "type",
    "codes",
    "pad",
    "check",
    "unknown_flag",
    "unknown_text",
    "era",
    "notes",
)
KEY = re.compile(r"^[a-z][a-z0-9_]*$")

LAYOUTS = layout_files()
TABLES = code_files()


def _id(path: Path) -> str:
    return str(path.relative_to(DEFS if DEFS in path.parents else CODES))


def test_the_package_ships_the_four_layouts() -> None:
    ids = {load(p)["layout"]["id"] for p in LAYOUTS}
    assert {
        "kihon-1.0-jumin",
        "kihon-1.0-inkan",
        "kihon-1.0-juminzei",
        "chukan-2.x-jumin-kojin",
    } <= ids
    assert len(ids) == len(LAYOUTS), "layout ids are unique"


@pytest.mark.parametrize("path", LAYOUTS, ids=_id)
def test_layout_header(path: Path) -> None:
    data = load(path)
    assert set(data) == {"layout", "items"}
    head = data["layout"]
    assert set(head) <= LAYOUT_KEYS, set(head) - LAYOUT_KEYS
    assert LAYOUT_REQUIRED <= set(head)
    assert head["format"] in {"csv", "fixed"}
    codecs.lookup(head.get("encoding", "utf-8"))
    assert isinstance(head.get("header", True), bool)
    # defs/<standard>/<version>/<business>/<file>.toml
    assert path.relative_to(DEFS).parts[1:] == (
        head["version"],
        head["business"],
        f"{head['file']}.toml",
    )
    keys = {item["key"] for item in data["items"]}
    assert head["record_key"] and set(head["record_key"]) <= keys
    if "history" in head:
        assert set(head["history"]) == {"sequence", "latest"}
        assert {head["history"]["sequence"], head["history"]["latest"]} <= keys
    if head["format"] == "fixed":
        assert head.get("header") is False
    assert (CODES / head.get("codes", "kihon")).is_dir()


@pytest.mark.parametrize("path", LAYOUTS, ids=_id)
def test_items(path: Path) -> None:
    data = load(path)
    items: list[dict[str, Any]] = data["items"]
    assert [item["no"] for item in items] == list(range(1, len(items) + 1)), (
        "numbered 1..n in order"
    )
    by_key = {item["key"]: item for item in items}
    assert len(by_key) == len(items), "unique keys"
    spellings = [s for item in items for s in (item["name"], *item.get("aliases", []))]
    assert len(set(spellings)) == len(spellings), "names and aliases are unique"
    source = data["layout"].get("codes", "kihon")
    for item in items:
        where = f"{path.name} #{item['no']} {item['name']}"
        assert set(item) <= ITEM_KEYS and ITEM_REQUIRED <= set(item), where
        assert KEY.match(item["key"]), where
        assert item["type"] in TYPES, where
        assert isinstance(item["length"], int) and item["length"] > 0, where
        assert all(isinstance(item.get(k, ""), str) for k in STRINGS), where
        assert all(isinstance(item.get(k, False), bool) for k in ("required", "restricted")), where
        assert all(isinstance(a, str) and a for a in item.get("aliases", [])), where
        assert item.get("check", "") in CHECKS, where
        assert len(item.get("pad", "")) <= 1, where
        if item.get("codes"):
            assert (CODES / source / f"{item['codes']}.toml").is_file(), (
                f"{where}: codes {item['codes']}"
            )
        _partial_date(item, by_key, where)


def _partial_date(item: dict[str, Any], by_key: dict[str, dict[str, Any]], where: str) -> None:
    flag, text, era = (
        item.get("unknown_flag", ""),
        item.get("unknown_text", ""),
        item.get("era", ""),
    )
    if flag or text:
        assert item["type"] == "partial_date", where
    if item["type"] == "partial_date":
        assert flag and text, f"{where}: a partial date names both its 不詳フラグ and 不詳表記"
    if flag:
        assert by_key[flag]["type"] == "flag", where
    if text:
        assert by_key[text]["type"] == "text", where
    if era:
        assert item["type"] in {"date", "partial_date"} and by_key[era]["type"] == "era", where


@pytest.mark.parametrize(
    "path", [p for p in LAYOUTS if load(p)["layout"]["format"] == "fixed"], ids=_id
)
def test_fixed_width_positions_do_not_overlap(path: Path) -> None:
    end = 0  # last byte used (1-based)
    for item in load(path)["items"]:
        start = item.get("start", 0) or end + 1
        assert start > end, f"#{item['no']} {item['name']} overlaps the previous item"
        end = start + item["length"] - 1
    assert end > 0


@pytest.mark.parametrize("path", TABLES, ids=_id)
def test_code_table(path: Path) -> None:
    data = load(path)
    assert set(data) == {"table", "codes"}
    assert data["table"]["name"] == path.stem and data["table"]["title"]
    rows = data["codes"]
    assert rows
    for row in rows:
        assert set(row) == {"code", "value", "label"}, row
        assert all(isinstance(v, str) for v in row.values()) and row["code"] and row["label"], row
    assert len({r["code"] for r in rows}) == len(rows), "unique codes"
    assert len({len(r["code"]) for r in rows}) == 1, "codes of one table have one width"


def test_every_table_a_layout_names_is_shipped_in_both_sources() -> None:
    """A 中間標準 layout's tables come from codes/chukan: the directory is complete on its own."""
    kihon = {p.stem for p in (CODES / "kihon").glob("*.toml")}
    chukan = {p.stem for p in (CODES / "chukan").glob("*.toml")}
    assert kihon == chukan
