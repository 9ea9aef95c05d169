"""`jichitai registry koseki`: 戸籍通知の取込 ([770]#1): the 本籍地's notices (法第9条第2項) entered as
職権 異動 (仮登録; a 決裁者 approves them as any other), the 確認 list written as CSV.

    registry koseki FILE.json --municipality CODE --staff USERNAME [--confirm-out FILE.csv] [--data-dir DIR]

The file's format is documented in docs/registry.md 「職権による記載等」. Exit 0 when every notice was
entered, 1 when some are on the 確認 list, 2 for a bad file, municipality or staff member.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

from ._django import DATA_DIR_HELP


def add_parser(sub: Any) -> None:
    p = sub.add_parser("koseki", help="戸籍通知の取込 / enter the 本籍地's notices (JSON)")
    p.add_argument("file", type=Path, help="戸籍通知ファイル（jichitai.koseki-notice/1 の JSON）")
    p.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    p.add_argument(
        "--staff", required=True, help="入力する職員の職員ID / the staff member's username"
    )
    p.add_argument(
        "--confirm-out", type=Path, default=None, help="確認リストの出力先（CSV。省略時は標準出力）"
    )
    p.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)


def _fail(message: str) -> int:
    print(f"jichitai registry koseki: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from .registry_places import municipality_unit

    try:
        text = args.file.read_bytes()
    except OSError as exc:
        return _fail(f"ファイルを読めません / cannot read {args.file}: {exc.strerror}")
    unit, code = municipality_unit(args, "戸籍通知の取込")
    if unit is None:
        return code
    from django.db import transaction

    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.accounts.models import Staff
    from jichitai.audit.recording import batch_run
    from jichitai.registry import koseki_intake

    staff = Staff.objects.filter(username=args.staff, is_active=True).first()
    if staff is None:
        return _fail(f"職員 {args.staff} がいません / no active staff member {args.staff}")
    try:
        with (
            unit,
            batch_run("registry.koseki", detail={"file": args.file.name}) as batch,
            transaction.atomic(),
        ):
            result = koseki_intake.run(text, staff=staff)
            batch["rows"] = len(result.entered) + len(result.to_confirm)
    except koseki_intake.IntakeFormatError as exc:
        return _fail(str(exc))
    except CapabilityMissing as exc:
        return _fail(str(exc))
    for line in result.entered:
        print(f"{line.notice_id}\t{line.type_label}\t受付番号 {line.event_id}\t{line.message}")
    out = (
        args.confirm_out.open("w", encoding="utf-8", newline="") if args.confirm_out else sys.stdout
    )
    try:
        if result.to_confirm or args.confirm_out:
            writer = csv.writer(out)
            writer.writerow(result.CONFIRM_HEADER)
            writer.writerows(result.confirm_rows())
    finally:
        if args.confirm_out:
            out.close()
    print(f"仮登録 {len(result.entered)} 件、確認 {len(result.to_confirm)} 件", file=sys.stderr)
    return 1 if result.to_confirm else 0
