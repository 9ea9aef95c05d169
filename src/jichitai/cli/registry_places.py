"""`jichitai registry places`: 入力場所・入力端末 of a municipality ([230] 1.3.1), kept by staff.

    places --municipality CODE list
    places --municipality CODE add-place CODE NAME {main_office,branch,sub_office,department,other}
    places --municipality CODE add-terminal PLACE_CODE CODE NAME
    places --municipality CODE disable|enable {place,terminal} CODE
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ._django import DATA_DIR_HELP, DatabaseUnavailable, open_database


def add_parser(sub: Any) -> None:
    p = sub.add_parser("places", help="入力場所・入力端末の登録 / input places and terminals")
    p.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    ops = p.add_subparsers(dest="op", required=True)
    ops.add_parser("list", help="一覧 / list")
    a = ops.add_parser("add-place", help="入力場所の登録 / add a place")
    a.add_argument("code")
    a.add_argument("name")
    a.add_argument("kind", choices=["main_office", "branch", "sub_office", "department", "other"],
                   help="本庁・支所・出張所・住民記録システム利用課・その他")
    t = ops.add_parser("add-terminal", help="入力端末の登録 / add a terminal")
    t.add_argument("place")
    t.add_argument("code")
    t.add_argument("name")
    for name in ("disable", "enable"):
        d = ops.add_parser(name, help="使用停止 / disable" if name == "disable" else "使用再開 / enable")
        d.add_argument("what", choices=["place", "terminal"])
        d.add_argument("code")


def municipality_unit(args: argparse.Namespace, purpose: str) -> Any:
    """(context manager for the municipality's unit of work, None) or (None, exit code)."""
    try:
        open_database(args.data_dir)
    except DatabaseUnavailable as exc:
        print(exc.lines("jichitai registry"), file=sys.stderr)
        return None, 2
    from jichitai.tenancy.context import activate
    from jichitai.tenancy.models import Municipality
    from jichitai.tenancy.services import own_context

    muni = Municipality.objects.filter(code=args.municipality).first()
    if muni is None:
        print(f"jichitai registry: 地方公共団体コード {args.municipality} の団体がありません / "
              f"no municipality with code {args.municipality}", file=sys.stderr)
        return None, 2
    return activate(own_context(muni, purpose=purpose)), 0


def logged(args: argparse.Namespace, read_only: set[str]) -> Any:
    """バッチ処理ログ ([1370]#1) of a changing op (start, end, rows); lookups log nothing."""
    from contextlib import nullcontext

    from jichitai.audit.recording import batch_run

    if args.op in read_only:
        return nullcontext({"rows": 0})
    extra = {k: str(v) for k, v in vars(args).items() if k not in {"command", "op", "data_dir", "municipality"}}
    return batch_run(f"registry.{args.command}.{args.op}", detail={"args": extra})


def run(args: argparse.Namespace) -> int:
    unit, code = municipality_unit(args, "入力場所・入力端末の登録")
    if unit is None:
        return code
    from django.db import transaction

    from jichitai.registry import workstation
    from jichitai.registry.errors import RegistryError

    try:
        with unit, logged(args, {"list"}) as batch, transaction.atomic():
            batch["rows"] = 0 if args.op == "list" else 1
            if args.op == "list":
                for place in workstation.places():
                    state = "" if place.active else "（使用停止）"
                    print(f"{place.code}\t{place.name}\t{place.get_kind_display()}{state}")
                    for t in place.terminals.order_by("code"):
                        print(f"  {t.code}\t{t.name}{'' if t.active else '（使用停止）'}")
            elif args.op == "add-place":
                workstation.add_place(args.code, args.name, args.kind)
            elif args.op == "add-terminal":
                workstation.add_terminal(args.place, args.code, args.name)
            else:
                workstation.set_active(args.what, args.code, args.op == "enable")
    except RegistryError as exc:
        for v in exc.violations:
            print(f"jichitai registry places: {v.field}: {v.message}", file=sys.stderr)
        return 1
    return 0
