"""Migration files of the other businesses (印鑑登録, 個人住民税): what their importers share.

``importer.migration_files`` hands a layout whose ``business`` is not the 住民 register to the
module named here (``migration_seals`` for ``inkan``, ``migration_tax`` for ``juminzei``). They
read and decode the files with the same codec, check every row against the register (persons by
宛名番号, only in the municipality of the run) and against their own app's rules, and write all
rows or none: one transaction with one ``MigrationRun`` and one operation-log entry.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from jichitai.layouts import Layout, Problem, decode_row, load_layout, read_rows, write_rows

from .records import ImportResult, RecordProblem

MODULES = {"inkan": "migration_seals", "juminzei": "migration_tax"}


def business_module(layout: Layout) -> ModuleType | None:
    """The importer of ``layout``'s business, or None for the 住民 register's own path."""
    name = MODULES.get(layout.business)
    if name is None:
        return None
    from importlib import import_module

    return import_module(f"{__package__}.{name}")


@dataclass
class BusinessResult(ImportResult):
    """What a 印鑑登録 / 課税情報 run did: ``stored`` rows of ``what`` (persons: distinct persons)."""

    what: str = ""
    stored: int = 0

    @property
    def message(self) -> str:
        if self.already_imported or self.problems:
            return super().message
        verb = "検証しました（書込みなし）" if self.dry_run else "取り込みました"
        verb_en = "validated (nothing written)" if self.dry_run else "imported"
        return (
            f"{self.what}{self.stored}件（{self.persons}人）を{verb} / "
            f"{self.stored} rows of {self.what} ({self.persons} persons) {verb_en}"
        )


@dataclass(frozen=True)
class Row:
    """One decoded row: where it stood and its values."""

    file: str
    line: int
    values: dict[str, Any]
    columns: dict[str, int]


class Problems:
    """The run's problems, each naming the file, line, item and rule (layout ``Problem`` shape)."""

    def __init__(self, layout: Layout, out: list[Any]) -> None:
        self.names = {it.key: it.name for it in layout.items}
        self.out = out

    def add(self, row: Row, key: str, rule: str, value: Any, ja: str, en: str) -> None:
        item = self.names.get(key, key)
        self.out.append(
            RecordProblem(
                row.file,
                row.line,
                row.columns.get(key),
                item,
                key,
                rule,
                "" if value is None else str(value),
                f"{row.line}行目 「{item}」: {ja}" if item else f"{row.line}行目: {ja}",
                f"line {row.line}, {key or 'row'}: {en}",
            )
        )


def read_files(paths: Iterable[Path], layout: Layout, encoding: str | None, run: Any) -> list[Row]:
    """Every row of ``paths`` decoded; the file's own problems go to ``run.problems`` (a row with
    a problem is left out, so the checks after it see only what could be read)."""
    rows: list[Row] = []
    for path in paths:
        for raw in read_rows(path, layout, encoding=encoding):
            if isinstance(raw, Problem):
                run.problems.append(raw)
                continue
            run.rows += 1
            values, problems = decode_row(raw, layout)
            run.problems.extend(problems)
            if not problems:
                rows.append(Row(raw.file, raw.line, values, dict(raw.columns)))
    return rows


def content_sha256(kind: str, items: Iterable[Any]) -> str:
    """The content of a run (the rows' values, not where they stood): re-running it is a no-op."""
    h = hashlib.sha256(kind.encode())
    for item in items:
        h.update(json.dumps(item, ensure_ascii=False, sort_keys=True, default=str).encode())
        h.update(b"\n")
    return h.hexdigest()


def already(result: ImportResult, sha: str) -> bool:
    """True when a run of the same content was stored before (nothing to do)."""
    from jichitai.registry.models import MigrationRun

    run = MigrationRun.objects.filter(sha256=sha, direction="import").order_by("pk").first()
    if run is None:
        return False
    result.already_imported = True
    result.persons = run.persons
    if isinstance(result, BusinessResult):
        result.stored = int(run.detail.get("stored", 0))
    return True


def persons_by_atena(atena_nos: Iterable[str], reason: str) -> dict[str, dict[str, Any]]:
    """宛名番号 → the person's id, 状態, 生年月日 and 成年被後見人 flag, in the active municipality
    (another municipality's persons are not found), every status but 記載取消."""
    from jichitai.registry.models import Person

    rows = (
        Person.objects.without_read_log(reason)
        .exclude(status="void")
        .filter(atena_no__in=sorted(set(atena_nos)))
        .values("pk", "atena_no", "status", "birth_date", "adult_ward")
    )
    return {r["atena_no"]: r for r in rows}


