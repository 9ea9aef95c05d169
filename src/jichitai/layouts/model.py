"""Layout definitions as data: items, code tables, and the values and problems the codecs produce.

A layout is a TOML file (docs/migration.md): one per standard/version/business/file, under
``defs/``; code tables under ``codes/<source>/``. Loading validates the whole file and reports every
mistake it finds at once, naming the file and the item, so a municipality adding its vendor's
layout without writing code learns what is wrong from the message alone.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
DEFS = PACKAGE / "defs"
CODES = PACKAGE / "codes"

TYPES = ("text", "code", "date", "wareki_date", "era", "partial_date", "flag", "number", "time")
CHECKS = ("", "m11", "my_number", "resident_code", "lg_code")
FORMATS = ("csv", "fixed")


class LayoutError(ValueError):
    """A layout or code table that cannot be used; ``errors`` lists every mistake (日本語 / English)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class PartialDate:
    """A date with unknown parts (不詳): None for an unknown year, month or day; ``text`` is the 不詳表記."""

    year: int | None
    month: int | None
    day: int | None
    text: str = ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (file, line, column), which item, which rule, which value."""

    file: str
    line: int
    column: int | None  # CSV: 1-based field index; fixed width: 1-based byte position
    item: str  # the item's Japanese name ("" for the whole line)
    key: str
    rule: str
    value: str
    message_ja: str
    message_en: str


@dataclass(frozen=True)
class RawRow:
    """One record as read: the raw text per item key, and where it came from."""

    file: str
    line: int  # the physical line where the record starts (1-based)
    values: dict[str, str]
    encoding: str = ""  # the encoding the file was read with (told or detected)
    columns: dict[str, int] = field(
        default_factory=dict
    )  # key → column (field index or byte position)


@dataclass(frozen=True)
class Item:
    no: int
    name: str
    key: str
    type: str
    length: int = 0
    required: bool = False
    codes: str = ""
    aliases: tuple[str, ...] = ()
    restricted: bool = False
    pad: str = ""
    check: str = ""
    unknown_flag: str = ""
    unknown_text: str = ""
    era: str = ""
    start: int = 0  # fixed width: 1-based byte position, filled in on load
    notes: str = ""


@dataclass(frozen=True)
class Code:
    code: str
    value: str
    label: str = ""


@dataclass(frozen=True)
class CodeTable:
    """A code table: the codes a file holds and the register's internal value of each."""

    name: str
    title: str
    codes: tuple[Code, ...]
    source: str = ""

    def value_of(self, code: str) -> str | None:
        """The internal value of ``code``; a code written with or without leading zeros also matches."""
        hit = self._by_code.get(code)
        if hit is None:
            hit = self._by_stripped.get(code.lstrip("0") or "0")
        return hit.value if hit is not None else None

    def code_of(self, value: str) -> str | None:
        hit = self._by_value.get(value)
        return hit.code if hit is not None else None

    def label_of(self, code: str) -> str:
        hit = self._by_code.get(code)
        return hit.label if hit is not None else ""

    @cached_property
    def _by_code(self) -> dict[str, Code]:
        return {c.code: c for c in self.codes}

    @cached_property
    def _by_stripped(self) -> dict[str, Code]:
        return {c.code.lstrip("0") or "0": c for c in self.codes}

    @cached_property
    def _by_value(self) -> dict[str, Code]:
        got: dict[str, Code] = {}
        for c in self.codes:  # the first code of a value is the one written on export
            got.setdefault(c.value, c)
        return got


@dataclass(frozen=True)
class Layout:
    id: str
    standard: str
    version: str
    business: str
    file: str
    title: str
    format: str
    encoding: str
    header: bool
    record_key: tuple[str, ...]
    history: dict[str, str]
    codes_source: str
    notes: str
    items: tuple[Item, ...]
    tables: dict[str, CodeTable]
    path: str = ""

    def item(self, key: str) -> Item:
        for it in self.items:
            if it.key == key:
                return it
        raise KeyError(key)

    def codes(self, table: str) -> CodeTable:
        return self.tables[table]

    @cached_property
    def linked_items(self) -> tuple[Item, ...]:
        """Items whose value depends on others: partial dates and dates with a 元号 beside them."""
        return tuple(it for it in self.items if it.type == "partial_date" or it.era)

    @cached_property
    def items_by_key(self) -> dict[str, Item]:
        return {it.key: it for it in self.items}

    @cached_property
    def required_items(self) -> tuple[Item, ...]:
        return tuple(it for it in self.items if it.required)

    @property
    def record_bytes(self) -> int:
        """Fixed width: the length of one record in bytes."""
        return max((it.start - 1 + it.length for it in self.items), default=0)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError([f"{path}: TOML の書式が不正です / invalid TOML: {exc}"]) from None
    except OSError as exc:
        raise LayoutError([f"{path}: ファイルを読めません / cannot read: {exc}"]) from None


