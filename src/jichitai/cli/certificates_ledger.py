"""`jichitai certificates ledger`: print the 交付日計表 of one day (the screen's totals).

Exit 0 with the ledger, 2 for a bad date, an unknown municipality or no database.
"""

from __future__ import annotations

import argparse
import sys

PROG = "jichitai certificates ledger"


def _table(rows: list[tuple[object, ...]]) -> list[str]:
    return ["\t".join(str(c) for c in row) for row in rows]


def print_ledger(args: argparse.Namespace) -> int:
    from jichitai.wareki import DateInputError, parse_date

    try:
        day = parse_date(args.date)
    except DateInputError:
        day = None
    if day is None:
        print(f"{PROG}: 日付を読めません / cannot read the date: {args.date}", file=sys.stderr)
        return 2
    from .registry_places import municipality_unit

    unit, code = municipality_unit(args, "交付日計表")
    if unit is None:
        return code
    from jichitai.certificates.fees.ledger import HEADER, daily, rows

    with unit:
        book = daily(day)
        lines = [f"交付日計表 {book.municipality} {book.day_text}", *_table([HEADER, *rows(book)])]
        if book.exemptions:
            lines += ["", *_table([("減免事由", "根拠", "通数", "減免額"), *book.exemptions])]
        t = book.total
        lines.append(
            f"合計 {t.issuances}件 {t.copies}通 手数料{t.amount}円 減免{t.exempt_copies}通 "
            f"返還{t.refund_amount}円 差引{t.net}円"
        )
    print("\n".join(lines))
    return 0
