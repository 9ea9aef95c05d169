"""個人住民税 課税情報 through migration files (importer.migration_tax, dispatched by import_files /
export_file on the layout's business): a kihon-1.0-juminzei file goes into a migrated register
as the tax app's Assessments, versions as given, and comes back out as the same rows; every rule
of tax.rules and every broken row is reported with its line and item and nothing is written;
another municipality's persons are unknown; a dry run writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jichitai.importer.migration_files import export_file, import_files
from jichitai.importer.records import PersonRecord
from jichitai.tenancy.context import activate

from .registers import database_state
from .test_migration_seals import csv_rows, migrated, people, raw_csv

pytestmark = pytest.mark.django_db
LAYOUT = "kihon-1.0-juminzei"
ZERO = dict.fromkeys(
    (
        "salary_revenue", "salary_income", "pension_revenue", "pension_income",
        "business_revenue", "business_income", "other_revenue", "other_income",
        "total_income", "deductions", "income_levy", "per_capita_levy",
    ),
    0,
)  # fmt: skip


def tax_row(person: dict[str, Any], year: int, code: str, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "municipality_code": code,
        "atena_no": person["atena_no"],
        "fiscal_year": year,
        "version": 1,
        "status": "taxable",
        **ZERO,
        "salary_revenue": 4_000_000,
        "salary_income": 2_760_000,
        "total_income": 2_760_000,
        "deductions": 1_200_000,
        "income_levy": 156_000,
        "per_capita_levy": 5_000,
        "reason": "",
    }
    row.update(kw)
    return row


def tax_file(rows: list[dict[str, Any]], path: Path) -> Path:
    """The 課税 system's file (written without the database); ``_raw`` items as given."""
    return raw_csv(path, LAYOUT, rows)


def good_rows(records: list[PersonRecord], code: str) -> list[dict[str, Any]]:
    """Two 年度 of a, the second corrected (版 2 with its 理由); b 非課税; the dead person 未申告."""
    who = people(records)
    a, b, dead = who["a"], who["b"], who["dead"]
    none = dict.fromkeys(ZERO)
    return [
        tax_row(a, 2023, code),
        tax_row(a, 2024, code, reason="取込"),
        tax_row(a, 2024, code, version=2, income_levy=150_000, reason="更正（所得控除の追加）"),
        tax_row(b, 2024, code, status="exempt", **ZERO, reason="非課税"),
        tax_row(dead, 2019, code, status="undeclared", **none),
    ]


