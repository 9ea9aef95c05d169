"""Read a layout file into raw rows, streaming: CSV (quoted fields, embedded newlines) or fixed width.

Nothing here interprets values (that is `decode_row`); this module only finds the records, their
fields and where each came from, and reports what stops a record from being read at all: bytes that
do not decode ("encoding"), a header that does not match ("header"), a wrong field count or record
length ("columns").
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .encodings import Source, byte_lines, resolve, strip_newline
from .model import Item, Layout, Problem, RawRow

csv.field_size_limit(1 << 24)


def _problem(
    file: str,
    line: int,
    column: int | None,
    rule: str,
    value: str,
    ja: str,
    en: str,
    item: Item | None = None,
) -> Problem:
    return Problem(
        file, line, column, item.name if item else "", item.key if item else "", rule, value, ja, en
    )


def _encoding_problem(
    file: str,
    line: int,
    offset: int,
    exc: UnicodeDecodeError,
    src: Source,
    column: int | None = None,
    item: Item | None = None,
) -> Problem:
    bad = exc.object[exc.start : exc.end].hex(" ").upper()
    col = column if column is not None else exc.start + 1
    return _problem(
        file,
        line,
        col,
        "encoding",
        bad,
        f"{line}行目 {col}バイト目(ファイル先頭から{offset + exc.start + 1}バイト目)のバイト列 {bad} は"
        f" {src.name} として読めません。文字コードを確かめてください",
        f"line {line}, byte {col} (file offset {offset + exc.start}, from 0): bytes {bad} are not valid "
        f"{src.name}; check the file's encoding",
        item,
    )


def _fold(name: str) -> str:
    """Header spelling for matching: NFKC, no whitespace, no 「_」「＿」."""
    return re.sub(r"[\s_]", "", unicodedata.normalize("NFKC", name))


def _header_index(layout: Layout) -> tuple[dict[str, Item], dict[str, Item]]:
    exact: dict[str, Item] = {}
    folded: dict[str, Item] = {}
    for it in layout.items:
        exact.setdefault(it.name, it)
    for it in layout.items:
        for alias in (*it.aliases, it.key):
            exact.setdefault(alias, it)
        for spelling in (it.name, *it.aliases, it.key):
            folded.setdefault(_fold(spelling), it)
    return exact, folded


def match_header(
    fields: list[str], layout: Layout, file: str, line: int = 1
) -> tuple[list[Item | None], list[Problem]]:
    """The item of each header column (None for an unknown one) and the header's problems."""
    exact, folded = _header_index(layout)
    out: list[Item | None] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for col, name in enumerate(fields, start=1):
        it = exact.get(name) or exact.get(name.strip()) or folded.get(_fold(name))
        if it is None:
            problems.append(
                _problem(
                    file,
                    line,
                    col,
                    "header",
                    name,
                    f"{col}列目の見出し「{name}」はレイアウト {layout.id} の項目にありません",
                    f"column {col} header {name!r} is not an item of layout {layout.id}",
                )
            )
        elif it.key in seen:
            problems.append(
                _problem(
                    file,
                    line,
                    col,
                    "header",
                    name,
                    f"{col}列目「{name}」: 項目「{it.name}」の列が二つあります",
                    f"column {col} {name!r}: a second column for item {it.key}",
                    it,
                )
            )
            it = None
        else:
            seen.add(it.key)
        out.append(it)
    for it in layout.items:
        if it.required and it.key not in seen:
            problems.append(
                _problem(
                    file,
                    line,
                    None,
                    "header",
                    it.name,
                    f"必須項目「{it.name}」({it.key}) の列がありません",
                    f"required column {it.name} ({it.key}) is missing",
                    it,
                )
            )
    return out, problems


