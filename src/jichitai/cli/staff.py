"""`jichitai staff grants import|export`: 操作権限の一括メンテナンス ([1380]#10) as a batch.

    jichitai staff grants import FILE.csv --municipality CODE --admin USERNAME [--data-dir DIR]
    jichitai staff grants export --municipality CODE --admin USERNAME [--out FILE] [--data-dir DIR]
    jichitai staff departments --municipality CODE --admin USERNAME list
                               | grant DEPARTMENT ROLE [--from DATE] [--until DATE] | revoke DEPARTMENT ROLE

The file is the one of /staff/bulk/ (accounts/bulk_grants.py): every row checked, then all saved
or none, errors by line and column. ``--admin`` names the 団体管理者 (or 協議会管理者) whose rights
the run uses: the same scope as on the screen, and the run is logged as theirs (バッチ処理ログ and
one 設定変更ログ entry per grant). Exit 1 when the file is refused, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._django import DATA_DIR_HELP, DatabaseUnavailable, open_database


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jichitai staff", description="職員管理 / staff administration")
    sub = p.add_subparsers(dest="command", required=True)
    grants = sub.add_parser("grants", help="役割付与の一括メンテナンス / bulk role grants")
    ops = grants.add_subparsers(dest="op", required=True)
    imp = ops.add_parser("import", help="CSVを取り込む（全件か0件） / import a CSV, all or nothing")
    imp.add_argument("file", type=Path)
    exp = ops.add_parser("export", help="操作権限一覧表をCSVで出力 / export the grants as CSV")
    exp.add_argument("--out", type=Path, default=None, help="出力ファイル（省略時は標準出力）")
    dep = sub.add_parser("departments", help="所属部署への役割付与（組織単位） / roles by department")
    dops = dep.add_subparsers(dest="op", required=True)
    dops.add_parser("list", help="一覧 / list")
    g = dops.add_parser("grant", help="付与（期間の変更） / grant or change the period")
    r = dops.add_parser("revoke", help="取消 / revoke")
    for x in (g, r):
        x.add_argument("department", help="所属部署（職員の所属部署と同じ名称）")
        x.add_argument("role", help="役割（コードまたは名称）")
    g.add_argument("--from", dest="valid_from", default="", help="開始日 YYYY-MM-DD")
    g.add_argument("--until", dest="valid_until", default="", help="終了日 YYYY-MM-DD")
    for sp in (imp, exp, dep):
        sp.add_argument("--municipality", required=True, metavar="CODE", help="地方公共団体コード（6桁）")
        sp.add_argument("--admin", required=True, metavar="USERNAME",
                        help="実行する管理者の職員ID（その権限の範囲で処理） / the administrator acting")
        sp.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    return p


def _fail(message_ja: str, message_en: str) -> int:
    print(f"jichitai staff: {message_ja} / {message_en}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        open_database(args.data_dir)
    except DatabaseUnavailable as exc:
        print(exc.lines("jichitai staff"), file=sys.stderr)
        return 2
    from jichitai.accounts.administration import scope_for
    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.accounts.models import Staff
    from jichitai.tenancy.context import TenantContext, activate
    from jichitai.tenancy.models import Municipality

    muni = Municipality.objects.filter(code=args.municipality).first()
    if muni is None:
        return _fail(f"--municipality: 団体コード {args.municipality} の団体がありません",
                     f"no municipality with code {args.municipality}")
    admin = Staff.objects.filter(username=args.admin, is_active=True).first()
    if admin is None:
        return _fail(f"--admin: 職員ID {args.admin} の有効な職員がいません", f"no active staff {args.admin}")
    ctx = TenantContext(municipality_id=muni.pk, acting_municipality_id=muni.pk, staff_id=admin.pk,
                        purpose="操作権限の一括メンテナンス")
    with activate(ctx):
        try:
            scope = scope_for(admin, muni.pk)
        except CapabilityMissing:
            return _fail(f"--admin: {args.admin} はこの団体の職員管理権限（団体管理者・協議会管理者）を持っていません",
                         f"{args.admin} may not administer staff of {args.municipality}")
        if args.command == "departments":
            return _departments(args, scope)
        return _import(args, scope) if args.op == "import" else _export(args, scope)


def _import(args: argparse.Namespace, scope: object) -> int:
    from jichitai.accounts.administration import AdminError
    from jichitai.accounts.bulk_grants import BulkRefused, RowError, apply_csv, decode
    from jichitai.audit.recording import batch_run

    if not args.file.is_file():
        return _fail(f"ファイルがありません: {args.file}", f"no such file: {args.file}")
    try:
        with batch_run("staff.grants.import", detail={"file": str(args.file)}) as run:
            run["rows"] = apply_csv(scope, decode(args.file.read_bytes()))  # type: ignore[arg-type]
    except (BulkRefused, AdminError) as exc:
        errors = exc.errors if isinstance(exc, BulkRefused) else [RowError(0, exc.field, exc.message)]
        for e in errors:
            print(f"{args.file}:{e.line}: {e.field}: {e.message}", file=sys.stderr)
        print(f"取り込みませんでした（エラー {len(exc.errors)} 件、0 件保存） / refused: nothing saved",
              file=sys.stderr)
        return 1
    print(f"{run['rows']} 行を取り込みました / imported {run['rows']} rows")
    return 0


def _export(args: argparse.Namespace, scope: object) -> int:
    from jichitai.accounts.bulk_grants import export_csv
    from jichitai.audit.recording import batch_run

    with batch_run("staff.grants.export", detail={"out": str(args.out or "-")}) as run:
        text = export_csv(scope)  # type: ignore[arg-type]
        run["rows"] = max(text.count("\r\n") - 1, 0)
    if args.out:
        args.out.write_text("\ufeff" + text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return 0


def _departments(args: argparse.Namespace, scope: object) -> int:
    """[1380]#4: roles granted to a 所属部署 of the municipality (all its staff hold them)."""
    from django.db import transaction

    from jichitai.accounts import department_grants as dg
    from jichitai.accounts.administration import AdminError, parse_day
    from jichitai.accounts.bulk_grants import ROLE_BY_LABEL
    from jichitai.accounts.models import Role

    muni = scope.municipality_id  # type: ignore[attr-defined]
    if args.op == "list":
        for g in dg.grants_in_scope(scope):
            period = f"{g.valid_from or ''}〜{g.valid_until or ''}"
            print(f"{g.municipality.code}\t{g.department}\t{g.role}\t{Role(g.role).label}\t{period}")
        return 0
    try:
        role = ROLE_BY_LABEL.get(args.role.strip(), args.role.strip())
        with transaction.atomic():
            if args.op == "grant":
                dg.grant_department(scope, municipality_id=muni, department=args.department, role=role,
                                    valid_from=parse_day(args.valid_from, "valid_from"),
                                    valid_until=parse_day(args.valid_until, "valid_until"))
            else:
                dg.revoke_department(scope, municipality_id=muni, department=args.department, role=role)
    except AdminError as exc:
        print(f"jichitai staff departments: {exc.field}: {exc.message}", file=sys.stderr)
        return 1
    return 0
