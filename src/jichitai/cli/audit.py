"""`jichitai audit ...`: verify the audit chains and export their heads (anchors).

    jichitai audit verify [--municipality CODE] [--json] [--anchors FILE] [--data-dir DIR]
    jichitai audit anchor [--out FILE] [--data-dir DIR]

verify exits 0 when every chain is intact, 1 when anything was edited or deleted (each finding
names the chain, seq and entry id), 2 on a usage error or when there is no usable database
(``_django.open_database`` says which one it looked at). Thin: parse, call the domain, print.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from jichitai.cli._django import DATA_DIR_HELP, DatabaseUnavailable, open_database


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jichitai audit", description="監査ログの検証 / audit log tools")
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="全連鎖を検証 / verify every chain")
    v.add_argument("--municipality", metavar="CODE", help="この団体の連鎖のみ / only this municipality")
    v.add_argument("--json", action="store_true", help="JSON で出力 / JSON output")
    v.add_argument("--anchors", type=Path, metavar="FILE",
                   help="anchor ファイルとも照合 / also check exported head hashes")
    a = sub.add_parser("anchor", help="各連鎖の先頭ハッシュを追記 / append every chain's head hash")
    a.add_argument("--out", type=Path, metavar="FILE", help="追記先 (JSON Lines); 省略時は標準出力")
    for sp in (v, a):
        sp.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    return p


def _verify(args: argparse.Namespace) -> int:
    from jichitai.audit.recording import record_system
    from jichitai.audit.verify import UnknownMunicipality, read_anchors, verify

    anchors = read_anchors(args.anchors) if args.anchors else []
    try:
        report = verify(municipality_code=args.municipality, anchors=anchors)
    except UnknownMunicipality as exc:
        print(str(exc), file=sys.stderr)
        return 2
    record_system(
        "operation", "audit_verify", consortium_id=None, username="cli",
        detail={"chains": len(report.chains), "entries": report.entries,
                "findings": len(report.findings), "municipality": args.municipality or ""},
    )
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for c in report.chains:
            status = "OK" if c.ok else "NG"
            head = (c.head_hash or "-")[:12]
            print(f"{status}  {c.chain:<28} entries={c.entries:<8} last_seq={c.last_seq:<8} "
                  f"head={head}  {c.name}")
            for f in c.findings:
                print(f"    ! {f.line()}")
        n = len(report.findings)
        if report.ok:
            print(f"監査ログは改ざんされていません: {len(report.chains)} 連鎖、{report.entries} 件を検証しました。")
            print(f"Audit log intact: {len(report.chains)} chains, {report.entries} entries verified.")
        else:
            print(f"監査ログに {n} 件の不整合を検出しました（上記の ! を参照）。", file=sys.stderr)
            print(f"Audit log verification FAILED: {n} finding(s), see the lines marked '!'.",
                  file=sys.stderr)
    return 0 if report.ok else 1


def _anchor(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from jichitai.audit.recording import record_system
    from jichitai.audit.verify import current_anchors

    anchors = current_anchors()
    lines = [json.dumps(asdict(a), ensure_ascii=False, sort_keys=True) for a in anchors]
    if args.out:
        with args.out.open("a", encoding="utf-8") as fh:
            for line in lines:
                fh.write(line + "\n")
        print(f"{len(lines)} 連鎖の先頭ハッシュを {args.out} に追記しました / "
              f"appended {len(lines)} chain heads to {args.out}")
    else:
        for line in lines:
            print(line)
    record_system("operation", "audit_anchor", consortium_id=None, username="cli",
                  detail={"chains": len(lines)})
    return 0


def main(argv: list[str]) -> int:
    args: Any = _parser().parse_args(argv)
    try:
        open_database(args.data_dir)
    except DatabaseUnavailable as exc:
        print(exc.lines("jichitai audit"), file=sys.stderr)
        return 2
    if args.command == "verify":
        return _verify(args)
    return _anchor(args)
