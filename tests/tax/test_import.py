"""`jichitai tax import`: the 課税 system's CSV, all or nothing, errors by file, line, column, rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jichitai.cli import main
from jichitai.tax.csv_import import HEADER, parse
from jichitai.tax.models import Assessment
from jichitai.tenancy.context import activate

from .conftest import Family

HEAD = ",".join(HEADER)


def _line(atena: str, status: str, amounts: str = "," * 11) -> str:
    """One row; ``amounts`` is the 12 amount cells as CSV (default: all empty)."""
    return f"{atena},{status},{amounts}"


# 給与収入 4,000,000 / 給与所得 2,760,000 … 均等割額 5,000 (12 cells each)
TAXABLE = "4000000,2760000,,,,,,,2760000,1130000,163000,5000"
EXEMPT = ",,800000,200000,,,,,200000,430000,0,0"


def _good(f: Family) -> str:
    a = f.atena
    full_width = TAXABLE.replace(
        "4000000", '"４,０００,０００"', 1
    )  # quoted, full-width, separators
    rows = [
        _line(a[f.head], "課税", full_width),
        _line(a[f.wife], "非課税", EXEMPT),
        _line(a[f.son], "未申告"),
    ]
    return "\n".join([HEAD, *rows]) + "\n"


def _run(
    f: Family, tmp_path: Path, text: str, encoding: str = "utf-8", year: str = "令和7年度"
) -> int:
    path = tmp_path / "kazei.csv"
    path.write_bytes(text.encode(encoding))
    return main(
        ["tax", "import", str(path), "--municipality", f.office.municipality.code, "--year", year]
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_a_good_file_is_stored_whole(
    family: Family, tmp_path: Path, capsys: Any, encoding: str
) -> None:
    assert _run(family, tmp_path, _good(family), encoding) == 0
    assert "令和7年度の課税情報を3件登録しました" in capsys.readouterr().out
    with activate(family.office.ctx()):
        rows = {a.person_id: a for a in Assessment.objects.filter(fiscal_year=2025)}
    assert rows[family.head].salary_revenue == 4_000_000 and rows[family.head].source == "imported"
    assert (rows[family.wife].status, rows[family.wife].pension_income) == ("exempt", 200_000)
    assert rows[family.son].status == "undeclared" and rows[family.son].total_income is None


def test_a_second_import_is_a_new_version(family: Family, tmp_path: Path, capsys: Any) -> None:
    assert _run(family, tmp_path, _good(family)) == 0
    assert _run(family, tmp_path, _good(family), year="2025") == 0
    with activate(family.office.ctx()):
        versions = sorted(
            Assessment.objects.filter(person_id=family.head).values_list("version", "reason")
        )
    assert versions == [(1, "取込（kazei.csv）"), (2, "取込（kazei.csv）")]


def test_any_error_stores_nothing_and_every_error_is_reported(
    family: Family, tmp_path: Path, capsys: Any
) -> None:
    a = family.atena
    rows = [
        _line(a[family.head], "課税", TAXABLE),  # good: not stored either
        _line(a[family.wife], "非課税", EXEMPT.replace(",0,0", ",100,0")),
        _line("999999999999", "課税", '"1,00"' + "," * 11),
        _line(a[family.son], "申告済"),
        _line(a[family.head], "未申告"),
    ]
    text = "\n".join([HEAD, *rows]) + "\n"
    assert _run(family, tmp_path, text) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert (
        "kazei.csv:3: 所得割額: エラー [exempt_levy] 非課税の記録の所得割額・均等割額は0円です / "
        in lines[0]
    )
    assert any(
        ln.startswith("kazei.csv:4: 給与収入: エラー [amount_format] 桁区切り") for ln in lines
    )
    assert any(ln.startswith("kazei.csv:5: 課税区分: エラー [status]") for ln in lines)
    assert any(ln.startswith("kazei.csv:4: 宛名番号: エラー [unknown_person]") for ln in lines)
    assert any(
        ln.startswith("kazei.csv:6: 宛名番号: エラー [duplicate] 宛名番号") and "2行目" in ln
        for ln in lines
    )
    assert all(" / " in ln for ln in lines)  # Japanese and English
    assert "何も登録していません / " in out.err
    with activate(family.office.ctx()):
        assert not Assessment.objects.exists()


def test_an_unknown_person_is_an_error(family: Family, tmp_path: Path, capsys: Any) -> None:
    assert _run(family, tmp_path, HEAD + "\n" + _line("999999999999", "未申告") + "\n") == 1
    assert (
        "kazei.csv:2: 宛名番号: エラー [unknown_person] 宛名番号 999999999999 の住民が住民記録にありません"
        in (capsys.readouterr().out)
    )


def test_another_municipalitys_persons_are_unknown(
    family: Family, office_b: Any, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "kazei.csv"
    path.write_text(_good(family), encoding="utf-8")
    code = office_b.municipality.code
    assert main(["tax", "import", str(path), "--municipality", code, "--year", "2025"]) == 1
    assert capsys.readouterr().out.count("[unknown_person]") == 3
    with activate(office_b.ctx()):
        assert not Assessment.objects.exists()
    with activate(family.office.ctx()):
        assert not Assessment.objects.exists()


def test_header_and_encoding_errors() -> None:
    _, errors = parse("宛名番号,課税区分,税額\n".encode(), "x.csv")
    rules = {(e.line, e.column, e.rule) for e in errors}
    assert (1, "税額", "header_unknown") in rules and (1, "所得割額", "header_missing") in rules
    _, errors = parse(b"\xff\xfe\x00\x00\x81", "x.csv")
    assert [(e.rule, e.ja) for e in errors] == [
        ("encoding", "文字コードが UTF-8 でも CP932 でもありません")
    ]
    _, errors = parse((HEAD + "\n000000000019,課税\n").encode(), "x.csv")
    assert [(e.line, e.rule) for e in errors] == [(2, "columns")]


def test_bad_year_and_municipality_exit_2(family: Family, tmp_path: Path, capsys: Any) -> None:
    assert _run(family, tmp_path, _good(family), year="令和99") == 2
    path = tmp_path / "kazei.csv"
    assert main(["tax", "import", str(path), "--municipality", "999999", "--year", "2025"]) == 2
    assert (
        main(
            [
                "tax",
                "import",
                str(tmp_path / "none.csv"),
                "--municipality",
                "999999",
                "--year",
                "2025",
            ]
        )
        == 2
    )
