"""`jichitai registry statistics`: the 住民基本台帳関係年報 and 入管 定期報告 tables ([1080]) of one
municipality for a 基準日, as CSV or XLSX (the screen 統計 shows the same report).

    jichitai registry statistics --municipality CODE --date 2025-01-01 [--from 2024-01-01]
                                 [--format csv|xlsx] [--out FILE] [--data-dir DIR]

``--date`` accepts 西暦 or 和暦 (令和7年1月1日). XLSX needs ``--out``. Exit 2: no database, unknown
municipality, or a date the statistics refuse (before the new system's 稼働月).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ._django import DATA_DIR_HELP


def _date(text: str) -> Any:
    from jichitai.wareki import DateInputError, parse_date

    try:
        day = parse_date(text)
    except DateInputError as exc:
        raise argparse.ArgumentTypeError(
            exc.message or f"日付が読めません / not a date: {text}"
        ) from None
    if day is None:
        raise argparse.ArgumentTypeError("日付を指定してください / a date is required")
    return day


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "statistics", help="統計（年報・入管定期報告）の出力 / statistics as CSV or XLSX"
    )
    p.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    p.add_argument(
        "--date", required=True, type=_date, help="基準日（例: 2025-01-01、令和7年1月1日）"
    )
    p.add_argument(
        "--from",
        dest="start",
        type=_date,
        default=None,
        help="集計期間の開始日（省略時は基準日の1年前）",
    )
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    p.add_argument("--out", type=Path, default=None, help="出力ファイル（CSVは省略時に標準出力）")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)


def run(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and args.out is None:
        print(
            "jichitai registry statistics: XLSX は --out で出力先を指定してください / --out is required for xlsx",
            file=sys.stderr,
        )
        return 2
    from .registry_places import municipality_unit

    unit, code = municipality_unit(args, "統計")
    if unit is None:
        return code
    from django.db import transaction

    from jichitai.audit.recording import batch_run
    from jichitai.registry import statistics
    from jichitai.registry.statistics import export
    from jichitai.tenancy.models import Municipality

    detail = {
        "date": args.date.isoformat(),
        "from": args.start.isoformat() if args.start else None,
        "format": args.format,
        "out": str(args.out or "-"),
    }
    try:
        with unit, batch_run("registry.statistics", detail=detail) as run_log:
            with transaction.atomic():
                report = statistics.report(args.date, start=args.start)
                muni = Municipality.objects.get(code=args.municipality)
                data = export.render(report, f"{muni.name}（{muni.code}）", args.format)
            run_log["rows"] = sum(len(t.rows) for t in report.tables)
    except statistics.StatisticsError as exc:  # logged as a failed run by batch_run
        print(f"jichitai registry statistics: {exc.message}", file=sys.stderr)
        return 2
    if args.out:
        args.out.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
