"""`jichitai audit retention --municipality CODE [--set-years N] [--archive FILE]`: ログの保存期間
([1370]#2); `jichitai audit retention --verify-archive FILE`.

Shows the municipality's period and how many of its audit entries have passed it (nothing is
deleted); ``--set-years`` changes the period first; ``--archive`` writes the entries past the
period to a self-verifying file (audit/archive.py), which ``--verify-archive`` checks offline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> argparse.ArgumentParser:
    r = sub.add_parser("retention", help="ログの保存期間と経過分の確認 / retention period report")
    r.add_argument("--municipality", metavar="CODE", help="地方公共団体コード（6桁）")
    r.add_argument("--set-years", metavar="N", help="保存期間（年、1〜150）を設定 / set the period in years")
    r.add_argument("--archive", type=Path, metavar="FILE",
                   help="保存期間を過ぎたログをファイルに保存 / write the entries past the period to FILE")
    r.add_argument("--verify-archive", type=Path, metavar="FILE",
                   help="アーカイブファイルを検証 / verify an archive file (no database needed)")
    return r


def _verify_archive(path: Path) -> int:
    from jichitai.audit.archive import verify_file

    try:
        problems = verify_file(path)
    except OSError as exc:
        print(f"jichitai audit retention: アーカイブを読めません / cannot read the archive: {exc}", file=sys.stderr)
        return 2
    for line in problems:
        print(line)
    print("アーカイブは正しい / the archive verifies" if not problems else f"{len(problems)} 件の問題 / problems")
    return 0 if not problems else 1


def run(args: argparse.Namespace) -> int:
    from django.db import transaction

    from jichitai.audit import retention
    from jichitai.tenancy.context import activate
    from jichitai.tenancy.models import Municipality
    from jichitai.tenancy.services import own_context

    if args.verify_archive is not None:
        return _verify_archive(args.verify_archive)
    muni = Municipality.objects.filter(code=args.municipality).first() if args.municipality else None
    if muni is None:
        print(f"jichitai audit: 地方公共団体コード {args.municipality} の団体がありません / "
              f"no municipality with code {args.municipality}", file=sys.stderr)
        return 2
    try:
        with activate(own_context(muni, purpose="ログの保存期間")), transaction.atomic():
            if args.set_years is not None:
                retention.set_years(args.set_years)
            rep = retention.report()
            archived = _archive(args.archive) if args.archive is not None else None
    except OSError as exc:
        print(f"jichitai audit retention: --archive: 書けません / cannot write: {exc}", file=sys.stderr)
        return 2
    except retention.RetentionError as exc:
        print(f"jichitai audit retention: --set-years: {exc}", file=sys.stderr)
        return 2
    oldest = rep.oldest.isoformat(timespec="seconds") if rep.oldest else "-"
    print(f"{muni.code} {muni.name}: 保存期間 {rep.retention.label()} / retention {rep.retention.years} years")
    print(f"監査ログ {rep.total} 件（最古 {oldest}）、保存期間を過ぎたもの {rep.expired} 件"
          f"（{rep.before:%Y-%m-%d} より前）。削除はしません / {rep.expired} of {rep.total} entries are "
          f"older than {rep.before:%Y-%m-%d}; nothing is deleted")
    if archived is not None:
        print(f"アーカイブ {archived.entries} 件を {args.archive} に保存（SHA-256 {archived.sha256}） / "
              f"archived {archived.entries} entries")
    return 0


def _archive(path: Path) -> Any:
    from jichitai.audit.archive import write

    with path.open("x", encoding="utf-8", newline="\n") as out:  # never overwrites an archive
        return write(out)


def add_weblog_parser(sub: Any) -> argparse.ArgumentParser:
    w = sub.add_parser("weblog", help="Web サーバ（nginx）のエラーログを監査ログへ取り込む / take nginx errors in")
    w.add_argument("files", nargs="+", type=Path, metavar="FILE", help="nginx の error.log")
    return w


def run_weblog(args: argparse.Namespace) -> int:
    """[1370]#1 通信ログ: nginx's error lines into the installation chain (each line once)."""
    from django.db import transaction

    from jichitai.audit.weblog import ingest

    total = 0
    for path in args.files:
        try:
            with path.open(encoding="utf-8", errors="replace") as f, transaction.atomic():
                done = ingest(f, source=path.name)
        except OSError as exc:
            print(f"jichitai audit weblog: 読めません / cannot read {path}: {exc}", file=sys.stderr)
            return 2
        total += done.recorded
        print(f"{path}: {done.lines} 行、記録 {done.recorded} 件、対象外・記録済み {done.skipped} 件 / "
              f"{done.lines} lines, {done.recorded} recorded, {done.skipped} skipped")
    return 0
