"""`jichitai continuity status` (docs/operations.md "High availability (Patroni)").

    status [--patroni URL,URL...] [--json]

Reads Patroni's REST API (default: $JICHITAI_PATRONI_URLS) and prints each member's role, state,
lag, timeline and last contact. No Django, no database: it works while the database is down.
Exit 0 when a leader is running, 1 when the cluster answered without a running leader, 2 when no
Patroni answered or none is configured (the reason in both languages).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from jichitai.continuity import ha


def main(name: str, argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog=f"jichitai continuity {name}")
    p.add_argument(
        "--patroni",
        default=os.environ.get("JICHITAI_PATRONI_URLS", ""),
        help="Patroni REST API の URL（カンマ区切り） / Patroni REST API URLs, comma-separated "
        "(default $JICHITAI_PATRONI_URLS)",
    )
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    urls = ha.parse_urls(args.patroni)
    if not urls:
        print(
            "Patroni が設定されていません（--patroni か JICHITAI_PATRONI_URLS） / "
            "no Patroni configured (--patroni or JICHITAI_PATRONI_URLS)",
            file=sys.stderr,
        )
        return 2
    try:
        rows = ha.cluster_status(urls)
    except ha.PatroniUnavailable as exc:
        print(
            f"Patroni に接続できません / no Patroni REST API answered: {exc}", file=sys.stderr
        )
        return 2
    if args.json:
        print(json.dumps({"members": rows}, ensure_ascii=False, indent=2))
    else:
        print(ha.as_table(rows))
    running = any(r["role"] == "leader" and r["state"] == "running" for r in rows)
    if not running and not args.json:
        print("稼働中の主がありません / no running leader", file=sys.stderr)
    return 0 if running else 1