def load_code_table(path: Path) -> CodeTable:
    """Read and validate one code table file."""
    data = _read_toml(path)
    errors: list[str] = []
    head = data.get("table", {})
    name = str(head.get("name", path.stem))
    codes: list[Code] = []
    seen: set[str] = set()
    for n, row in enumerate(data.get("codes", []), start=1):
        code, value = row.get("code"), row.get("value")
        if not isinstance(code, str) or not isinstance(value, str):
            errors.append(
                f"{path}: codes[{n}]: code と value は文字列で必要です / code and value must be strings"
            )
            continue
        if code in seen:
            errors.append(f"{path}: コード {code!r} が重複しています / duplicate code {code!r}")
        seen.add(code)
        codes.append(Code(code, value, str(row.get("label", ""))))
    if errors:
        raise LayoutError(errors)
    return CodeTable(name, str(head.get("title", "")), tuple(codes), str(path))


def _find_table(name: str, source: str, layout_path: Path | None) -> Path | None:
    candidates = []
    if layout_path is not None:
        candidates.append(layout_path.parent / "codes" / f"{name}.toml")
        if source:
            candidates.append(layout_path.parent / "codes" / source / f"{name}.toml")
    if source:
        candidates.append(CODES / source / f"{name}.toml")
    return next((p for p in candidates if p.is_file()), None)


_ITEM_FIELDS = {f for f in Item.__dataclass_fields__}


def _item(path: Path, n: int, raw: dict[str, Any], errors: list[str]) -> Item | None:
    where = f"{path}: items[{n}] {raw.get('name', '?')} ({raw.get('key', '?')})"
    unknown = set(raw) - _ITEM_FIELDS
    if unknown:
        errors.append(f"{where}: 未知の設定 {sorted(unknown)} / unknown settings {sorted(unknown)}")
    for need in ("no", "name", "key", "type"):
        if need not in raw:
            errors.append(f"{where}: {need} がありません / {need} is missing")
    if any(need not in raw for need in ("no", "name", "key", "type")):
        return None
    kw = {k: v for k, v in raw.items() if k in _ITEM_FIELDS}
    kw["aliases"] = tuple(kw.get("aliases", ()))
    try:
        item = Item(**kw)
    except TypeError as exc:  # pragma: no cover - dataclass rejects nothing we filtered
        errors.append(f"{where}: {exc}")
        return None
    if item.type not in TYPES:
        errors.append(
            f"{where}: 型 {item.type!r} は使えません(使える型: {', '.join(TYPES)}) / "
            f"unknown type {item.type!r} (known: {', '.join(TYPES)})"
        )
    if item.check not in CHECKS:
        errors.append(f"{where}: 検査 {item.check!r} は未知です / unknown check {item.check!r}")
    if not isinstance(item.length, int) or item.length < 0:
        errors.append(f"{where}: length は 0 以上の整数です / length must be an integer ≥ 0")
    if len(item.pad) > 1:
        errors.append(f"{where}: pad は1文字です / pad must be one character")
    return item


def _check_items(path: Path, fmt: str, items: list[Item], errors: list[str]) -> list[Item]:
    keys: dict[str, Item] = {}
    nos: set[int] = set()
    for it in items:
        where = f"{path}: {it.name} ({it.key})"
        if it.key in keys:
            errors.append(f"{where}: key {it.key!r} が重複しています / duplicate key {it.key!r}")
        if it.no in nos:
            errors.append(f"{where}: 項目番号 {it.no} が重複しています / duplicate item no {it.no}")
        keys[it.key] = it
        nos.add(it.no)
    for it in items:
        where = f"{path}: {it.name} ({it.key})"
        if it.type == "partial_date":
            for ref in ("unknown_flag", "unknown_text"):
                target = getattr(it, ref)
                if not target:
                    errors.append(f"{where}: {ref} がありません / {ref} is missing")
                elif target not in keys:
                    errors.append(
                        f"{where}: {ref} {target!r} という項目はありません / {ref} names no item {target!r}"
                    )
                elif ref == "unknown_flag" and keys[target].type != "flag":
                    errors.append(
                        f"{where}: {target} は flag 型ではありません / {target} is not a flag item"
                    )
        if it.era and (it.era not in keys or keys[it.era].type != "era"):
            errors.append(
                f"{where}: era {it.era!r} は era 型の項目ではありません / era {it.era!r} is no era item"
            )
    return _place(path, fmt, items, errors) if fmt == "fixed" else items


