"""`jichitai import` / `jichitai export`: every problem printed by file and line in both languages
and nothing stored (exit 1), a good file stored whole (exit 0) with its report and 照合表, usage
errors exit 2; export writes the layout's file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jichitai.cli import main

from .test_migration_files import LAYOUT, _file, _register, _rows, as_filed

pytestmark = pytest.mark.django_db


def _args(office: Any, admin: Any, *more: str) -> list[str]:
    return [
        "--layout",
        LAYOUT,
        "--municipality",
        office.municipality.code,
        "--staff",
        admin.username,
        *more,
    ]


def test_a_broken_file_prints_every_problem_and_stores_nothing(
    office: Any, admin: Any, tmp_path: Path, capsys: Any
) -> None:
    source = _file(as_filed(_register()), tmp_path / "jumin.csv", office.municipality.code)
    with source.open(encoding="utf-8", newline="") as f:
        lines = f.read().split("\r\n")
    header = lines[0].split(",")
    row = lines[2].split(",")
    row[header.index("性別")] = "7"
    lines[2] = ",".join(row)
    broken = tmp_path / "broken.csv"
    broken.write_bytes("\r\n".join(lines).encode("utf-8"))
    assert main(["import", *_args(office, admin), str(broken)]) == 1
    out, err = capsys.readouterr()
    assert f"{broken}:3: 性別 [code.unknown]" in out and " / " in out
    assert "何も登録していません / " in err and "nothing was stored" in err
    assert (
        main(
            [
                "import",
                *_args(office, admin, "--dry-run", "--report", str(tmp_path / "r")),
                str(source),
            ]
        )
        == 0
    )
    report = json.loads((tmp_path / "r" / "import-report.json").read_text(encoding="utf-8"))
    assert report["ok"] and report["dry_run"] and report["persons"] == len(_register())


def test_a_good_file_is_stored_and_exported_again(
    office: Any, admin: Any, tmp_path: Path, capsys: Any
) -> None:
    records = as_filed(_register())
    source = _file(records, tmp_path / "jumin.csv", office.municipality.code)
    assert (
        main(["import", *_args(office, admin, "--report", str(tmp_path / "r")), str(source)]) == 0
    )
    out, _ = capsys.readouterr()
    assert f"{len(records)}人" in out
    assert "✓ 読込・検証・登録" in out and "行/秒" in out  # the progress line with the pace
    reconciliation = json.loads(
        (tmp_path / "r" / "reconciliation.json").read_text(encoding="utf-8")
    )
    assert sum(reconciliation["persons_by_status"].values()) == len(records)
    assert reconciliation["differences"] == []  # the file's own counts, every one held
    assert (tmp_path / "r" / "reconciliation.pdf").read_bytes().startswith(b"%PDF")
    assert main(["export", *_args(office, admin), str(tmp_path / "out")]) == 0
    (written,) = (tmp_path / "out").iterdir()
    assert _rows(written) == _rows(source)


def test_usage_errors_exit_2(office: Any, admin: Any, tmp_path: Path, capsys: Any) -> None:
    source = _file(as_filed(_register()), tmp_path / "jumin.csv", office.municipality.code)
    assert main(["import", *_args(office, admin), str(tmp_path / "missing.csv")]) == 2
    assert (
        main(
            [
                "import",
                "--layout",
                "no-such",
                "--municipality",
                office.municipality.code,
                "--staff",
                admin.username,
                str(source),
            ]
        )
        == 2
    )
    assert (
        main(
            [
                "import",
                "--layout",
                LAYOUT,
                "--municipality",
                "999999",
                "--staff",
                admin.username,
                str(source),
            ]
        )
        == 2
    )
    assert main(["import", *_args(office, office.clerk), str(source)]) == 2  # no 移行 capability
    assert main(["export", *_args(office, admin, "--as-of", "2020-13-01"), str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "cannot load the layout" in err and "no municipality" in err
    assert "not allowed to migrate data" in err and "--as-of must be YYYY-MM-DD" in err
