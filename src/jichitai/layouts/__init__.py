"""jichitai.layouts: migration files as data — layout definitions, and streaming codecs for them.

Pure Python (no Django): `load_layout` reads a TOML layout, `read_rows` finds the raw records of a
file (CSV or fixed width, any of the supported encodings), `decode_row` turns one into values and
problems, `encode_row` / `write_rows` go the other way. docs/migration.md describes the formats.
"""

from __future__ import annotations

from .decode import decode_row, prepare_gaiji
from .encodings import SUPPORTED as ENCODINGS
from .model import (
    Code,
    CodeTable,
    Item,
    Layout,
    LayoutError,
    PartialDate,
    Problem,
    RawRow,
    available_layouts,
    load_code_table,
    load_layout,
)
from .read import detect_encoding, read_rows
from .write import Degraded, WriteResult, encode_row, write_rows

__all__ = [
    "ENCODINGS",
    "Code",
    "CodeTable",
    "Degraded",
    "Item",
    "Layout",
    "LayoutError",
    "PartialDate",
    "Problem",
    "RawRow",
    "WriteResult",
    "available_layouts",
    "decode_row",
    "detect_encoding",
    "encode_row",
    "load_code_table",
    "load_layout",
    "prepare_gaiji",
    "read_rows",
    "write_rows",
]
