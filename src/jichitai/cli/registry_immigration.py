"""`jichitai registry immigration`: 法務省通知 intake ([960]) and the 市町村通知 ([970]);
`jichitai registry resident-codes`: the stock of 住民票コード for new numbering ([870]).

    immigration --municipality CODE --staff USER check FILE.csv    処理結果確認票 (TSV), nothing applied
    immigration --municipality CODE --staff USER apply FILE.csv    every 取込可 notice as 仮登録 (all or none)
    immigration --municipality CODE --staff USER receive FILE.csv  store the notices (未取込)
    immigration --municipality CODE --staff USER pending           確認票 of every notice not taken in
    immigration --municipality CODE --staff USER apply-pending     take them in (仮登録, all or none)
    immigration --municipality CODE --staff USER settle NO EVENT   one taken in by hand (its 異動)
    immigration --municipality CODE --staff USER notice [--since N --since-on DATE] [--on DATE]  市町村通知
    resident-codes --municipality CODE --staff USER stock FILE  codes from the CS file (one a line)
    resident-codes --municipality CODE --staff USER count       unused codes left

Exit 1 when the file has an error or a notice is refused (nothing applied), 2 for no database or
an unknown municipality or staff member. The file format is in docs/registry.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ._django import DATA_DIR_HELP
from .registry_places import logged, municipality_unit


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "immigration", help="法務省通知の取込・市町村通知 / notices from and to immigration"
    )
    p.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    p.add_argument("--staff", required=True, help="処理する職員のユーザー名")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    ops = p.add_subparsers(dest="op", required=True)
    for name, text in (
        ("check", "処理結果確認票（反映しない） / review"),
        ("apply", "取込（仮登録） / apply"),
    ):
        o = ops.add_parser(name, help=text)
        o.add_argument("file", type=Path, help="法務省通知ファイル（CSV、UTF-8）")
    r = ops.add_parser(
        "receive", help="通知ファイルの受信（未取込として保存） / store a file's notices"
    )
    r.add_argument("file", type=Path, help="法務省通知ファイル（CSV、UTF-8）")
    ops.add_parser(
        "pending", help="未取込の通知の確認票（通知日にかかわらず） / notices not taken in"
    )
    ops.add_parser("apply-pending", help="未取込の通知の取込（仮登録） / apply the stored notices")
    st = ops.add_parser(
        "settle", help="手動で取り込んだ通知の記録 / mark a notice taken in by hand"
    )
    st.add_argument("number", help="通知番号")
    st.add_argument("event_id", type=int, help="取り込んだ異動の受付番号")
    n = ops.add_parser("notice", help="市町村通知 / notices to immigration")
    n.add_argument("--since", type=int, default=0, help="前回送信した最終承認番号")
    n.add_argument(
        "--since-on", type=dt.date.fromisoformat, default=None, help="前回の基準日 YYYY-MM-DD"
    )
    n.add_argument("--on", type=dt.date.fromisoformat, default=None, help="基準日 YYYY-MM-DD")
    c = sub.add_parser("resident-codes", help="新規付番用住民票コードの蓄積 / resident code stock")
    c.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    c.add_argument("--staff", required=True, help="処理する職員のユーザー名（住民票コード付番の操作権限）")
    c.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    cops = c.add_subparsers(dest="op", required=True)
    cops.add_parser("stock", help="CSから取得したコードの取込").add_argument("file", type=Path)
    cops.add_parser("count", help="空き番の件数")


def _print(rows: Any) -> None:
    rows = list(rows)
    header = list(dict.fromkeys(k for row in rows for k in row))  # a masked line has fewer items
    if header:
        print("\t".join(header))
    for row in rows:
        print("\t".join(str(row.get(k, "")) for k in header))


def run_codes(args: argparse.Namespace) -> int:
    unit, code = municipality_unit(args, "住民票コードの蓄積")
    if unit is None:
        return code
    from django.db import transaction

    from jichitai.registry import resident_codes

    with unit, logged(args, {"count"}) as batch, transaction.atomic():
        refused = _numbering_refused(args.staff)
        if refused:
            print(refused, file=sys.stderr)
            return 2
        if args.op == "count":
            print(len(resident_codes.unused()))
            return 0
        got = resident_codes.stock(
            args.file.read_text(encoding="utf-8").splitlines(), source=args.file.name
        )
        batch["rows"] = got.added
        for line, message in got.refused:
            print(f"{args.file}:{line}: {message}", file=sys.stderr)
        print(f"取込 {got.added}件、取込済み {got.already}件")
        return 1 if got.refused else 0


def _numbering_refused(username: str) -> str:
    """[1380]#9 4.3.1: the stock is the 住民票コード付番 right's (withheld per staff member too)."""
    from jichitai.accounts.capabilities import has_capability
    from jichitai.accounts.models import Staff

    staff = Staff.objects.filter(username=username, is_active=True).first()
    if staff is None:
        return f"jichitai registry resident-codes: 職員 {username} がいません / no staff {username}"
    if not has_capability(staff, "registry.resident_code_numbering"):
        return ("jichitai registry resident-codes: 住民票コード付番の操作権限がありません / "
                f"{username} may not manage the resident code stock (registry.resident_code_numbering)")
    return ""


