"""Migration files in, register out (and back): the path ``jichitai import`` / ``export`` and
the 団体管理者's screen take.

Files are read and decoded with their layout (``jichitai.layouts``), grouped into records
(``layout_records``) and handed to ``import_records`` — which checks every record with the
register's rules and writes all of them or nothing. A file problem stops the run before the
register is touched, but every record is still checked (a dry run of the register), so one run
reports everything wrong with the files at once.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jichitai.layouts import (
    Layout,
    Problem,
    RawRow,
    decode_row,
    load_layout,
    read_rows,
    write_rows,
)

from .layout_records import records_from_rows, rows_from_records
from .migration_business import business_module
from .records import ImportResult, RecordProblem, UnmappedGaiji

Progress = Callable[[int, int], None]
GAIJI_RULES = frozenset({"gaiji.unmapped", "gaiji.unknown"})
_CODE_POINT = re.compile(r"U\+[0-9A-F]{4,6}")


@dataclass
class FileRun:
    """What one run of files did: rows read, every problem, the register's result."""

    layout: str
    files: list[str]
    rows: int = 0
    problems: list[Problem | RecordProblem] = field(default_factory=list)
    result: ImportResult | None = None
    seconds: float = 0.0
    # what the files say, counted as the 照合表 counts the register (reconcile.expected_from_records)
    expected: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_rule(self) -> dict[str, int]:
        return dict(Counter(p.rule for p in self.problems).most_common())

    def as_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "layout": self.layout,
            "files": self.files,
            "rows": self.rows,
            "ok": self.ok,
            "dry_run": bool(r and r.dry_run),
            "already_imported": bool(r and r.already_imported),
            "persons": r.persons if r else 0,
            "households": r.households if r else 0,
            "events": r.events if r else 0,
            "gaiji_mapped": r.gaiji_mapped if r else 0,
            "gaiji_worklist": [asdict(g) for g in (r.gaiji_unmapped if r else [])],
            "seconds": round(self.seconds, 3),
            "source_counts": self.expected,
            "problems_by_rule": self.by_rule(),
            "problems": [asdict(p) for p in self.problems],
        }


def _gaiji_table(path: Path | None) -> Any:
    if path is None:
        return None
    from jichitai.moji.gaiji import load_gaiji_table

    return load_gaiji_table(path)


def _worklist(
    problems: Iterable[Problem], decoded: Mapping[tuple[str, int], Mapping[str, Any]]
) -> list[UnmappedGaiji]:
    """外字同定 worklist entries for the characters a file holds that nothing maps."""
    from .records import Source

    out = []
    for p in problems:
        if p.rule in GAIJI_RULES:
            atena = str(decoded.get((p.file, p.line), {}).get("atena_no") or "")
            found = _CODE_POINT.search(p.message_en)
            out.append(
                UnmappedGaiji(
                    code=found.group(0) if found else p.value[:40],
                    atena_no=atena,
                    item=p.item,
                    text=p.value,
                    source=Source(p.file, p.line),
                )
            )
    return out


def _slim(row: RawRow, values: Mapping[str, Any], coded: list[str]) -> tuple[RawRow, dict[str, Any]]:
    """What grouping into records needs of a row, and no more: a 住民 row has some 200 items,
    most of them empty, and a city's file has hundreds of thousands of rows. The raw text stays
    only for coded items (``code.unmapped`` is told from it); empty values are the defaults."""
    from dataclasses import replace

    raw = {k: row.values[k] for k in coded if row.values.get(k)}
    return replace(row, values=raw), {
        k: v for k, v in values.items() if not (v is None or v is False or v == "")
    }


