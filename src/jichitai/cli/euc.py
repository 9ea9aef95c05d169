"""`jichitai euc run SPEC.json --out FILE`: an EUC extraction in batch ([1360]#4, #5), for runs
too big for the screen (which stops at its online limits). Streams the rows to the file, so a
large register never blocks online work nor fills memory.

    jichitai euc run SPEC.json --municipality CODE --staff USERNAME [--out FILE] [--data-dir DIR]

SPEC.json is the same spec as the screen's (docs/euc.md): source, items, where or conditions,
analysis, group_by, total, include_removed, base_date, output (csv | xml | pdf | pdf_label; list
and label are screens; a PDF holds at most 20,000 rows and needs --out). The run is as ``--staff`` (their EUC right, 支援措置 need-to-know and 表示権限 apply) and
is logged as one ``read/euc`` entry. Exit 2 for a bad spec, unknown municipality or staff, a
missing right, or no usable database.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ._django import DATA_DIR_HELP, DatabaseUnavailable, open_database

PROG = "jichitai euc"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description="EUC（データ抽出・分析・加工） / end-user extraction")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="抽出をバッチで実行 / run an extraction spec")
    r.add_argument("spec", type=Path, help="抽出の指定（JSON） / the spec file")
    r.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    r.add_argument("--staff", required=True, help="実行する職員の職員ID / the staff member's username")
    r.add_argument("--out", type=Path, default=None, help="出力ファイル（省略時は標準出力）")
    r.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    args = parser.parse_args(argv)
    try:
        data = json.loads(args.spec.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _fail(f"抽出の指定を読めません / cannot read the spec: {exc}")
    if not isinstance(data, dict):
        return _fail("抽出の指定は JSON のオブジェクトで書いてください / the spec must be a JSON object")
    try:
        open_database(args.data_dir)
    except DatabaseUnavailable as exc:
        print(exc.lines(PROG), file=sys.stderr)
        return 2
    return _run(args, data)


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def _run(args: argparse.Namespace, data: dict[str, Any]) -> int:
    from django.db import transaction

    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.accounts.models import Staff
    from jichitai.registry.euc import output
    from jichitai.registry.euc.expr import ExprError
    from jichitai.registry.euc.run import EucError, Result, columns, parse_spec, stream
    from jichitai.registry.selectors.visibility import withheld_fields
    from jichitai.tenancy.context import activate
    from jichitai.tenancy.models import Municipality
    from jichitai.tenancy.services import own_context

    muni = Municipality.objects.filter(code=args.municipality).first()
    staff = Staff.objects.filter(username=args.staff, is_active=True).first()
    if muni is None:
        return _fail(f"地方公共団体コード {args.municipality} の団体がありません / no municipality {args.municipality}")
    if staff is None:
        return _fail(f"職員 {args.staff} がいません / no active staff member {args.staff}")
    with activate(own_context(muni, staff_id=staff.pk, purpose="EUC（バッチ）")), transaction.atomic():
        try:
            spec = parse_spec(data, withheld=withheld_fields(staff))
        except EucError as exc:
            return _fail("; ".join(f"{f}: {m}" for f, m in exc.errors))
        if spec.output in ("pdf", "pdf_label"):
            return _pdf(args, spec, staff)
        if spec.output not in ("csv", "xml"):
            return _fail("バッチの出力形式は csv・xml・pdf・pdf_label です / output must be csv, xml, pdf or pdf_label")
        out = args.out.open("w", encoding="utf-8", newline="") if args.out else sys.stdout
        try:
            result = Result(spec, columns(spec))
            rows = stream(spec, staff=staff, screen="EUC（バッチ）", result=result)
            if spec.analysis != "rows":
                for _ in rows:
                    pass
                result.groups = sorted(result.group_counts.items(), key=lambda kv: tuple(str(v) for v in kv[0]))
                cols, rows = output.summary(result)
            else:
                cols = result.columns
            chunks = output.csv_chunks(cols, rows) if spec.output == "csv" else output.xml_chunks(spec, cols, rows)
            for chunk in chunks:
                out.write(chunk)
        except CapabilityMissing as exc:
            return _fail(str(exc))
        except ExprError as exc:
            return _fail(f"条件式 / expression: {exc.message}")
        finally:
            if args.out:
                out.close()
    print(f"{PROG}: {result.count} 件 / rows", file=sys.stderr)
    return 0


def _pdf(args: argparse.Namespace, spec: Any, staff: Any) -> int:
    """The extraction as a PDF file (リスト形式 or 宛名形式), through the certificates' engine."""
    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.certificates import euc_output
    from jichitai.certificates.render import RenderError
    from jichitai.registry.euc.expr import ExprError
    from jichitai.registry.euc.run import run

    if args.out is None:
        return _fail("PDF は --out で出力ファイルを指定してください / a PDF needs --out FILE")
    try:
        result = run(spec, staff=staff, screen="EUC（バッチ）", limit=10**12, max_rows=euc_output.MAX_ROWS,
                     online=False)
    except CapabilityMissing as exc:
        return _fail(str(exc))
    except ExprError as exc:
        return _fail(f"条件式 / expression: {exc.message}")
    if result.truncated:
        return _fail(f"PDF は{euc_output.MAX_ROWS:,}件までです（{result.count:,}件）。csv か xml で出力してください"
                     f" / a PDF holds at most {euc_output.MAX_ROWS:,} rows ({result.count:,}): use csv or xml")
    try:
        args.out.write_bytes(euc_output.result_pdf(result, screen="EUC（バッチ）"))
    except RenderError as exc:
        return _fail(f"PDF を作成できません / cannot draw the PDF: {exc}")
    print(f"{PROG}: {result.count} 件 / rows → {args.out}", file=sys.stderr)
    return 0
