"""`jichitai import` / `jichitai export`: データ移行 in and out of the register (docs/migration.md).

    jichitai import --layout L --municipality CODE --staff USER [--dry-run] [--gaiji TABLE]
                    [--encoding E] [--report DIR] [--images DIR] FILE...
    jichitai export --layout L --municipality CODE --staff USER [--as-of DATE] [--encoding E]
                    [--include-restricted] DIR

Import is all or nothing: every problem of every file is printed (FILE:LINE: 項目 [rule]
日本語 / English) and nothing is stored. Exit 0 when done, 1 when there were problems, 2 for a
usage error (no file, unknown layout, municipality or staff member).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from ._django import DATA_DIR_HELP, DatabaseUnavailable, open_database

SHOWN = 200  # problems printed; the JSON report holds all of them


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--layout", required=True, help="レイアウトID またはファイル / layout id or file"
    )
    p.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    p.add_argument("--staff", required=True, help="実行する職員（団体管理者）のユーザー名")
    p.add_argument("--encoding", help="文字コード（省略時は自動判定・レイアウトの既定）")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)


def _fail(prog: str, message: str) -> int:
    print(f"{prog}: {message}", file=sys.stderr)
    return 2


def _open(prog: str, args: argparse.Namespace) -> tuple[Any, Any] | int:
    """(municipality, staff) or an exit code."""
    from jichitai.layouts import LayoutError, load_layout

    try:
        load_layout(args.layout)
    except (LayoutError, OSError) as exc:
        return _fail(prog, f"レイアウトを読めません / cannot load the layout: {exc}")
    try:
        open_database(args.data_dir)
    except DatabaseUnavailable as exc:
        print(exc.lines(prog), file=sys.stderr)
        return 2
    from jichitai.accounts.models import Staff
    from jichitai.tenancy.models import Municipality

    m = Municipality.objects.filter(code=args.municipality).first()
    if m is None:
        return _fail(
            prog,
            f"地方公共団体コード {args.municipality} の団体がありません / "
            f"no municipality with code {args.municipality}",
        )
    staff = Staff.objects.filter(username=args.staff, is_active=True).first()
    if staff is None:
        return _fail(prog, f"職員 {args.staff} がいません / no active staff member {args.staff}")
    return m, staff


def _lines(files: list[Path]) -> int:
    """About the rows of ``files`` (line breaks less a header each): the progress bar's total."""
    total = 0
    for f in files:
        with f.open("rb") as fh:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1
    return max(total, 0)


def main_import(argv: list[str]) -> int:
    prog = "jichitai import"
    p = argparse.ArgumentParser(
        prog=prog, description="移行ファイルの取込 / import migration files"
    )
    _common(p)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="検証のみ（書込みなし） / check only")
    p.add_argument("--gaiji", type=Path, help="外字対応表（CSV） / 外字 mapping table")
    p.add_argument("--report", type=Path, metavar="DIR", help="報告の出力先（JSON・照合表PDF）")
    p.add_argument(
        "--images", type=Path, metavar="DIR", help="印影の画像のフォルダ（印鑑登録） / seal images"
    )
    args = p.parse_args(argv)
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        return _fail(prog, f"ファイルがありません / no such file: {', '.join(missing)}")
    opened = _open(prog, args)
    if isinstance(opened, int):
        return opened
    municipality, staff = opened
    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.importer.migration_files import import_files
    from jichitai.moji.errors import MojiError

    from .progress import Steps

    total = _lines(args.files)
    try:
        with Steps() as steps, steps.step(
            "読込・検証・登録 / read, check, store", total, "行", rate=True
        ) as advance:
            run = import_files(
                args.files,
                layout=args.layout,
                municipality=municipality,
                staff=staff,
                dry_run=args.dry_run,
                gaiji_table=args.gaiji,
                encoding=args.encoding,
                progress=advance,
                total_rows=total,
                images_dir=args.images,
            )
    except CapabilityMissing as exc:
        return _fail(prog, f"データ移行の権限がありません / not allowed to migrate data: {exc}")
    except MojiError as exc:
        return _fail(prog, f"外字対応表を読めません / cannot read the 外字 table: {exc}")
    for problem in run.problems[:SHOWN]:
        where = f"{problem.file}:{problem.line}" if problem.line else problem.file
        print(
            f"{where}: {problem.item} [{problem.rule}] {problem.message_ja} / "
            f"{problem.message_en}（値 / value: {problem.value!r}）"
        )
    if len(run.problems) > SHOWN:
        print(f"… ほか{len(run.problems) - SHOWN}件 / {len(run.problems) - SHOWN} more (--report)")
    if args.report:
        _write_report(args.report, run, municipality, staff)
    print(run.result.message if run.result else "")
    print(f"{run.rows}行 {run.seconds:.1f}秒 / {run.rows} rows in {run.seconds:.1f} s")
    if run.problems:
        summary = ", ".join(f"{rule} {n}" for rule, n in run.by_rule().items())
        print(
            f"{prog}: {len(run.problems)}件の問題（{summary}）：何も登録していません / "
            f"{len(run.problems)} problem(s): nothing was stored",
            file=sys.stderr,
        )
        return 1
    return 0


