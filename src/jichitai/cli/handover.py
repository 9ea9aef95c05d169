"""`jichitai export --spec` / `--handover` ([1410]): the data files with the 表形式 of their layouts,
and at the end of the contract every file the register holds in the newest packaged 中間標準レイアウト
and, for the data it has no file for, the other packaged layouts (印鑑登録, 個人住民税, the
基本データリスト with the register's own items), with a 引継ぎ目録 (file, rows, SHA-256).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import sys
from pathlib import Path
from typing import Any

CHUKAN = "中間標準レイアウト"
MANIFEST = "引継ぎ目録.csv"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in version.split("."))


def handover_layouts(asked: str) -> tuple[list[Any], str]:
    """The layouts of a hand-over: the newest 中間標準 version of each (business, file), then every
    other business the register keeps in a packaged layout; an error text if ``asked`` is an older
    中間標準 version than one packaged."""
    from jichitai.layouts import available_layouts, load_layout

    every = [load_layout(i) for i in available_layouts()]
    first = load_layout(asked)
    newest: dict[tuple[str, str], Any] = {}
    for lay in every:
        if lay.standard == CHUKAN:
            key = (lay.business, lay.file)
            if key not in newest or _version_key(lay.version) > _version_key(newest[key].version):
                newest[key] = lay
    if first.standard == CHUKAN and newest[(first.business, first.file)].id != first.id:
        latest = newest[(first.business, first.file)].id
        return [], (
            f"最新版ではありません（最新: {latest}） / not the newest version of the layout: use {latest}"
        )
    chosen = [first, *(lay for lay in newest.values() if lay.id != first.id)]
    covered = {lay.business for lay in chosen}
    # data outside the 中間標準 files: the businesses without one, and the register's own items
    for lay in every:
        if lay.standard != CHUKAN and (lay.business not in covered or lay.business == "jumin"):
            if lay.id not in {c.id for c in chosen}:
                chosen.append(lay)
                covered.add(lay.business)
    return chosen, ""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _manifest(
    rows: list[tuple[str, str, int, str]], municipality: Any, as_of: dt.date | None
) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(("ファイル名", "内容", "件数", "SHA-256"))
    for row in rows:
        w.writerow(row)
    w.writerow(
        (f"団体: {municipality.code} {municipality.name}", f"基準日: {as_of or '現在'}", "", "")
    )
    return out.getvalue()


def export_with_spec(
    prog: str, args: argparse.Namespace, municipality: Any, staff: Any, as_of: dt.date | None
) -> int:
    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.importer.migration_files import export_file
    from jichitai.layouts import load_layout
    from jichitai.layouts.spec import tables

    if args.handover:
        layouts, problem = handover_layouts(args.layout)
        if problem:
            print(f"{prog}: {problem}", file=sys.stderr)
            return 2
    else:
        layouts = [load_layout(args.layout)]
    directory: Path = args.directory
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    listed: list[tuple[str, str, int, str]] = []
    for lay in layouts:
        path = directory / f"{lay.id}-{municipality.code}.{'csv' if lay.format == 'csv' else 'dat'}"
        try:
            run = export_file(
                path,
                layout=lay.id,
                municipality=municipality,
                staff=staff,
                as_of=as_of,
                encoding=args.encoding if lay.id == layouts[0].id else None,
                include_restricted=args.include_restricted,
            )
        except CapabilityMissing as exc:
            print(
                f"{prog}: データ移行の権限がありません / not allowed to migrate data: {exc}",
                file=sys.stderr,
            )
            return 2
        counts[lay.id] = run.rows
        listed.append((path.name, lay.title, run.rows, _sha256(path)))
        print(f"{path.name}: {run.rows}行 / rows")
    for name, text in tables(layouts, counts, municipality.code).items():
        (directory / name).write_text(text, encoding="utf-8", newline="")
        listed.append(
            (name, "表形式（レイアウト仕様）", text.count("\r\n") - 1, _sha256(directory / name))
        )
    if args.handover:
        (directory / MANIFEST).write_text(
            _manifest(listed, municipality, as_of), encoding="utf-8", newline=""
        )
    print(f"{len(listed)}ファイルを出力しました / wrote {len(listed)} files: {directory}")
    return 0
