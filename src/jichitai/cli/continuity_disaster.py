"""`jichitai continuity declare|declarations|extend|end|revoke|report|degraded`: 災害宣言と代行 (issue 14).

    jichitai continuity declare --municipality CODE --staff USER --kind KIND --partners CODE[,CODE]
                                --legal-basis BASIS --purpose TEXT --until DATETIME [--from DATETIME]
    jichitai continuity declarations --municipality CODE --staff USER [--json]
    jichitai continuity extend ID --until DATETIME --municipality CODE --staff USER [--note TEXT]
    jichitai continuity end ID --municipality CODE --staff USER [--note TEXT]
    jichitai continuity revoke ID --note TEXT [--partner CODE] --municipality CODE --staff USER
    jichitai continuity report ID --municipality CODE --staff USER [--out FILE]
    jichitai continuity degraded status|on|off --municipality CODE --staff USER [--mode MODE] [--reason TEXT]

``--municipality`` is the stricken municipality; ``--staff`` its 団体管理者 or the 協議会管理者 (the
same rights as on the screen /continuity/, logged as theirs). Exit 1 when refused, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from ._django import DATA_DIR_HELP, DatabaseUnavailable, open_database

ACTIONS = ("declare", "declarations", "extend", "end", "revoke", "report", "degraded")


def _when(raw: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日時の形式が正しくありません / not an ISO date-time: {raw}"
        ) from None


def _parser(name: str) -> argparse.ArgumentParser:
    from jichitai.tenancy.models import DisasterKind, LegalBasis

    p = argparse.ArgumentParser(
        prog=f"jichitai continuity {name}",
        description="災害宣言と代行 / disaster declaration and 代行",
    )
    p.add_argument(
        "--municipality",
        required=True,
        metavar="CODE",
        help="被災団体の地方公共団体コード / stricken municipality",
    )
    p.add_argument(
        "--staff",
        required=True,
        metavar="USERNAME",
        help="団体管理者・協議会管理者の職員ID / the administrator",
    )
    p.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    if name == "declare":
        p.add_argument(
            "--kind", required=True, choices=DisasterKind.values, help="災害の種別 / kind"
        )
        p.add_argument(
            "--partners", required=True, help="代行団体のコード（カンマ区切り） / partner codes"
        )
        p.add_argument(
            "--legal-basis", required=True, choices=LegalBasis.values, help="根拠 / legal basis"
        )
        p.add_argument("--purpose", required=True, help="目的 / purpose")
        p.add_argument(
            "--from",
            dest="starts_at",
            type=_when,
            default=None,
            help="開始日時（既定: 今） / start",
        )
        p.add_argument(
            "--until", dest="ends_at", type=_when, required=True, help="終了予定日時 / expected end"
        )
    elif name == "declarations":
        p.add_argument("--json", action="store_true")
    elif name == "degraded":
        p.add_argument("op", choices=("status", "on", "off"))
        p.add_argument("--mode", choices=("read_only", "issuance_only"), default="read_only")
        p.add_argument("--reason", default="")
    else:
        p.add_argument("id", type=int, help="災害宣言のID / declaration id")
        p.add_argument("--note", default="", help="理由 / reason")
        if name == "extend":
            p.add_argument(
                "--until",
                dest="ends_at",
                type=_when,
                required=True,
                help="新しい終了予定日時 / new end",
            )
        if name == "revoke":
            p.add_argument(
                "--partner",
                default="",
                metavar="CODE",
                help="この代行団体だけ取り消す / one partner only",
            )
        if name == "report":
            p.add_argument(
                "--out", type=Path, default=None, help="CSVの出力先（省略時は標準出力） / CSV file"
            )
    return p


def _fail(message_ja: str, message_en: str, code: int = 2) -> int:
    print(f"jichitai continuity: {message_ja} / {message_en}", file=sys.stderr)
    return code


def main(name: str, argv: list[str]) -> int:
    if name not in ACTIONS:
        return _fail(f"不明な操作です: {name}", f"unknown action: {name}")
    try:
        open_database(_data_dir(argv))
    except DatabaseUnavailable as exc:
        print(exc.lines("jichitai continuity"), file=sys.stderr)
        return 2
    args = _parser(name).parse_args(argv)
    from jichitai.accounts.models import Staff
    from jichitai.tenancy.context import TenantContext, activate
    from jichitai.tenancy.models import Municipality

    muni = Municipality.objects.filter(code=args.municipality).first()
    if muni is None:
        return _fail(
            f"団体コード {args.municipality} の団体がありません",
            f"no municipality {args.municipality}",
        )
    staff = Staff.objects.filter(username=args.staff, is_active=True).first()
    if staff is None:
        return _fail(f"職員ID {args.staff} の有効な職員がいません", f"no active staff {args.staff}")
    ctx = TenantContext(
        municipality_id=muni.pk,
        acting_municipality_id=muni.pk,
        staff_id=staff.pk,
        purpose="災害宣言と代行（CLI）",
    )
    from django.db import transaction

    with activate(ctx), transaction.atomic():
        return _run(name, args, muni, staff)


def _data_dir(argv: list[str]) -> Path | None:
    for i, a in enumerate(argv):
        if a == "--data-dir" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if a.startswith("--data-dir="):
            return Path(a.split("=", 1)[1])
    return None


def _run(name: str, args: argparse.Namespace, muni: Any, staff: Any) -> int:
    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.continuity.disaster import DeclarationError

    try:
        return HANDLERS[name](args, muni, staff)
    except CapabilityMissing:
        return _fail(
            f"{args.staff} はこの団体の災害宣言の権限（団体管理者・協議会管理者）を持っていません",
            f"{args.staff} may not declare for {args.municipality}",
            1,
        )
    except DeclarationError as exc:
        return _fail(str(exc), "refused", 1)


def _declare(args: argparse.Namespace, muni: Any, staff: Any) -> int:
    from django.utils import timezone

    from jichitai.continuity import disaster
    from jichitai.tenancy.models import Municipality

    codes = [c.strip() for c in args.partners.split(",") if c.strip()]
    found = dict(Municipality.objects.filter(code__in=codes).values_list("code", "pk"))
    missing = [c for c in codes if c not in found]
    if missing:
        return _fail(
            f"代行団体がありません: {', '.join(missing)}", f"no such partner: {', '.join(missing)}"
        )
    decl = disaster.declare(
        kind=args.kind,
        legal_basis=args.legal_basis,
        purpose=args.purpose,
        starts_at=args.starts_at or timezone.now(),
        ends_at=args.ends_at,
        partner_ids=[found[c] for c in codes],
    )
    print(
        f"災害宣言 {decl.pk} を登録しました（代行団体 {len(codes)}） / declared {decl.pk} for {len(codes)} partners"
    )
    return 0


def _declarations(args: argparse.Namespace, muni: Any, staff: Any) -> int:
    from jichitai.continuity import disaster

    rows = [
        {
            "id": d.pk,
            "kind": d.kind,
            "state": disaster.state_of(d),
            "starts_at": d.starts_at.isoformat(),
            "ends_at": d.ends_at.isoformat(),
            "legal_basis": d.legal_basis,
            "purpose": d.purpose,
            "partners": [
                {"code": p.municipality.code, "state": p.state} for p in disaster.partners_of(d)
            ],
        }
        for d in disaster.declarations()
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        partners = ",".join(f"{p['code']}({p['state']})" for p in r["partners"])
        print(f"{r['id']}\t{r['state']}\t{r['kind']}\t{r['starts_at']}\t{r['ends_at']}\t{partners}")
    return 0


def _declaration(args: argparse.Namespace) -> Any:
    from jichitai.continuity import disaster
    from jichitai.tenancy.models import DisasterDeclaration

    try:
        return disaster.get(args.id)
    except DisasterDeclaration.DoesNotExist:
        raise disaster.DeclarationError(f"この団体の災害宣言 {args.id} はありません") from None


def _change(args: argparse.Namespace, muni: Any, staff: Any) -> int:
    from jichitai.continuity import disaster
    from jichitai.tenancy.models import Municipality

    decl = _declaration(args)
    if args.command_name == "extend":
        disaster.extend(decl, args.ends_at, note=args.note)
    elif args.command_name == "end":
        disaster.end(decl, note=args.note)
    else:
        partner = None
        if args.partner:
            partner = (
                Municipality.objects.filter(code=args.partner).values_list("pk", flat=True).first()
            )
            if partner is None:
                return _fail(
                    f"代行団体がありません: {args.partner}", f"no such partner: {args.partner}"
                )
        disaster.revoke(decl, note=args.note, partner_id=partner)
    print(f"災害宣言 {decl.pk}: {args.command_name} / done")
    return 0


def _report(args: argparse.Namespace, muni: Any, staff: Any) -> int:
    from jichitai.accounts.capabilities import require_capability
    from jichitai.continuity import report
    from jichitai.continuity.disaster import CAPABILITY

    require_capability(staff, CAPABILITY)
    lines = report.csv_lines(_declaration(args))
    if args.out:
        with args.out.open("w", encoding="utf-8", newline="") as f:
            f.writelines(lines)
    else:
        sys.stdout.writelines(lines)
    return 0


def _degraded(args: argparse.Namespace, muni: Any, staff: Any) -> int:
    from jichitai.accounts.capabilities import require_capability
    from jichitai.continuity import degraded
    from jichitai.continuity.disaster import CAPABILITY

    if args.op == "on":
        degraded.switch_on(args.mode, reason=args.reason, username=staff.username)
    elif args.op == "off":
        degraded.switch_off(note=args.reason)
    else:
        require_capability(staff, CAPABILITY)
    setting = degraded.current_setting()
    label = degraded.MODES[setting["mode"]] if setting else "通常運転"
    print(f"{muni.code}: {label} / {setting['mode'] if setting else 'normal'}")
    return 0


def _named(handler: Any, command_name: str) -> Any:
    def run(args: argparse.Namespace, muni: Any, staff: Any) -> int:
        args.command_name = command_name
        return int(handler(args, muni, staff))

    return run


HANDLERS = {
    "declare": _declare,
    "declarations": _declarations,
    "report": _report,
    "degraded": _degraded,
    "extend": _named(_change, "extend"),
    "end": _named(_change, "end"),
    "revoke": _named(_change, "revoke"),
}