def _text_lines(
    f: BinaryIO, src: Source, file: str, problems: list[Problem], bad: set[int]
) -> Iterator[str]:
    for n, (offset, raw) in enumerate(byte_lines(f, src), start=1):
        try:
            yield raw.decode(src.codec)
        except UnicodeDecodeError as exc:
            problems.append(_encoding_problem(file, n, offset, exc, src))
            bad.add(n)
            yield raw.decode(src.codec, errors="replace")


def _csv_rows(f: BinaryIO, layout: Layout, src: Source, file: str) -> Iterator[RawRow | Problem]:
    problems: list[Problem] = []
    bad: set[int] = set()
    reader = csv.reader(_text_lines(f, src, file, problems, bad), strict=True)
    columns: list[Item | None] = list(layout.items)
    blank = {it.key: "" for it in layout.items}
    prev = 0
    header_pending = layout.header
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            start, prev = prev + 1, reader.line_num
            yield from problems
            problems.clear()
            yield _problem(
                file,
                start,
                None,
                "columns",
                "",
                f"{start}行目: CSV として読めません({exc})",
                f"line {start}: not valid CSV ({exc})",
            )
            continue
        start, prev = prev + 1, reader.line_num
        yield from problems
        problems.clear()
        if any(start <= n <= prev for n in bad):
            continue
        if not fields or fields == [""]:
            continue  # a blank line
        if header_pending:
            header_pending = False
            columns, header_problems = match_header(fields, layout, file, start)
            yield from header_problems
            continue
        if len(fields) != len(columns):
            yield _problem(
                file,
                start,
                None,
                "columns",
                str(len(fields)),
                f"{start}行目: 列の数が {len(fields)} です({len(columns)} 列のはずです)",
                f"line {start}: {len(fields)} fields, expected {len(columns)}",
            )
            continue
        values = dict(blank)
        where: dict[str, int] = {}
        for col, (it, value) in enumerate(zip(columns, fields, strict=True), start=1):
            if it is not None:
                values[it.key] = value
                where[it.key] = col
        yield RawRow(file, start, values, src.name, where)
    yield from problems


def _fixed_rows(f: BinaryIO, layout: Layout, src: Source, file: str) -> Iterator[RawRow | Problem]:
    size = layout.record_bytes
    where = {it.key: it.start for it in layout.items}
    for n, (offset, raw) in enumerate(byte_lines(f, src), start=1):
        rec = strip_newline(raw, src)
        if not rec:
            continue
        if len(rec) != size:
            yield _problem(
                file,
                n,
                None,
                "columns",
                str(len(rec)),
                f"{n}行目: レコードの長さが {len(rec)} バイトです({size} バイトのはずです)",
                f"line {n}: record is {len(rec)} bytes, expected {size}",
            )
            continue
        values: dict[str, str] = {}
        ok = True
        for it in layout.items:
            piece = rec[it.start - 1 : it.start - 1 + it.length]
            try:
                text = piece.decode(src.codec)
            except UnicodeDecodeError as exc:
                yield _encoding_problem(
                    file, n, offset + it.start - 1, exc, src, it.start + exc.start, it
                )
                ok = False
                continue
            values[it.key] = text.rstrip(" \u3000")
        if ok:
            yield RawRow(file, n, values, src.name, where)


def read_rows(
    path: Path, layout: Layout, *, encoding: str | None = None
) -> Iterator[RawRow | Problem]:
    """Raw rows of ``path`` in order, and a Problem wherever a record cannot be read. Streaming.

    ``encoding`` None detects it (see `encodings.detect`); each RawRow says which was used.
    """
    path = Path(path)
    file = str(path)
    with path.open("rb") as f:
        src = resolve(f.read(1 << 20), encoding)
        rows = _fixed_rows if layout.format == "fixed" else _csv_rows
        yield from rows(f, layout, src, file)


def detect_encoding(path: Path, encoding: str | None = None) -> str:
    """The encoding `read_rows` would use for ``path`` (reported, e.g. in a dry run)."""
    with Path(path).open("rb") as f:
        return resolve(f.read(1 << 20), encoding).name
