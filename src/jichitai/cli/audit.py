"""`jichitai audit ...`: verify the audit chains, seal municipality heads, export anchors.

    jichitai audit verify [--municipality CODE] [--json] [--anchors PATH] [--data-dir DIR]
    jichitai audit seal [--json] [--data-dir DIR]
    jichitai audit anchor [--out PATH] [--data-dir DIR]
    jichitai audit retention --municipality CODE [--set-years N] [--archive FILE] [--data-dir DIR]   ([1370]#2)
    jichitai audit retention --verify-archive FILE
    jichitai audit weblog FILE...   (nginx's error log into the installation chain, [1370]#1 通信ログ)

``seal`` appends every municipality's chain head to its consortium chain; ``anchor`` exports every
chain's head (consortium chains included, so run it after ``seal``). ``JICHITAI_AUDIT_ANCHOR_DIR``
names an existing directory, ideally outside the database's trust domain: ``anchor`` without
``--out`` appends to the dated file ``anchors-YYYY-MM-DD.jsonl`` there, and ``verify`` without
``--anchors`` checks every anchor file there. ``--out`` / ``--anchors`` take a file or a directory.

verify exits 0 when every chain is intact, 1 when anything was edited, deleted or is missing (each
finding names the chain, seq and entry id), 2 on a usage error or when there is no usable database
(``_django.open_database`` says which one it looked at); seal exits 1 when a chain was not sealed
because it contradicts its previous seal. Thin: parse, call the domain, print.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from jichitai.cli._django import DATA_DIR_HELP, DatabaseUnavailable, open_database

ANCHOR_DIR_ENV = "JICHITAI_AUDIT_ANCHOR_DIR"


class _Usage(Exception):
    """A bilingual usage error: exit 2."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jichitai audit", description="監査ログの検証 / audit log tools")
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="全連鎖を検証 / verify every chain")
    v.add_argument("--municipality", metavar="CODE", help="この団体の連鎖のみ / only this municipality")
    v.add_argument("--json", action="store_true", help="JSON で出力 / JSON output")
    v.add_argument("--anchors", type=Path, metavar="PATH",
                   help="anchor ファイル（またはその保存先）とも照合; 省略時は "
                        f"${ANCHOR_DIR_ENV} / also check exported heads (file or directory)")
    s = sub.add_parser("seal", help="各団体の連鎖の先頭を協議会監査ログに封印 / seal municipality heads")
    s.add_argument("--json", action="store_true", help="JSON で出力 / JSON output")
    a = sub.add_parser("anchor", help="各連鎖の先頭ハッシュを追記 / append every chain's head hash")
    a.add_argument("--out", type=Path, metavar="PATH",
                   help=f"追記先 (JSON Lines のファイル、またはフォルダ内の日付ファイル); 省略時は ${ANCHOR_DIR_ENV}、"
                        "なければ標準出力 / file or directory to append to")
    from .audit_retention import add_parser as add_retention
    from .audit_retention import add_weblog_parser

    r = add_retention(sub)
    w = add_weblog_parser(sub)
    for sp in (v, s, a, r, w):
        sp.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    return p


def _anchor_dir_from_env() -> Path | None:
    value = os.environ.get(ANCHOR_DIR_ENV, "").strip()
    if not value:
        return None
    path = Path(value)
    if not path.is_dir():
        raise _Usage(f"{ANCHOR_DIR_ENV} のフォルダがありません: {path} / "
                     f"{ANCHOR_DIR_ENV} names no existing directory: {path}")
    return path


def _anchors_for_verify(explicit: Path | None) -> tuple[Path | None, list[Any]]:
    from jichitai.audit.verify import AnchorFileError, anchor_files, read_anchors

    source = explicit if explicit is not None else _anchor_dir_from_env()
    if source is None:
        return None, []
    if not source.exists():
        raise _Usage(f"アンカーファイルがありません: {source} / no such anchor file: {source}")
    try:
        anchors = read_anchors(source)
    except AnchorFileError as exc:
        raise _Usage(str(exc)) from exc
    files = anchor_files(source) if source.is_dir() else [source]
    if not files:
        print(f"アンカーファイルはまだありません: {source} / no anchor file yet in {source}", file=sys.stderr)
    else:
        print(f"アンカー: {source}（{len(files)} ファイル、{len(anchors)} 件） / "
              f"anchors: {source} ({len(files)} file(s), {len(anchors)} heads)", file=sys.stderr)
    return source, anchors


def _print_report(report: Any) -> None:
    for c in report.chains:
        status = "OK" if c.ok else "NG"
        head = (c.head_hash or "-")[:12]
        sealed = "-" if c.sealed_seq is None else c.sealed_seq
        print(f"{status}  {c.chain:<28} entries={c.entries:<8} last_seq={c.last_seq:<8} "
              f"head={head} sealed={sealed}  {c.name}")
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