def atena_of(person_ids: Iterable[int], reason: str) -> dict[int, str]:
    from jichitai.registry.models import Person

    rows = Person.objects.without_read_log(reason).filter(pk__in=sorted(set(person_ids)))
    return dict(rows.values_list("pk", "atena_no"))


def record_run(
    direction: str, *, staff: Any, sha: str, persons: int, events: int, action: str, detail: dict
) -> Any:
    """The run's ``MigrationRun`` and its one operation-log entry (in the caller's transaction)."""
    import uuid

    from django.utils import timezone

    from jichitai.audit.recording import record
    from jichitai.registry.models import MigrationRun

    run = MigrationRun.objects.create(
        direction=direction,
        run_key=f"{action}-{uuid.uuid4().hex}",
        sha256=sha,
        persons=persons,
        events=events,
        staff=staff,
        finished_at=timezone.now(),
        detail=detail,
    )
    record(
        "operation",
        action,
        subject_type="registry",
        function=f"importer.{action}",
        detail={"run": run.run_key, "sha256": sha, **detail},
    )
    return run


def alert_protected(person_ids: Iterable[int], function: str, run_key: str) -> None:
    """A 支援措置 access alert for every protected person an export carries (as 住民 exports do)."""
    from jichitai.registry.selectors import access

    for pid in sorted(access.protected_ids(sorted(set(person_ids)))):
        access.alert_access(
            pid,
            screen="データ移行（全件出力）",
            function=function,
            detail={"run": run_key, "masked": False},
        )


def run_import(
    paths: Iterable[Path],
    *,
    layout: Any,
    municipality: Any,
    staff: Any,
    dry_run: bool,
    encoding: str | None,
    what: str,
    purpose: str,
    content: Callable[[Row], Any],
    check: Callable[[list[Row], Problems], list[Any]],
    counts: Callable[[list[Any]], tuple[int, int]],
    write: Callable[[list[Any], Any, str, BusinessResult], None],
) -> Any:
    """The run every business shares: read and decode, skip content stored before, ``check``
    every row (its problems name file, line and item), then ``write`` all of them in one
    transaction unless there is a problem or it is a dry run. ``counts``: (persons, events)."""
    from django.db import transaction

    from jichitai.accounts.capabilities import require_capability

    from .migration import CAPABILITY, as_staff
    from .migration_files import FileRun

    start = time.perf_counter()
    lay = load_layout(layout)
    paths = [Path(p) for p in paths]
    run = FileRun(layout=lay.id, files=[str(p) for p in paths])
    rows = read_files(paths, lay, encoding, run)
    result = BusinessResult(what=what, dry_run=dry_run or bool(run.problems))
    run.result = result
    with as_staff(municipality, staff, purpose):
        require_capability(staff, CAPABILITY, municipality.pk)
        sha = content_sha256(lay.business, [content(row) for row in rows])
        result.sha256 = result.run_key = sha
        if run.problems or not already(result, sha):
            planned = check(rows, Problems(lay, run.problems))
            result.stored = len(planned)
            result.persons, result.events = counts(planned)
            if run.problems:  # nothing is stored: the counts say so
                result.stored = result.events = 0
            elif not result.dry_run:
                with transaction.atomic():
                    write(planned, staff, sha, result)
    run.seconds = time.perf_counter() - start
    return run


def run_export(
    path: Path,
    *,
    layout: Any,
    municipality: Any,
    staff: Any,
    encoding: str | None,
    purpose: str,
    action: str,
    collect: Callable[[Path], tuple[list[dict[str, Any]], set[int]]],
    detail: dict[str, Any],
) -> Any:
    """The export every business shares: ``collect`` (in the municipality's context) gives the
    rows and their persons; one ``MigrationRun`` and operation-log entry, a 支援措置 alert for
    every protected person carried, then the file."""
    from jichitai.accounts.capabilities import require_capability

    from .migration import CAPABILITY, as_staff
    from .migration_files import ExportRun

    start = time.perf_counter()
    lay = load_layout(layout)
    path = Path(path)
    run = ExportRun(layout=lay.id, path=str(path))
    with as_staff(municipality, staff, purpose):
        require_capability(staff, CAPABILITY, municipality.pk)
        path.parent.mkdir(parents=True, exist_ok=True)
        rows, persons = collect(path.parent)
        done = record_run(
            "export", staff=staff, sha="", persons=len(persons), events=0, action=action,
            detail={**detail, "rows": len(rows)},
        )  # fmt: skip
        alert_protected(persons, action, done.run_key)
    result = write_rows(path, lay, rows, encoding=encoding or lay.encoding)
    run.persons = len(persons)
    run.rows, run.degraded = result.rows, list(result.degraded)
    run.seconds = time.perf_counter() - start
    return run
