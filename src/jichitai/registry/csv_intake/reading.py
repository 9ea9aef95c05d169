"""Reading an intake CSV: encoding, header, one value per column, every problem located."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500


class Refused(ValueError):
    """One value refused by its checker: ``rule`` and a Japanese ``message``."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule, self.message = rule, message


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 0: the whole file
    item: str  # the column's name ("" for the file or the line)
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.item or '—'} [{self.rule}] {self.message}"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    check: Callable[[str], Any] = str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass
class Row:
    line: int
    values: dict[str, Any] = field(default_factory=dict)


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKC", name).replace(" ", "").replace("\u3000", "").strip()


def decode(data: bytes, file: str) -> tuple[str, list[Problem]]:
    """UTF-8 (BOM or not), else CP932 (a spreadsheet's 「CSV」 on Windows)."""
    if len(data) > MAX_BYTES:
        return "", [
            Problem(
                file,
                0,
                "",
                "too_large",
                f"ファイルが大きすぎます（{MAX_BYTES // 1024 // 1024}MBまで）。",
            )
        ]
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding), []
        except UnicodeDecodeError:
            continue
    return "", [
        Problem(
            file,
            0,
            "",
            "encoding",
            "文字コードを判別できません。UTF-8 か Shift_JIS（CP932）で保存してください。",
        )
    ]


def _header(
    names: Sequence[str], columns: Sequence[Column], file: str
) -> tuple[dict[int, Column], list[Problem]]:
    by_name = {_fold(n): c for c in columns for n in (c.label, *c.aliases, c.key)}
    found: dict[int, Column] = {}
    problems = []
    for i, name in enumerate(names):
        col = by_name.get(_fold(name))
        if col is None:
            if _fold(name):
                problems.append(
                    Problem(
                        file,
                        1,
                        name,
                        "unknown_column",
                        f"「{name}」は取り込める項目ではありません。",
                    )
                )
        elif col in found.values():
            problems.append(
                Problem(file, 1, name, "duplicate_column", f"「{col.label}」の列が2つあります。")
            )
        else:
            found[i] = col
    for col in columns:
        if col.required and col not in found.values():
            problems.append(
                Problem(file, 1, col.label, "missing_column", f"「{col.label}」の列がありません。")
            )
    return found, problems


def read(data: bytes, file: str, columns: Sequence[Column]) -> tuple[list[Row], list[Problem]]:
    """The rows with checked values, and every problem (file, line, item, rule) of the file."""
    text, problems = decode(data, file)
    if problems:
        return [], problems
    lines = list(csv.reader(io.StringIO(text)))
    if not lines:
        return [], [
            Problem(file, 0, "", "empty", "ファイルが空です。1行目に項目名を書いてください。")
        ]
    header, problems = _header(lines[0], columns, file)
    if problems:
        return [], problems
    rows: list[Row] = []
    for n, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(
                Problem(file, n, "", "too_many", f"一度に取り込めるのは{MAX_ROWS}行までです。")
            )
            break
        rows.append(_row(n, cells, header, len(lines[0]), file, problems))
    return rows, problems


def _row(
    n: int,
    cells: list[str],
    header: dict[int, Column],
    width: int,
    file: str,
    problems: list[Problem],
) -> Row:
    row = Row(n)
    if len(cells) > width:
        problems.append(
            Problem(
                file,
                n,
                "",
                "columns",
                f"列の数（{len(cells)}）が項目名の数（{width}）より多くなっています。",
            )
        )
    for i, col in header.items():
        raw = cells[i].strip() if i < len(cells) else ""
        if not raw:
            if col.required:
                problems.append(
                    Problem(file, n, col.label, "required", f"{col.label}を入力してください。")
                )
            continue
        try:
            row.values[col.key] = col.check(raw)
        except Refused as exc:
            problems.append(Problem(file, n, col.label, exc.rule, exc.message))
    return row
