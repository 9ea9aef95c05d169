"""What the register's batch modules share: the result, parameter reading, CSV files, the log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from jichitai.audit.recording import record
from jichitai.tenancy.context import current
from jichitai.wareki import DateInputError, parse_date

from ..errors import RegistryError, RuleViolation

Progress = Callable[[int, int], None]


@dataclass
class BatchResult:
    """What a batch did: 件数 by what, one line for the run list, output files by name."""

    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""
    files: dict[str, bytes] = field(default_factory=dict)


class Params:
    """Reads a job's parameters; every problem is collected and raised at once (Japanese)."""

    def __init__(self, data: Mapping[str, Any], known: Iterable[str]) -> None:
        self.data = dict(data or {})
        self.errors: list[RuleViolation] = []
        unknown = sorted(set(self.data) - set(known))
        if unknown:  # a parameter nobody reads is refused, never silently ignored
            self.errors.append(
                RuleViolation(
                    "unknown_parameter", f"使えないパラメータです: {', '.join(unknown)}", unknown[0]
                )
            )

    def _blank(self, name: str) -> bool:
        v = self.data.get(name)
        return v is None or (isinstance(v, str) and not v.strip())

    def text(self, name: str, default: str = "") -> str:
        return default if self._blank(name) else str(self.data[name]).strip()

    def date(self, name: str, label: str, *, required: bool = False) -> dt.date | None:
        if self._blank(name):
            if required:
                self.errors.append(RuleViolation("required", f"{label}を入力してください。", name))
            return None
        v = self.data[name]
        if isinstance(v, dt.date):
            return v
        try:
            return parse_date(str(v))
        except DateInputError:
            self.errors.append(
                RuleViolation(
                    "date_format",
                    f"{label}の形式が正しくありません（例: 2024-04-01、令和6年4月1日）。",
                    name,
                )
            )
            return None

    def integer(
        self, name: str, label: str, *, low: int, high: int, default: int | None = None
    ) -> int | None:
        if self._blank(name):
            if default is None:
                self.errors.append(RuleViolation("required", f"{label}を入力してください。", name))
            return default
        try:
            n = int(str(self.data[name]).strip())
        except ValueError:
            n = low - 1
        if not low <= n <= high:
            self.errors.append(
                RuleViolation("range", f"{label}は{low}〜{high}の整数で入力してください。", name)
            )
            return default
        return n

    def choice(self, name: str, label: str, choices: Mapping[str, str], default: str = "") -> str:
        v = self.text(name, default)
        if v not in choices:
            listed = "、".join(f"{k}（{t}）" for k, t in choices.items())
            self.errors.append(
                RuleViolation("choice", f"{label}は {listed} のいずれかです。", name)
            )
            return default
        return v

    def codes(self, name: str) -> tuple[str, ...]:
        """A list given as a list or as text separated by commas or spaces."""
        v = self.data.get(name) or ()
        parts = (
            v.replace("、", ",").replace(" ", ",").split(",")
            if isinstance(v, str)
            else [str(x) for x in v]
        )
        return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))

    def check(self) -> None:
        if self.errors:
            raise RegistryError(*self.errors)


def csv_file(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM (opened as is by the spreadsheet programs offices use), CRLF lines."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return out.getvalue().encode("utf-8-sig")


def document_file(doc: Any) -> bytes:
    """A register document (``registry.documents``) as the JSON the renderer (issue 12) reads."""
    return json.dumps(asdict(doc), ensure_ascii=False, default=str, indent=1).encode("utf-8")


def staff_id() -> int | None:
    return current().staff_id


def log(action: str, **detail: Any) -> None:
    """One operation entry per batch run with what it produced (never who is in it)."""
    record("operation", f"registry.batch.{action}", function=action, detail=detail)


def tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