def _write_report(directory: Path, run: Any, municipality: Any, staff: Any) -> None:
    from jichitai.importer.migration import as_staff
    from jichitai.importer.reconcile import reconciliation, report_pdf

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "import-report.json").write_text(
        json.dumps(run.as_json(), ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    if run.problems or run.result is None or run.result.dry_run:
        return
    with as_staff(municipality, staff):
        report = reconciliation(expected=run.expected, gaiji_mapped=run.result.gaiji_mapped)
        (directory / "reconciliation.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        (directory / "reconciliation.pdf").write_bytes(report_pdf(report))


def main_export(argv: list[str]) -> int:
    prog = "jichitai export"
    p = argparse.ArgumentParser(prog=prog, description="移行ファイルの出力 / export the register")
    _common(p)
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("--as-of", help="基準日（YYYY-MM-DD、省略時は現在） / as of this date")
    p.add_argument(
        "--include-restricted",
        action="store_true",
        help="個人番号を含める（操作ログに記録） / include 個人番号 (audited)",
    )
    p.add_argument(
        "--spec",
        action="store_true",
        help="表形式（移行ファイル構成表・関連図・データ項目一覧表・コード構成表・コード一覧）も出力 / "
        "also write the layout's tables ([1410]#1)",
    )
    p.add_argument(
        "--handover",
        action="store_true",
        help="契約終了時のデータ提供：最新版の中間標準レイアウトと他の業務データ・表形式・目録 / "
        "end-of-contract hand-over: every file, its tables and a manifest ([1410]#2)",
    )
    args = p.parse_args(argv)
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        return _fail(
            prog,
            f"基準日は YYYY-MM-DD で指定してください / --as-of must be YYYY-MM-DD: {args.as_of}",
        )
    opened = _open(prog, args)
    if isinstance(opened, int):
        return opened
    municipality, staff = opened
    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.importer.migration_files import export_file
    from jichitai.layouts import load_layout

    if args.spec or args.handover:
        from .handover import export_with_spec

        return export_with_spec(prog, args, municipality, staff, as_of)
    lay = load_layout(args.layout)
    args.directory.mkdir(parents=True, exist_ok=True)
    path = (
        args.directory / f"{lay.id}-{municipality.code}.{'csv' if lay.format == 'csv' else 'dat'}"
    )
    try:
        run = export_file(
            path,
            layout=args.layout,
            municipality=municipality,
            staff=staff,
            as_of=as_of,
            encoding=args.encoding,
            include_restricted=args.include_restricted,
        )
    except CapabilityMissing as exc:
        return _fail(prog, f"データ移行の権限がありません / not allowed to migrate data: {exc}")
    for d in run.degraded:
        print(f"縮退 / degraded: {path.name}:{d.line} {d.key} {d.before!r} → {d.after!r}")
    print(
        f"{run.persons}人・{run.rows}行を出力しました / wrote {run.persons} persons, {run.rows} rows: "
        f"{path} ({run.seconds:.1f} s)"
    )
    return 0
