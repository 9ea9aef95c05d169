"""`jichitai audit retention --municipality CODE [--set-years N]`: ログの保存期間 ([1370]#2).

Shows the municipality's period and how many of its audit entries have passed it (nothing is
deleted: the archive comes with issue 14); ``--set-years`` changes the period first.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> argparse.ArgumentParser:
    r = sub.add_parser("retention", help="ログの保存期間と経過分の確認 / retention period report")
    r.add_argument("--municipality", required=True, metavar="CODE", help="地方公共団体コード（6桁）")
    r.add_argument("--set-years", metavar="N", help="保存期間（年、1〜150）を設定 / set the period in years")
    return r


def run(args: argparse.Namespace) -> int:
    from django.db import transaction

    from jichitai.audit import retention
    from jichitai.tenancy.context import activate
    from jichitai.tenancy.models import Municipality
    from jichitai.tenancy.services import own_context

    muni = Municipality.objects.filter(code=args.municipality).first()
    if muni is None:
        print(f"jichitai audit: 地方公共団体コード {args.municipality} の団体がありません / "
              f"no municipality with code {args.municipality}", file=sys.stderr)
        return 2
    try:
        with activate(own_context(muni, purpose="ログの保存期間")), transaction.atomic():
            if args.set_years is not None:
                retention.set_years(args.set_years)
            rep = retention.report()
    except retention.RetentionError as exc:
        print(f"jichitai audit retention: --set-years: {exc}", file=sys.stderr)
        return 2
    oldest = rep.oldest.isoformat(timespec="seconds") if rep.oldest else "-"
    print(f"{muni.code} {muni.name}: 保存期間 {rep.retention.label()} / retention {rep.retention.years} years")
    print(f"監査ログ {rep.total} 件（最古 {oldest}）、保存期間を過ぎたもの {rep.expired} 件"
          f"（{rep.before:%Y-%m-%d} より前）。削除はしません / {rep.expired} of {rep.total} entries are "
          f"older than {rep.before:%Y-%m-%d}; nothing is deleted")
    return 0
