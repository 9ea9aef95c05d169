"""The input of [1340] 住所一括変更: a CSV of 世帯番号 and the address before and after, or of 宛名番号
and the 本籍 before and after ([1340]#2).

Header (in any column order): 世帯番号, 変更前町字コード, 変更前番地, 変更後町字コード, 変更後番地, and
optionally 変更後方書 (blank: the 方書 stays). 番地 are read as the register stores them (full-width
digits and dashes converted). One 世帯番号 once. Rows are grouped by the address before (町字 + 番地):
the unit that is changed all or not at all. The 本籍 CSV: 宛名番号, 変更前本籍, 変更後本籍, grouped by
the 本籍 before.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from ..errors import RegistryError, RuleViolation
from ..inputs.problems import InputProblem
from ..inputs.text import normalize_banchi, normalize_katagaki

COLUMNS = {
    "household_no": "世帯番号",
    "from_town": "変更前町字コード",
    "from_banchi": "変更前番地",
    "to_town": "変更後町字コード",
    "to_banchi": "変更後番地",
}
OPTIONAL = {"to_katagaki": "変更後方書"}
MAX_ROWS = 50_000


@dataclass
class Row:
    line: int
    household_no: str
    from_town: str
    from_banchi: str
    to_town: str
    to_banchi: str
    to_katagaki: str | None  # None: keep the household's 方書
    problem: str = ""  # why this line cannot be processed (Japanese)

    @property
    def subject(self) -> str:
        return self.household_no

    @property
    def group(self) -> tuple[str, ...]:
        return self.from_town, self.from_banchi


@dataclass
class HonsekiRow:
    """One line of the 本籍 CSV: 宛名番号, 変更前本籍, 変更後本籍."""

    line: int
    atena_no: str
    from_honseki: str
    to_honseki: str
    problem: str = ""

    @property
    def subject(self) -> str:
        return self.atena_no

    @property
    def group(self) -> tuple[str, ...]:
        return (self.from_honseki,)


HONSEKI_COLUMNS = {"atena_no": "宛名番号", "from_honseki": "変更前本籍", "to_honseki": "変更後本籍"}


def _lines(text: str) -> list[list[str]]:
    """The CSV's lines (a BOM, CR LF or a lone CR are fine); text that is no CSV is refused."""
    body = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        return list(csv.reader(io.StringIO(body)))
    except csv.Error as exc:
        raise RegistryError(
            RuleViolation("csv_format", f"CSVとして読めません（{exc}）。", "csv")
        ) from None


def is_honseki(text: str) -> bool:
    """Whether the CSV is the 本籍 one (its header names 宛名番号 and 変更前本籍)."""
    first = next(iter(_lines(text)), [])
    return {"宛名番号", "変更前本籍"} <= {h.strip() for h in first}


def _cells(
    text: str, columns: dict[str, str]
) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    reader = iter(_lines(text))
    header = [h.strip() for h in next(reader, [])]
    missing = [label for label in columns.values() if label not in header]
    if missing:
        raise RegistryError(
            RuleViolation("csv_header", f"CSVの見出しに {'、'.join(missing)} がありません。", "csv")
        )
    lines = [(n, cells) for n, cells in enumerate(reader, start=2) if any(c.strip() for c in cells)]
    if not lines:
        raise RegistryError(RuleViolation("csv_empty", "CSVに処理する行がありません。", "csv"))
    if len(lines) > MAX_ROWS:
        raise RegistryError(
            RuleViolation("csv_rows", f"1回に処理できるのは{MAX_ROWS}行までです。", "csv")
        )
    return {label: header.index(label) for label in header if label}, lines


def parse_honseki(text: str) -> list[HonsekiRow]:
    """The rows of the 本籍 CSV (本籍 kept as typed; the planner checks its characters)."""
    at, lines = _cells(text, HONSEKI_COLUMNS)
    rows, seen = [], set()
    for n, cells in lines:
        get = {
            k: (cells[at[label]].strip() if at[label] < len(cells) else "")
            for k, label in HONSEKI_COLUMNS.items()
        }
        row = HonsekiRow(n, get["atena_no"], get["from_honseki"], get["to_honseki"])
        _check(row, get, HONSEKI_COLUMNS, seen, "宛名番号")
        rows.append(row)
    return rows


def _check(
    row: Row | HonsekiRow, get: dict[str, str], columns: dict[str, str], seen: set[str], number: str
) -> None:
    """A line with a blank column, or naming a number a line above named, is not processed."""
    blank = [label for key, label in columns.items() if not get[key]]
    if blank:
        row.problem = f"{'、'.join(blank)}を入力してください。"
    elif row.subject in seen:
        row.problem = f"同じ{number}が2回以上あります。"
    seen.add(row.subject)


def _banchi(text: str, label: str, row: Row) -> str:
    try:
        return normalize_banchi(text, label)
    except InputProblem as exc:
        row.problem = row.problem or exc.message
        return text


def parse(text: str) -> list[Row]:
    """The rows of the address CSV (a line's problem is kept on the row); a file that cannot be read
    at all raises ``RegistryError``."""
    at_label, lines = _cells(text, COLUMNS)
    at = {
        key: at_label[label] for key, label in {**COLUMNS, **OPTIONAL}.items() if label in at_label
    }
    rows: list[Row] = []
    seen: set[str] = set()
    for n, cells in lines:
        get = {k: (cells[i].strip() if i < len(cells) else "") for k, i in at.items()}
        row = Row(n, get["household_no"], get["from_town"], "", get["to_town"], "", None)
        row.from_banchi = _banchi(get["from_banchi"], "変更前番地", row)
        row.to_banchi = _banchi(get["to_banchi"], "変更後番地", row)
        if get.get("to_katagaki"):
            try:
                row.to_katagaki = normalize_katagaki(get["to_katagaki"], "変更後方書")
            except InputProblem as exc:
                row.problem = row.problem or exc.message
        _check(row, get, COLUMNS, seen, "世帯番号")
        rows.append(row)
    return rows


def batch_id(text: str, effective: str, round_: int) -> str:
    """The id of one 仮処理 (and the 本処理 that approves it): the same file, 実施日 and 回次."""
    body = "\n".join(line.strip() for line in text.lstrip("\ufeff").strip().splitlines())
    return hashlib.sha256(f"{effective}|{round_}|{body}".encode()).hexdigest()[:12]


def key(batch: str, household_no: str) -> str:
    return f"jukyo:{batch}:{household_no}"