def _place(path: Path, fmt: str, items: list[Item], errors: list[str]) -> list[Item]:
    """Fixed width: give every item its start byte and refuse gaps that overlap."""
    placed: list[Item] = []
    pos = 1
    last: Item | None = None
    for it in items:
        where = f"{path}: {it.name} ({it.key})"
        if it.length <= 0:
            errors.append(f"{where}: 固定長では length が必要です / fixed width needs a length > 0")
        start = it.start or pos
        if start < pos and last is not None:
            errors.append(
                f"{where}: {start} バイト目から始まり {last.name} と重なります / "
                f"starts at byte {start} and overlaps {last.key}"
            )
        new = Item(**{**it.__dict__, "start": start})
        placed.append(new)
        pos = start + max(it.length, 0)
        last = new
    return placed


def _check_layout_head(path: Path, head: dict[str, Any], errors: list[str]) -> None:
    for need in ("id", "format"):
        if not head.get(need):
            errors.append(f"{path}: [layout] {need} がありません / [layout] {need} is missing")
    if head.get("format") and head["format"] not in FORMATS:
        errors.append(
            f"{path}: format {head['format']!r} は csv か fixed です / format must be csv or fixed"
        )


def _tables(path: Path, source: str, items: list[Item], errors: list[str]) -> dict[str, CodeTable]:
    tables: dict[str, CodeTable] = {}
    for it in items:
        if not it.codes or it.codes in tables:
            continue
        found = _find_table(it.codes, source, path)
        if found is None:
            errors.append(
                f"{path}: {it.name} ({it.key}): コード表 {it.codes!r} が見つかりません "
                f"(codes/{source}/{it.codes}.toml) / code table {it.codes!r} not found"
            )
            continue
        try:
            tables[it.codes] = load_code_table(found)
        except LayoutError as exc:
            errors.extend(exc.errors)
    return tables


def _build(path: Path) -> Layout:
    data = _read_toml(path)
    errors: list[str] = []
    head = data.get("layout")
    if not isinstance(head, dict):
        raise LayoutError([f"{path}: [layout] がありません / [layout] table is missing"])
    _check_layout_head(path, head, errors)
    fmt = str(head.get("format", "csv"))
    raw_items = data.get("items", [])
    if not raw_items:
        errors.append(f"{path}: 項目がありません / no [[items]]")
    parsed = [_item(path, n, r, errors) for n, r in enumerate(raw_items, start=1)]
    items = _check_items(path, fmt, [i for i in parsed if i is not None], errors)
    source = str(head.get("codes", ""))
    tables = _tables(path, source, items, errors)
    keys = {it.key for it in items}
    for k in head.get("record_key", []):
        if k not in keys:
            errors.append(f"{path}: record_key {k!r} という項目はありません / no item {k!r}")
    if errors:
        raise LayoutError(errors)
    return Layout(
        id=str(head["id"]),
        standard=str(head.get("standard", "")),
        version=str(head.get("version", "")),
        business=str(head.get("business", "")),
        file=str(head.get("file", "")),
        title=str(head.get("title", "")),
        format=fmt,
        encoding=str(head.get("encoding", "utf-8")),
        header=bool(head.get("header", fmt == "csv")),
        record_key=tuple(head.get("record_key", ())),
        history=dict(head.get("history", {})),
        codes_source=source,
        notes=str(head.get("notes", "")),
        items=tuple(items),
        tables=tables,
        path=str(path),
    )


def _layout_files() -> list[Path]:
    return sorted(DEFS.rglob("*.toml")) if DEFS.is_dir() else []


def _id_of(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            return str(tomllib.load(f).get("layout", {}).get("id", "")) or None
    except (OSError, tomllib.TOMLDecodeError):
        return None


def available_layouts() -> list[str]:
    """The ids of the layouts shipped in ``defs/``."""
    return sorted(i for i in (_id_of(p) for p in _layout_files()) if i)


def load_layout(layout_id_or_path: str | Path) -> Layout:
    """A layout by its id (searched in ``defs/``) or from a file; raises LayoutError when invalid."""
    p = Path(layout_id_or_path)
    if isinstance(layout_id_or_path, Path) or p.suffix == ".toml" or p.is_file():
        if not p.is_file():
            raise LayoutError([f"{p}: ファイルがありません / no such file"])
        return _build(p.resolve())
    for f in _layout_files():
        if _id_of(f) == str(layout_id_or_path):
            return _build(f)
    known = ", ".join(available_layouts()) or "-"
    raise LayoutError(
        [
            f"レイアウト {layout_id_or_path!r} はありません(あるもの: {known}) / "
            f"no layout {layout_id_or_path!r} (known: {known})"
        ]
    )