def _verify(args: argparse.Namespace) -> int:
    from jichitai.audit.recording import record_system
    from jichitai.audit.verify import UnknownMunicipality, verify

    try:
        source, anchors = _anchors_for_verify(args.anchors)
        report = verify(municipality_code=args.municipality, anchors=anchors)
    except (_Usage, UnknownMunicipality) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    record_system(
        "operation", "audit_verify", consortium_id=None, username="cli",
        detail={"chains": len(report.chains), "entries": report.entries,
                "findings": len(report.findings), "municipality": args.municipality or "",
                "anchors": len(anchors)},
    )
    if args.json:
        data = report.as_dict()
        data["anchors"] = {"source": str(source) if source else None, "count": len(anchors)}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    return 0 if report.ok else 1


def _seal(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from jichitai.audit.chain import seal_heads
    from jichitai.audit.recording import record_system, system_batch_run

    with system_batch_run("audit.seal") as run:
        outcomes = seal_heads(username="cli")
        run["rows"] = len(outcomes)
    counts = Counter(o.status for o in outcomes)
    summary = {k: counts.get(k, 0) for k in ("sealed", "unchanged", "empty", "refused")}
    record_system("operation", "audit_seal", consortium_id=None, username="cli", detail=summary)
    if args.json:
        print(json.dumps({"ok": not summary["refused"], **summary,
                          "chains": [asdict(o) for o in outcomes]}, ensure_ascii=False, indent=2))
    else:
        for o in outcomes:
            if o.status == "refused":
                print(f"REFUSED    {o.chain:<28} {o.reason}")
            elif o.status != "empty":
                print(f"{o.status.upper():<10} {o.chain:<28} seq={o.seq:<8} head={o.hash[:12]} -> "
                      f"consortium:{o.consortium} seq={o.entry_seq}")
        print(f"監査ログの先頭を封印しました: 封印 {summary['sealed']}、変更なし {summary['unchanged']}、"
              f"空 {summary['empty']}、拒否 {summary['refused']}。")
        print(f"Sealed municipality chain heads: {summary['sealed']} sealed, {summary['unchanged']} "
              f"unchanged, {summary['empty']} empty, {summary['refused']} refused.")
    if summary["refused"]:
        print(f"{summary['refused']} 連鎖を封印できません（前回の封印と矛盾）: jichitai audit verify で確認してください。 / "
              f"{summary['refused']} chain(s) not sealed (they contradict their last seal): run "
              "`jichitai audit verify`.", file=sys.stderr)
        return 1
    return 0


def _anchor_target(out: Path | None) -> Path | None:
    """The file to append to (None: stdout); a directory gets today's dated file."""
    from django.utils import timezone

    from jichitai.audit.verify import dated_anchor_file

    target = out if out is not None else _anchor_dir_from_env()
    if target is not None and target.is_dir():
        return dated_anchor_file(target, timezone.localdate())
    return target


def _anchor(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from jichitai.audit.recording import record_system, system_batch_run
    from jichitai.audit.verify import current_anchors

    try:
        target = _anchor_target(args.out)
    except _Usage as exc:
        print(str(exc), file=sys.stderr)
        return 2
    with system_batch_run("audit.anchor") as run:
        anchors = current_anchors()
        run["rows"] = len(anchors)
    lines = [json.dumps(asdict(a), ensure_ascii=False, sort_keys=True) for a in anchors]
    if target is not None:
        try:
            with target.open("a", encoding="utf-8") as fh:
                fh.writelines(line + "\n" for line in lines)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            print(f"アンカーを書き込めません: {target}: {exc.strerror} / cannot write anchors: {target}",
                  file=sys.stderr)
            return 2
        print(f"{len(lines)} 連鎖の先頭ハッシュを {target} に追記しました / "
              f"appended {len(lines)} chain heads to {target}")
    else:
        for line in lines:
            print(line)
    record_system("operation", "audit_anchor", consortium_id=None, username="cli",
                  detail={"chains": len(lines), "file": str(target or "")})
    return 0


def main(argv: list[str]) -> int:
    args: Any = _parser().parse_args(argv)
    try:
        open_database(args.data_dir)
    except DatabaseUnavailable as exc:
        print(exc.lines("jichitai audit"), file=sys.stderr)
        return 2
    from .audit_retention import run as _retention
    from .audit_retention import run_weblog

    commands = {"verify": _verify, "seal": _seal, "anchor": _anchor, "retention": _retention, "weblog": run_weblog}
    return commands[args.command](args)
