"""`jichitai tax`: 個人住民税の課税情報の取込 (docs/tax.md 「取込ファイル」).

    jichitai tax import --municipality CODE --year N FILE [--data-dir DIR]

``--year`` is the 年度 (2025 or 令和7年度). All or nothing: every error of the file is printed, one
per line (FILE:LINE: 列: エラー [rule] 日本語 / English), and nothing is stored. Exit 0 when the file
was stored, 1 when it has errors, 2 for a missing file, unknown municipality or bad 年度.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._django import DATA_DIR_HELP

PROG = "jichitai tax"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG, description="個人住民税の課税情報 / resident tax records"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser(
        "import", help="課税情報ファイルの取込（CSV） / import the 課税 system's CSV"
    )
    imp.add_argument("file", type=Path, help="CSV（UTF-8 または CP932、1行目は項目名）")
    imp.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    imp.add_argument("--year", required=True, help="年度（例: 2025、令和7年度）")
    imp.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    args = parser.parse_args(argv)
    return _import(args)


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def _import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        return _fail(f"{args.file}: ファイルを読めません / cannot read the file: {exc.strerror}")
    from .registry_places import municipality_unit

    unit, code = municipality_unit(args, "課税情報の取込")
    if unit is None:
        return code
    from jichitai.audit.recording import batch_run
    from jichitai.tax.csv_import import import_file
    from jichitai.tax.rules import AmountError, fiscal_year_text, parse_fiscal_year

    try:
        year = parse_fiscal_year(args.year)
    except AmountError as exc:
        return _fail(str(exc))
    with unit, batch_run("tax.import", detail={"file": args.file.name, "fiscal_year": year}) as run:
        result = import_file(args.file, year, data)
        run["rows"] = result.rows
    for error in result.errors:
        print(error)
    if result.errors:
        print(
            f"{PROG}: {len(result.errors)}件のエラー：何も登録していません / "
            f"{len(result.errors)} error(s): nothing was stored",
            file=sys.stderr,
        )
        return 1
    print(
        f"{fiscal_year_text(year)}の課税情報を{result.rows}件登録しました / stored {result.rows} record(s)"
    )
    return 0