def run(args: argparse.Namespace) -> int:
    unit, code = municipality_unit(args, "出入国在留管理庁長官通知・市町村通知")
    if unit is None:
        return code
    from django.db import transaction

    from jichitai.accounts.models import Staff
    from jichitai.registry import immigration
    from jichitai.registry.documents import build

    staff = Staff.objects.filter(username=args.staff, is_active=True).first()
    if staff is None:
        print(
            f"jichitai registry immigration: 職員 {args.staff} がいません / no staff {args.staff}",
            file=sys.stderr,
        )
        return 2
    with unit, logged(args, {"check", "notice", "pending"}) as batch, transaction.atomic():
        if args.op == "notice":
            _print(
                build(
                    "municipal_notice",
                    staff=staff,
                    since=args.since,
                    on=args.on,
                    since_on=args.since_on,
                ).rows
            )
            return 0
        if args.op in STORED:
            return _stored(args, staff, batch)
        text = args.file.read_text(encoding="utf-8")
        if args.op == "check":
            rev = immigration.review(text, staff=staff)
            _print(immigration.confirmation_rows(rev))
            return _problems(args.file, rev.problems)
        return _applied(args, immigration.apply(text, staff=staff), batch)


STORED = frozenset({"receive", "pending", "apply-pending", "settle"})


def _applied(args: argparse.Namespace, done: Any, batch: dict[str, Any]) -> int:
    batch["rows"] = len(done.events)
    for number, message in done.refused:
        print(f"通知番号 {number}: {message}（取り込んでいません）", file=sys.stderr)
    for number, event_id in done.events.items():
        print(f"{number}\t仮登録 {event_id}")
    problems = _problems(args.file, done.review.problems) if getattr(args, "file", None) else 0
    return problems or (1 if done.refused else 0)


def _stored(args: argparse.Namespace, staff: Any, batch: dict[str, Any]) -> int:
    """The notices kept until taken in ([960]#1): receive, list, apply, settle by hand."""
    from jichitai.registry import immigration, immigration_store
    from jichitai.registry.errors import RegistryError

    if args.op == "receive":
        got = immigration_store.receive(
            args.file.read_text(encoding="utf-8"), file_name=args.file.name
        )
        batch["rows"] = got.added
        print(f"受信 {got.added}件、受信済み {got.already}件")
        return _problems(args.file, got.problems)
    if args.op == "pending":
        _print(immigration.confirmation_rows(immigration_store.review_pending(staff=staff)))
        return 0
    if args.op == "apply-pending":
        return _applied(args, immigration_store.apply_pending(staff=staff), batch)
    try:
        immigration_store.settle(args.number, args.event_id)
    except RegistryError as exc:
        print(f"jichitai registry immigration: {exc.violations[0].message}", file=sys.stderr)
        return 1
    return 0


def _problems(path: Path, problems: list[tuple[int, str]]) -> int:
    for line, message in problems:
        print(f"{path}:{line}: {message}", file=sys.stderr)
    return 1 if problems else 0
