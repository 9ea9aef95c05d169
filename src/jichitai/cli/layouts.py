"""`jichitai layouts`: the layout definitions (docs/migration.md 「Adding a vendor's layout」).

    jichitai layouts list [DIR...]
    jichitai layouts new --from SAMPLE --id ID --standard S --business B [--encoding E]
                         [--fixed [--data RECORDS]] [--out DIR] [--force]

``list`` shows the packaged definitions (and those under each DIR): id, format, items, title.
``new`` writes ``DIR/ID.toml``: one item per column of a CSV sample (its header names the items), or
with ``--fixed`` one per line of the vendor's item list (a CSV of 項目名, バイト数) with values cut
from ``--data``. Pure: no Django, no database. Exit 0 on success, 2 on bad input (a message in both
languages, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

from .layouts_new import DEFS, Column, Guess, SampleError, csv_columns, decode, fixed_columns, guess

PROG = "jichitai layouts"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG, description="移行レイアウト定義 / migration layout definitions"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    lst = sub.add_parser("list", help="レイアウト定義の一覧 / list the layout definitions")
    lst.add_argument(
        "dirs",
        nargs="*",
        type=Path,
        metavar="DIR",
        help="追加の定義ディレクトリ / more definition directories",
    )
    new = sub.add_parser(
        "new",
        help="サンプルファイルから定義の雛形を作成 / a skeleton definition from a sample file",
    )
    new.add_argument(
        "--from",
        dest="sample",
        required=True,
        type=Path,
        metavar="SAMPLE",
        help="CSV サンプル（1行目は項目名）、--fixed では項目一覧（項目名,バイト数） / "
        "CSV sample (header first), with --fixed the item list (name,bytes)",
    )
    new.add_argument(
        "--id", required=True, help="レイアウトID（--layout に指定する名前） / the layout id"
    )
    new.add_argument(
        "--standard", required=True, help="標準またはベンダー名 / standard or vendor name"
    )
    new.add_argument(
        "--business", required=True, help="業務（jumin, inkan, juminzei …） / business"
    )
    new.add_argument("--version", default="1.0", help="版 / version (default 1.0)")
    new.add_argument(
        "--file", dest="file_name", default="", help="ファイル名（既定はID） / file name"
    )
    new.add_argument(
        "--encoding",
        help="サンプルの文字コード（既定は判定） / the sample's encoding (default: detect)",
    )
    new.add_argument("--fixed", action="store_true", help="固定長 / fixed width")
    new.add_argument(
        "--data", type=Path, help="--fixed: 固定長データのサンプル / a fixed-width data sample"
    )
    new.add_argument(
        "--out", type=Path, default=Path("."), help="出力先ディレクトリ / output directory"
    )
    new.add_argument("--force", action="store_true", help="既存ファイルを上書き / overwrite")
    args = parser.parse_args(argv)
    if args.command == "list":
        return _list([DEFS, *args.dirs])
    return _new(args)


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def _list(dirs: Sequence[Path]) -> int:
    rows = []
    for base in dirs:
        if not base.is_dir():
            return _fail(f"{base}: ディレクトリがありません / no such directory")
        for path in sorted(base.rglob("*.toml")):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                return _fail(f"{path}: 定義を読めません / cannot read the definition: {exc}")
            layout = data.get("layout")
            if not isinstance(layout, dict):
                continue  # a code table (codes/<source>/<table>.toml) beside the layouts
            rows.append(
                (
                    str(layout.get("id", path.stem)),
                    str(layout.get("format", "csv")),
                    len(data.get("items", [])),
                    str(layout.get("title", "")),
                )
            )
    print(f"{'ID':<28} {'形式/format':<11} {'項目数/items':>12}  名称/title")
    for layout_id, fmt, count, title in rows:
        print(f"{layout_id:<28} {fmt:<11} {count:>12}  {title}")
    return 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SampleError(f"ファイルを読めません / cannot read the file: {exc.strerror}") from exc


def _decoded(path: Path, encoding: str | None) -> tuple[str, str]:
    try:
        return decode(_read(path), encoding)
    except SampleError as exc:
        raise SampleError(f"{path}: {exc}") from exc


def _columns(args: argparse.Namespace) -> tuple[list[Column], str]:
    """The sample's columns and the encoding the layout's file is in."""
    text, encoding = _decoded(args.sample, args.encoding)
    if not args.fixed:
        try:
            return csv_columns(text), encoding
        except SampleError as exc:
            raise SampleError(f"{args.sample}: {exc}") from exc
    # a fixed-width file is rarely UTF-8: an item list read as UTF-8 says nothing of the data's
    file_encoding = args.encoding or ("cp932" if encoding == "utf-8" else encoding)
    data_text = _decoded(args.data, file_encoding)[0] if args.data else None
    try:
        return fixed_columns(text, data_text, file_encoding), file_encoding
    except SampleError as exc:
        raise SampleError(f"{args.sample}: {exc}") from exc


def _new(args: argparse.Namespace) -> int:
    if not _ID.match(args.id):
        return _fail(
            f"{args.id!r}: IDは英数字・「.」「_」「-」で付けてください / "
            "the id takes letters, digits, '.', '_' and '-'"
        )
    if args.data and not args.fixed:
        return _fail("--data は --fixed と一緒に使います / --data goes with --fixed")
    target = args.out / f"{args.id}.toml"
    if target.exists() and not args.force:
        return _fail(
            f"{target}: 既にあります（上書きは --force） / exists already (--force overwrites)"
        )
    try:
        columns, file_encoding = _columns(args)
    except SampleError as exc:
        return _fail(str(exc))
    guesses = guess(columns, encoding=file_encoding, fixed=args.fixed)
    body = render(args, guesses, file_encoding)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    except OSError as exc:
        return _fail(f"{target}: 書き込めません / cannot write: {exc.strerror}")
    print(
        f"{target}: {len(guesses)}項目の雛形を作成しました / wrote a skeleton of {len(guesses)} items"
    )
    return 0


def q(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def render(args: argparse.Namespace, guesses: Sequence[Guess], encoding: str) -> str:
    fmt = "fixed" if args.fixed else "csv"
    lines = [
        f"# Skeleton written by `jichitai layouts new` from {Path(args.sample).name}: check every item",
        "# (type, length, required, codes, aliases) before the first dry run (docs/migration.md).",
        "",
        "[layout]",
        f"id = {q(args.id)}",
        f"standard = {q(args.standard)}",
        f"version = {q(args.version)}",
        f"business = {q(args.business)}",
        f"file = {q(args.file_name or args.id)}",
        f"title = {q(f'{args.standard} {args.business}')}",
        f"format = {q(fmt)}",
        f"encoding = {q(encoding)}",
        f"header = {'false' if args.fixed else 'true'}",
        f"record_key = [{q(guesses[0].key)}]",
        "# code tables: codes/<this>/<table>.toml (copy the kihon ones and change the codes if they differ)",
        'codes = "kihon"',
        'notes = ""',
    ]
    for no, g in enumerate(guesses, start=1):
        lines += [
            "",
            "[[items]]",
            f"no = {no}",
            f"name = {q(g.name)}",
            f"key = {q(g.key)}",
            f"type = {q(g.type)}",
            f"length = {g.length}",
        ]
        for extra, value in g.extras.items():
            lines.append(f"{extra} = {'true' if value is True else q(str(value))}")
        lines.append(f"notes = {q(g.notes)}")
    return "\n".join(lines) + "\n"
