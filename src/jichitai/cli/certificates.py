"""`jichitai certificates keys init`: the demo's consortium CA and per-municipality signing keys.
`jichitai certificates ledger --municipality CODE --date D`: the 交付日計表 of one day."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ._django import DATA_DIR_HELP


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="jichitai certificates")
    sub = parser.add_subparsers(dest="group", required=True)
    keys = sub.add_parser("keys", help="署名鍵 / signing keys")
    keys_sub = keys.add_subparsers(dest="action", required=True)
    init = keys_sub.add_parser("init", help="認証局と団体の署名鍵を作成 / create CA and keys")
    init.add_argument("--data-dir", type=Path, required=True)
    ledger = sub.add_parser("ledger", help="交付日計表 / the daily issuance ledger")
    ledger.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    ledger.add_argument("--date", required=True, help="交付日（例: 2026-12-01、令和8年12月1日）")
    ledger.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    args = parser.parse_args(argv)
    if args.group == "ledger":
        from .certificates_ledger import print_ledger

        return print_ledger(args)
    data_dir = args.data_dir.resolve()
    os.environ.setdefault("JICHITAI_DATA_DIR", str(data_dir))
    from ._django import setup

    setup()
    from jichitai.certificates.signing import init_municipality
    from jichitai.tenancy.models import Municipality

    count = 0
    for m in Municipality.objects.select_related("consortium").order_by("code"):
        paths = init_municipality(data_dir, m.code, m.name, m.consortium.name)
        print(f"{m.code} {m.name}: {paths.cert}")
        count += 1
    print(f"署名鍵 {count} 団体分 / signing keys for {count} municipalities")
    return 0
