"""Importing a register's records (データ移行): all or nothing, idempotent, one audit entry per run.

``import_records(records, municipality=, staff=)`` checks every record with the register's own
rules (``migration_check``), then writes every history entry as an approved event at its 異動日
with its facts and the projections (``migration_build``), keeping the source's 宛名番号 and
世帯番号 and moving the counters past them — in one transaction, with a ``MigrationRun`` row and one
``registry.migration_import`` operation entry. Any problem: nothing is written. See
docs/migration.md 「Importing into the register」.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from jichitai.accounts.capabilities import require_capability
from jichitai.registry.conventions import jsonable

from .migration_check import Checked, check_records
from .records import ImportResult, PersonRecord, RecordProblem, Source, full_household

try:  # COPY runs on the raw psycopg connection: its errors are not Django's
    from psycopg import Error as _PsycopgError

    _DATABASE_ERRORS: tuple[type[BaseException], ...] = (DatabaseError, _PsycopgError)
except ImportError:  # pragma: no cover - SQLite-only installs
    _DATABASE_ERRORS = (DatabaseError,)

CAPABILITY = "migration.run"
PURPOSE = "データ移行（住民記録の取込）"
_READ_REASON = "データ移行: 取込前の宛名番号の重複確認（番号のみ）"
Progress = Callable[[int, int], None]


def content_sha256(records: Iterable[PersonRecord]) -> str:
    """The run's content: every record's items and history, not where in which file they stood."""
    h = hashlib.sha256()
    for r in sorted(records, key=lambda r: r.atena_no):
        h.update(
            json.dumps(
                [
                    r.atena_no,
                    r.protected,
                    [
                        [
                            e.seq,
                            e.reason,
                            e.effective_on,
                            e.reported_on,
                            jsonable(dict(e.person)),
                            jsonable(dict(e.household)),
                        ]
                        for e in r.history
                    ],
                ],
                ensure_ascii=False,
                sort_keys=True,
                default=str,
            ).encode()
        )
        h.update(b"\n")
    return h.hexdigest()


def import_records(
    records: Iterable[PersonRecord],
    *,
    municipality: Any,
    staff: Any,
    dry_run: bool = False,
    gaiji: Mapping[str, str] | None = None,
    run_key: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    start = time.perf_counter()
    items = list(records)
    sha = content_sha256(items)
    result = ImportResult(dry_run=dry_run, run_key=run_key or sha[:32], sha256=sha)
    with as_staff(municipality, staff):
        require_capability(staff, CAPABILITY, municipality.pk)
        if _already(result, run_key, sha):
            return result
        checked = _check(items, gaiji)
        result.problems = checked.problems
        result.gaiji_mapped, result.gaiji_unmapped = checked.gaiji_mapped, checked.unmapped
        _count(result, checked)
        if progress is not None:
            progress(len(items) if not result.problems else 0, len(items))
        if result.problems or dry_run:
            result.seconds = time.perf_counter() - start
            return result
        try:
            with transaction.atomic():
                _write(checked, result, municipality, staff)
        except _DATABASE_ERRORS as exc:
            # the database refused a row (a 個人番号 another resident holds…): rolled back, nothing
            # written. Only the constraint is named: the database's detail would quote the value.
            what = _constraint(exc)
            result.problems.append(
                RecordProblem(
                    "", 0, None, "", "", "database", what,
                    f"データベースが登録を拒否しました（{what}）。何も書き込んでいません。",
                    f"the database refused the run ({what}); nothing was written",
                )
            )  # fmt: skip
            result.facts = result.events = 0
        if progress is not None:
            progress(len(items), len(items))
    result.seconds = time.perf_counter() - start
    return result


def _constraint(exc: BaseException) -> str:
    for e in (exc, exc.__cause__):
        name = getattr(getattr(e, "diag", None), "constraint_name", None)
        if name:
            return str(name)
    return type(exc).__name__


def as_staff(municipality: Any, staff: Any, purpose: str = PURPOSE) -> AbstractContextManager[Any]:
    """The caller's context (it must be the municipality's), else one for ``staff`` and ``purpose``."""
    from .synthetic import as_staff as context

    return context(municipality, staff, purpose)


def _already(result: ImportResult, run_key: str, sha: str) -> bool:
    from django.db.models import Q

    from jichitai.registry.models import MigrationRun

    q = Q(sha256=sha) | Q(run_key=run_key) if run_key else Q(sha256=sha)
    run = MigrationRun.objects.filter(q, direction="import").order_by("pk").first()
    if run is None:
        return False
    if run.sha256 != sha:
        result.problems.append(
            RecordProblem(
                "",
                0,
                None,
                "実行キー",
                "run_key",
                "run.conflict",
                run_key,
                f"実行キー「{run_key}」は別の内容の取込で使われています。",
                f"run_key {run_key!r} was used by an import of other content",
            )
        )
        return True
    result.already_imported = True
    result.persons, result.households, result.events, result.facts = (
        run.persons,
        run.households,
        run.events,
        run.facts,
    )
    return True


def _check(items: list[PersonRecord], gaiji: Mapping[str, str] | None) -> Checked:
    from jichitai.registry import rules
    from jichitai.registry.models import AddressEntry, Household, Person

    towns = set(AddressEntry.objects.values_list("town_code", flat=True))
    households = set(Household.objects.values_list("household_no", flat=True))
    existing = set(
        Person.objects.without_read_log(_READ_REASON)
        .exclude(status__in=["deleted", "void"])
        .values_list("atena_no", flat=True)
    )
    return check_records(
        items,
        gaiji=gaiji,
        town_codes=towns,
        existing_atena=existing,
        existing_households=households,
        today=rules.today(),
    )


def _count(result: ImportResult, checked: Checked) -> None:
    result.persons = len(checked.records)
    result.households = len(
        {full_household(e.household)["household_no"] for r in checked.records for e in r.history}
    )
    result.events = sum(len(r.history) for r in checked.records)
    result.protected = [r.atena_no for r in checked.records if r.protected]


def _write(checked: Checked, result: ImportResult, municipality: Any, staff: Any) -> None:
    from jichitai.audit.recording import record
    from jichitai.registry.events.writer import reserve
    from jichitai.registry.models import Counter, MigrationRun

    from .bulk import _IdSource, _lock_counters, _reserve_postgres, _reserve_sqlite
    from .migration_build import MigrationBatch, nationality_changes
    from .writers import PostgresWriter, SqliteWriter

    postgres = connection.vendor == "postgresql"
    started = timezone.now()
    counters = _lock_counters(
        ("household_no", "atena_no")
    )  # first statement: sends the RLS setting
    town_ids = _towns(checked.records)
    ids = _IdSource(_reserve_postgres if postgres else _reserve_sqlite)
    renewed = nationality_changes(checked.records, checked.kinds)  # a new 住民票 each
    ids.reserve(
        {"person": result.persons + renewed, "household": result.households, "event": result.events}
    )
    first_seq = reserve("approval_seq", result.events)
    batch = MigrationBatch(
        municipality.pk, staff.pk, result.run_key, ids, first_seq, town_ids, started
    )
    batch.add_all(checked.records, checked.kinds)
    (PostgresWriter() if postgres else SqliteWriter()).write(batch)
    numbers = {
        "atena_no": [r.atena_no for r in checked.records],
        "household_no": list(batch.household_ids),
    }
    for name, c in counters.items():
        # a new number for sequence n is 10·n + check digit (registry.numbering): past every kept one
        top = max([int(n) // 10 for n in numbers[name]], default=0)
        if top > c.value:
            Counter.objects.filter(pk=c.pk).update(value=top)
    result.facts = len(batch.facts)
    detail = {
        "run_key": result.run_key,
        "sha256": result.sha256,
        "persons": result.persons,
        "households": result.households,
        "events": result.events,
        "facts": result.facts,
        "first_approval_seq": first_seq,
        "last_approval_seq": first_seq + result.events - 1,
        "gaiji_mapped": result.gaiji_mapped,
        "protected": len(result.protected),
    }
    MigrationRun.objects.create(
        direction="import",
        run_key=result.run_key,
        sha256=result.sha256,
        persons=result.persons,
        households=result.households,
        events=result.events,
        facts=result.facts,
        staff=staff,
        started_at=started,
        finished_at=timezone.now(),
        detail=detail,
    )
    record(
        "operation",
        "registry.migration_import",
        subject_type="registry",
        function="importer.import_records",
        detail=detail,
    )


def _towns(records: list[PersonRecord]) -> dict[str, int]:
    """town_code → 住所辞書 id; a 町字 the dictionary lacks is added from the record's town_name."""
    from jichitai.registry.models import AddressEntry

    have = dict(AddressEntry.objects.values_list("town_code", "pk"))
    missing: dict[str, dict[str, str]] = {}
    for r in records:
        for e in r.history:
            hh = full_household(e.household)
            if hh["town_code"] not in have:
                missing.setdefault(hh["town_code"], hh)
    if missing:
        AddressEntry.objects.bulk_create(
            [
                AddressEntry(town_code=code, name=hh["town_name"], postal_code=hh["postal_code"])
                for code, hh in sorted(missing.items())
            ]
        )
        have = dict(AddressEntry.objects.values_list("town_code", "pk"))
    return have


__all__ = [
    "CAPABILITY",
    "ImportResult",
    "PersonRecord",
    "Source",
    "content_sha256",
    "import_records",
]
