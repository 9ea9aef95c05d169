"""`jichitai registry export`: the register of one municipality as CSV (UTF-8, header in Japanese);
`jichitai registry places`: 入力場所・入力端末の登録 ([230]); `jichitai registry addresses`: 住所辞書・
住居表示・方書 ([250], [240], [260]).

    jichitai registry export --municipality CODE [--as-of DATE] [--include-removed] [--out FILE]
                             [--data-dir DIR]
    jichitai registry places --municipality CODE list | add-place CODE NAME KIND
                             | add-terminal PLACE CODE NAME | disable|enable place|terminal CODE
    jichitai registry check FILE.csv [...]   (errors and alerts by file, line and item; no database)
    jichitai registry koseki FILE.json --municipality CODE --staff USERNAME   (戸籍通知の取込, [770])
    jichitai registry statistics --municipality CODE --date DATE [--format csv|xlsx] [--out FILE]

``check`` exits 1 when a file has an error (alerts alone: 0). ``export`` exits 2 for an unknown municipality or when there is no usable database (see ``_django``).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

from ._django import DATA_DIR_HELP, DatabaseUnavailable, open_database


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="jichitai registry", description="住民記録の操作 / register tools")
    sub = parser.add_subparsers(dest="command", required=True)
    exp = sub.add_parser("export", help="住民データ抽出（CSV） / export residents as CSV")
    exp.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    exp.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="基準日 YYYY-MM-DD")
    exp.add_argument("--include-removed", action="store_true", help="除票も含める")
    exp.add_argument("--out", type=Path, default=None, help="出力ファイル（省略時は標準出力）")
    exp.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    chk = sub.add_parser("check", help="異動者ファイルの入力チェック（エラー・アラート） / check a file of entries")
    chk.add_argument("files", nargs="+", type=Path, help="CSV（UTF-8、1行目は項目名）")
    from . import (
        registry_addresses,
        registry_immigration,
        registry_koseki,
        registry_places,
        registry_statistics,
    )

    registry_places.add_parser(sub)
    registry_addresses.add_parser(sub)
    registry_koseki.add_parser(sub)
    registry_statistics.add_parser(sub)
    registry_immigration.add_parser(sub)  # immigration, resident-codes ([960], [970], [870])
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.files)
    if args.command == "koseki":
        return registry_koseki.run(args)
    if args.command == "statistics":
        return registry_statistics.run(args)
    if args.command in ("immigration", "resident-codes"):
        return (registry_immigration.run if args.command == "immigration" else registry_immigration.run_codes)(args)
    if args.command in ("places", "addresses"):
        return (registry_places if args.command == "places" else registry_addresses).run(args)

    try:
        open_database(args.data_dir)
    except DatabaseUnavailable as exc:
        print(exc.lines("jichitai registry"), file=sys.stderr)
        return 2
    from django.db import transaction

    from jichitai.registry.export import COLUMNS, export_residents
    from jichitai.tenancy.context import activate
    from jichitai.tenancy.models import Municipality
    from jichitai.tenancy.services import own_context

    muni = Municipality.objects.filter(code=args.municipality).first()
    if muni is None:
        print(f"jichitai registry: 地方公共団体コード {args.municipality} の団体がありません / "
              f"no municipality with code {args.municipality}", file=sys.stderr)
        return 2
    out = args.out.open("w", encoding="utf-8", newline="") if args.out else sys.stdout
    from jichitai.audit.recording import batch_run

    detail = {"as_of": args.as_of.isoformat() if args.as_of else None, "include_removed": args.include_removed,
              "out": str(args.out or "-")}
    try:
        with activate(own_context(muni, purpose="住民データ抽出")), \
                batch_run("registry.export", detail=detail) as run, transaction.atomic():
            writer = csv.writer(out)
            writer.writerow([label for _, label in COLUMNS])
            for row in export_residents(as_of=args.as_of, include_removed=args.include_removed):
                writer.writerow([row.get(f, "") for f, _ in COLUMNS])
                run["rows"] += 1
    finally:
        if args.out:
            out.close()
    return 0


def _check(files: list[Path]) -> int:
    """Every error and alert of the files, one per line: FILE:LINE: item: level [rule] message."""
    from ._django import setup

    setup()
    from jichitai.registry.inputs.batch import check_file
    from jichitai.registry.inputs.catalogue import ERROR

    failed = False
    for path in files:
        if not path.is_file():
            print(f"jichitai registry check: {path}: ファイルがありません / no such file", file=sys.stderr)
            return 2
        for finding in check_file(path):
            print(finding)
            failed |= finding.level == ERROR
    return 1 if failed else 0