def test_a_tax_file_goes_in_as_assessments_and_comes_back_the_same(
    office: Any, admin: Any, tmp_path: Path
) -> None:
    from jichitai.tax.models import Assessment

    records = migrated(office, admin, tmp_path)
    source = tax_file(good_rows(records, office.municipality.code), tmp_path / "in" / "tax.csv")
    run = import_files([source], layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert run.ok, run.problems
    assert (run.rows, run.result.stored, run.result.persons) == (5, 5, 3)
    assert "課税情報5件" in run.result.message
    with activate(office.ctx()):
        found = list(Assessment.objects.order_by("fiscal_year", "version", "pk"))
        assert [(a.fiscal_year, a.version, a.status) for a in found] == [
            (2019, 1, "undeclared"),
            (2023, 1, "taxable"),
            (2024, 1, "taxable"),
            (2024, 1, "exempt"),
            (2024, 2, "taxable"),
        ]
        assert {a.source for a in found} == {"imported"} and found[0].total_income is None
        assert found[-1].income_levy == 150_000 and found[-1].reason == "更正（所得控除の追加）"
    out = tmp_path / "out" / "tax.csv"
    done = export_file(out, layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert (done.rows, done.persons) == (5, 3)
    got, want = csv_rows(out), csv_rows(source)
    assert got[0] == want[0]
    assert sorted(got[1:]) == sorted(want[1:])  # export(import(F)) == F, column by column
    again = import_files([source], layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert again.ok and again.result.already_imported  # idempotent


def test_every_rule_and_broken_row_is_reported_with_line_and_item_and_nothing_is_written(
    office: Any, admin: Any, tmp_path: Path
) -> None:
    records = migrated(office, admin, tmp_path)
    code = office.municipality.code
    who = people(records)
    a, b = who["a"], who["b"]
    unknown = {**a, "atena_no": "999999999999999"}
    cases = [
        (tax_row(unknown, 2024, code), "atena_no", "person.unknown"),
        (tax_row(a, 2024, code, _raw={"status": "7"}), "status", "code.unknown"),
        (tax_row(a, 2024, code, _raw={"salary_revenue": "四百万"}), "salary_revenue",
         "type.number"),
        (tax_row(a, 1980, code), "fiscal_year", "tax.fiscal_year"),
        (tax_row(a, 2020, code, deductions=-5), "deductions", "tax.negative"),
        (tax_row(a, 2021, code, salary_income=5_000_000, total_income=5_000_000),
         "salary_income", "tax.income_over_revenue"),
        (tax_row(a, 2022, code, total_income=1), "total_income", "tax.total_income"),
        (tax_row(b, 2020, code, status="exempt"), "income_levy", "tax.exempt_levy"),
        (tax_row(b, 2021, code, income_levy=0, per_capita_levy=0), "per_capita_levy",
         "tax.taxable_levy"),
        (tax_row(b, 2022, code, status="undeclared"), "salary_revenue",
         "tax.undeclared_amounts"),
        (tax_row(b, 2023, code, version=2, reason="更正"), "version", "tax.version_sequence"),
        (tax_row(a, 2023, code), "", ""),  # 版 1 of 2023: itself fine
        (tax_row(a, 2023, code, version=2), "reason", "tax.reason"),
        (tax_row(a, 2023, code), "version", "tax.version_sequence"),  # 版 1 again
        (tax_row(a, 2019, code, version=0), "version", "tax.version"),
    ]  # fmt: skip
    path = tax_file([row for row, _, _ in cases], tmp_path / "bad" / "tax.csv")
    before = database_state()
    run = import_files([path], layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert not run.ok and run.result.stored == 0
    got = {(p.line, p.key, p.rule) for p in run.problems}
    for line, (_, key, rule) in enumerate(cases, start=2):
        assert (line, key, rule) in got if rule else not {g for g in got if g[0] == line}
    assert all(p.file == str(path) and p.item for p in run.problems)
    assert all("行目" in p.message_ja and p.message_en for p in run.problems)
    assert database_state() == before


def test_a_year_the_register_holds_is_not_imported_again_in_other_content(
    office: Any, admin: Any, tmp_path: Path
) -> None:
    records = migrated(office, admin, tmp_path)
    code = office.municipality.code
    first = tax_file(good_rows(records, code), tmp_path / "in" / "tax.csv")
    assert import_files([first], layout=LAYOUT, municipality=office.municipality, staff=admin).ok
    a = people(records)["a"]
    other = tax_file([tax_row(a, 2023, code, income_levy=1)], tmp_path / "in" / "more.csv")
    before = database_state()
    run = import_files([other], layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert [(p.line, p.key, p.rule) for p in run.problems] == [
        (2, "fiscal_year", "tax.already_stored")
    ]
    assert database_state() == before


def test_another_municipalitys_persons_are_unknown(
    office: Any, admin: Any, office_b: Any, admin_b: Any, tmp_path: Path
) -> None:
    records = migrated(office, admin, tmp_path)
    source = tax_file(good_rows(records, office_b.municipality.code), tmp_path / "b.csv")
    before = database_state()
    run = import_files([source], layout=LAYOUT, municipality=office_b.municipality, staff=admin_b)
    assert {(p.line, p.rule) for p in run.problems} == {(n, "person.unknown") for n in range(2, 7)}
    assert database_state() == before


def test_a_dry_run_checks_everything_and_writes_nothing(
    office: Any, admin: Any, tmp_path: Path
) -> None:
    records = migrated(office, admin, tmp_path)
    source = tax_file(good_rows(records, office.municipality.code), tmp_path / "tax.csv")
    before = database_state()
    run = import_files(
        [source], layout=LAYOUT, municipality=office.municipality, staff=admin, dry_run=True
    )
    assert run.ok and run.result.dry_run and run.result.stored == 5
    assert database_state() == before