def import_files(
    paths: Iterable[Path],
    *,
    layout: str | Path,
    municipality: Any,
    staff: Any,
    dry_run: bool = False,
    gaiji_table: Path | None = None,
    encoding: str | None = None,
    run_key: str = "",
    progress: Progress | None = None,
    total_rows: int = 0,
    images_dir: Path | None = None,
) -> FileRun:
    """Import ``paths`` (one layout) into ``municipality``: all or nothing. ``progress(rows,
    total_rows)`` is called every 1,000 rows read."""
    start = time.perf_counter()
    lay = load_layout(layout)
    other = business_module(lay)
    if other is not None:  # 印鑑登録, 個人住民税 (importer.migration_business)
        return other.import_files(
            paths, layout=layout, municipality=municipality, staff=staff, dry_run=dry_run,
            encoding=encoding, images_dir=images_dir,
        )  # fmt: skip
    paths = [Path(p) for p in paths]
    run = FileRun(layout=lay.id, files=[str(p) for p in paths])
    gaiji = _gaiji_table(gaiji_table)
    decoded: list[tuple[RawRow, dict[str, Any]]] = []
    raw_values: dict[tuple[str, int], dict[str, str]] = {}
    coded = [i.key for i in lay.items if i.type == "code" and i.codes]
    for path in paths:
        for item in read_rows(path, lay, encoding=encoding):
            if isinstance(item, Problem):
                run.problems.append(item)
                continue
            run.rows += 1
            values, problems = decode_row(item, lay, gaiji=gaiji)
            run.problems.extend(problems)
            if any(p.rule in GAIJI_RULES for p in problems):  # whose 外字 it is, for the worklist
                raw_values[(item.file, item.line)] = {"atena_no": item.values.get("atena_no", "")}
            if not problems:
                decoded.append(_slim(item, values, coded))
            if progress is not None and run.rows % 1000 == 0:
                progress(run.rows, total_rows)
    if progress is not None:
        progress(run.rows, max(total_rows, run.rows))
    records, problems = records_from_rows(decoded, lay)
    run.problems.extend(problems)
    from .reconcile import expected_from_records

    run.expected = expected_from_records(records)
    from .migration import import_records

    run.result = import_records(
        records,
        municipality=municipality,
        staff=staff,
        dry_run=dry_run or bool(run.problems),
        run_key=run_key,
    )
    run.problems.extend(run.result.problems)
    run.result.gaiji_unmapped = [*run.result.gaiji_unmapped, *_worklist(run.problems, raw_values)]
    if not run.result.already_imported:
        from . import gaiji_worklist

        gaiji_worklist.record(municipality.code, run.result.gaiji_unmapped, files=run.files)
    run.seconds = time.perf_counter() - start
    return run


@dataclass
class ExportRun:
    layout: str
    path: str
    persons: int = 0
    rows: int = 0
    degraded: list[Any] = field(default_factory=list)
    seconds: float = 0.0


def export_file(
    path: Path,
    *,
    layout: str | Path,
    municipality: Any,
    staff: Any,
    as_of: dt.date | None = None,
    encoding: str | None = None,
    include_restricted: bool = False,
) -> ExportRun:
    """The register of ``municipality`` (as of ``as_of``) written in ``layout``."""
    from .migration_export import export_records

    start = time.perf_counter()
    lay: Layout = load_layout(layout)
    other = business_module(lay)
    if other is not None:  # 印鑑登録, 個人住民税 (importer.migration_business)
        return other.export_file(
            path, layout=layout, municipality=municipality, staff=staff, as_of=as_of,
            encoding=encoding, include_restricted=include_restricted,
        )  # fmt: skip
    run = ExportRun(layout=lay.id, path=str(path))
    records = list(
        export_records(
            municipality=municipality,
            as_of=as_of,
            include_restricted=include_restricted,
            staff=staff,
        )
    )
    run.persons = len(records)
    result = write_rows(
        Path(path),
        lay,
        rows_from_records(records, lay, municipality_code=municipality.code),
        encoding=encoding or lay.encoding,
        include_restricted=include_restricted,
    )
    run.rows, run.degraded = result.rows, list(result.degraded)
    run.seconds = time.perf_counter() - start
    return run
