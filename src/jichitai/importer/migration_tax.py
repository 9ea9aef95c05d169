"""個人住民税 課税情報 in and out (layout business ``juminzei``, e.g. ``kihon-1.0-juminzei``): one
row per person, 課税年度 and 版.

Every row is checked before anything is written: the person by 宛名番号 in the municipality's
register (migrated first), the 年度 (``tax.rules``' range), every consistency rule of
``tax.rules.check`` (未申告 without amounts, 所得 ≤ 収入, 合計所得金額, 非課税 without levies, 課税 with
one), amounts of at most 12 digits, and the versions: each (person, 年度) given as 版 1, 2 … n
without gaps or repeats, none the register already holds, a correction (版 2 on) with its 理由.
Then every version is stored as it was given (``Source.IMPORTED``, the file's name kept) in one
transaction, or nothing is. Blank amounts of a 課税/非課税 record are stored as 0, as the 課税
system's own import stores them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils import timezone

from jichitai.tax.models import AMOUNT_FIELDS, Assessment, Source
from jichitai.tax.rules import FIRST_YEAR, LAST_YEAR, MAX_AMOUNT, check, completed

from .migration_business import (
    BusinessResult,
    Problems,
    Row,
    atena_of,
    persons_by_atena,
    record_run,
    run_export,
    run_import,
)

PURPOSE_IN = "データ移行（課税情報の取込）"
PURPOSE_OUT = "データ移行（課税情報の出力）"
_READ = "データ移行: 課税情報の納税義務者の確認（番号のみ）"
AMOUNTS = tuple(f for f, _ in AMOUNT_FIELDS)
# the rules of tax.rules name an item by its Japanese label; the layout's problems by its key
_KEY_OF_LABEL = {label: f for f, label in AMOUNT_FIELDS} | {
    "課税区分": "status",
    "年度": "fiscal_year",
}


def import_files(
    paths: Iterable[Path],
    *,
    layout: Any,
    municipality: Any,
    staff: Any,
    dry_run: bool = False,
    encoding: str | None = None,
    **_: Any,
) -> Any:
    """Import the 課税情報 of ``paths`` into ``municipality``: all or nothing."""
    return run_import(
        paths, layout=layout, municipality=municipality, staff=staff, dry_run=dry_run,
        encoding=encoding, what="課税情報", purpose=PURPOSE_IN, content=_content, check=_check,
        counts=lambda planned: (len({pid for pid, _ in planned}), len(planned)),
        write=_write,
    )  # fmt: skip


def _content(row: Row) -> list[Any]:
    return [[k, row.values[k]] for k in sorted(row.values) if k != "municipality_code"]


def _check(rows: list[Row], problems: Problems) -> list[tuple[int, Row]]:
    persons = persons_by_atena([str(r.values["atena_no"]) for r in rows], _READ)
    ok: list[tuple[int, Row]] = []
    for row in rows:
        before = len(problems.out)
        v = row.values
        person = persons.get(str(v["atena_no"]))
        if person is None:
            problems.add(
                row, "atena_no", "person.unknown", v["atena_no"],
                "この宛名番号の住民は住民記録にありません（住民記録を先に移行してください）",
                "no person with this 宛名番号 in the municipality's register (migrate it first)",
            )  # fmt: skip
        _check_row(row, problems)
        if len(problems.out) == before and person is not None:
            ok.append((person["pk"], row))
    _check_versions(ok, problems)
    return ok


def _check_row(row: Row, problems: Problems) -> None:
    v = row.values
    year = v["fiscal_year"]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problems.add(
            row, "fiscal_year", "tax.fiscal_year", year,
            f"課税年度は{FIRST_YEAR}～{LAST_YEAR}年度です",
            f"the fiscal year is {FIRST_YEAR} to {LAST_YEAR}",
        )  # fmt: skip
    if v["version"] is not None and v["version"] < 1:
        problems.add(
            row, "version", "tax.version", v["version"],
            "版は1以上の番号です", "the version is a number from 1",
        )  # fmt: skip
    amounts = {f: v[f] for f in AMOUNTS}
    for f, value in amounts.items():
        if value is not None and value > MAX_AMOUNT:
            problems.add(
                row, f, "tax.amount_too_large", value,
                "金額が大きすぎます（12桁まで）", "amount too large (12 digits at most)",
            )  # fmt: skip
    for p in check(v["status"], amounts):
        key = _KEY_OF_LABEL.get(p.field, "")
        problems.add(row, key, f"tax.{p.rule}", v.get(key, ""), p.ja, p.en)


def _check_versions(ok: list[tuple[int, Row]], problems: Problems) -> None:
    """Each (person, 年度): 版 1..n as given, none stored already, a correction with its 理由."""
    groups: dict[tuple[int, int], list[Row]] = {}
    for pid, row in ok:
        groups.setdefault((pid, row.values["fiscal_year"]), []).append(row)
    stored = set(
        Assessment.objects.filter(person_id__in={pid for pid, _ in ok}).values_list(
            "person_id", "fiscal_year"
        )
    )
    for (pid, year), rows in groups.items():
        rows.sort(key=lambda r: _version(r))
        for n, row in enumerate(rows, start=1):
            version = _version(row)
            if (pid, year) in stored:
                problems.add(
                    row, "fiscal_year", "tax.already_stored", year,
                    "この方のこの年度の課税情報は既に登録されています",
                    "the register already holds this person's record for this fiscal year",
                )  # fmt: skip
            elif version != n:
                problems.add(
                    row, "version", "tax.version_sequence", version,
                    f"版は年度ごとに1から欠番・重複なく続けてください（{n}のはずです）",
                    f"versions of a fiscal year run 1, 2 … without gaps or repeats (expected {n})",
                )  # fmt: skip
            if version > 1 and not (row.values["reason"] or "").strip():
                problems.add(
                    row, "reason", "tax.reason", "",
                    "訂正（版2以降）には理由が必要です", "a correction (version 2 on) needs a reason",
                )  # fmt: skip


def _version(row: Row) -> int:
    return int(row.values["version"] or 1)


def _write(planned: list[tuple[int, Row]], staff: Any, sha: str, result: BusinessResult) -> None:
    now = timezone.now()
    Assessment.objects.bulk_create(
        [
            Assessment(
                person_id=pid,
                fiscal_year=row.values["fiscal_year"],
                version=_version(row),
                status=row.values["status"],
                source=Source.IMPORTED,
                reason=(row.values["reason"] or "")[:500],
                file_name=Path(row.file).name[:255],
                entered_by=staff,
                entered_at=now,
                **completed(row.values["status"], {f: row.values[f] for f in AMOUNTS}),
            )
            for pid, row in planned
        ]
    )
    years = sorted({row.values["fiscal_year"] for _, row in planned})
    record_run(
        "import", staff=staff, sha=sha, persons=result.persons, events=len(planned),
        action="tax.migration_import",
        detail={"stored": len(planned), "assessments": len(planned), "fiscal_years": years},
    )  # fmt: skip


# -- export ---------------------------------------------------------------------------------------


def export_file(
    path: Path,
    *,
    layout: Any,
    municipality: Any,
    staff: Any,
    as_of: dt.date | None = None,
    encoding: str | None = None,
    include_restricted: bool = False,
) -> Any:
    """Every version of the municipality's 課税情報 (recorded by ``as_of``) in ``layout``."""

    def collect(_directory: Path) -> tuple[list[dict[str, Any]], set[int]]:
        found = list(Assessment.objects.all())
        if as_of is not None:
            found = [a for a in found if timezone.localdate(a.entered_at) <= as_of]
        atena = atena_of([a.person_id for a in found], _READ)
        found.sort(key=lambda a: (atena.get(a.person_id, ""), a.fiscal_year, a.version))
        return [_row(a, atena, municipality.code) for a in found], set(atena)

    return run_export(
        path, layout=layout, municipality=municipality, staff=staff, encoding=encoding,
        purpose=PURPOSE_OUT, action="tax.migration_export", collect=collect,
        detail={"as_of": as_of.isoformat() if as_of else None},
    )  # fmt: skip


def _row(a: Assessment, atena: dict[int, str], code: str) -> dict[str, Any]:
    return {
        "municipality_code": code,
        "atena_no": atena.get(a.person_id, ""),
        "fiscal_year": a.fiscal_year,
        "version": a.version,
        "status": a.status,
        **a.amounts(),
        "reason": a.reason,
    }
