"""`jichitai continuity export-bundle | import-bundle | extract` (docs/operations.md "Bundles",
"Emergency extract").

    export-bundle --municipality CODE --staff USER --out FILE --key-file K --signing-key S
    import-bundle FILE --municipality CODE --staff USER --key-file K --verify-key S.pub
    extract --municipality CODE --staff USER --out-dir DIR --key-file K [--on DATE]

Key files are created when missing (export-bundle, extract): the AES key (base64) and the
Ed25519 signing key with its public key beside it (S.pub), which the receiving site needs.
Exit 0 when done, 1 when a bundle is refused (nothing written), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ._django import DATA_DIR_HELP, DatabaseUnavailable, open_database

PROG = "jichitai continuity"


def _parser(name: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"{PROG} {name}")
    p.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    p.add_argument("--staff", required=True, help="実行する職員のユーザー名 / staff username")
    p.add_argument(
        "--key-file", type=Path, required=True, help="暗号鍵（AES-256、base64） / AES key file"
    )
    p.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    if name == "export-bundle":
        p.add_argument("--out", type=Path, required=True, help="束のファイル / bundle file")
        p.add_argument(
            "--signing-key",
            type=Path,
            required=True,
            help="署名鍵（Ed25519 PEM、なければ作成し .pub を出力） / signing key",
        )
    elif name == "import-bundle":
        p.add_argument("bundle", type=Path, metavar="FILE")
        p.add_argument(
            "--verify-key",
            type=Path,
            required=True,
            help="送り元の公開鍵（.pub） / the sending site's public key",
        )
    else:
        p.add_argument("--out-dir", type=Path, required=True, help="出力先 / output folder")
        p.add_argument("--on", help="基準日（YYYY-MM-DD、省略時は今日） / as of this date")
        p.add_argument(
            "--plain-pdf",
            action="store_true",
            help="PDF を暗号化せずに出力（すぐ印刷する場合） / PDF unencrypted, to print now",
        )
    return p


def _fail(name: str, message: object, code: int = 2) -> int:
    print(f"{PROG} {name}: {message}", file=sys.stderr)
    return code


def _open(name: str, args: argparse.Namespace) -> tuple[Any, Any] | int:
    try:
        open_database(args.data_dir)
    except DatabaseUnavailable as exc:
        print(exc.lines(f"{PROG} {name}"), file=sys.stderr)
        return 2
    from jichitai.accounts.models import Staff
    from jichitai.tenancy.models import Municipality

    m = Municipality.objects.filter(code=args.municipality).first()
    if m is None:
        return _fail(
            name,
            f"地方公共団体コード {args.municipality} の団体がありません / "
            f"no municipality with code {args.municipality}",
        )
    staff = Staff.objects.filter(username=args.staff, is_active=True).first()
    if staff is None:
        return _fail(name, f"職員 {args.staff} がいません / no active staff member {args.staff}")
    return m, staff


def main(name: str, argv: list[str]) -> int:
    args = _parser(name).parse_args(argv)
    if name == "import-bundle" and not args.bundle.is_file():
        return _fail(name, f"ファイルがありません / no such file: {args.bundle}")
    opened = _open(name, args)
    if isinstance(opened, int):
        return opened
    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.continuity.bundle import BundleRefused
    from jichitai.continuity.crypto import CryptoError

    try:
        if name == "export-bundle":
            return _export(args, *opened)
        if name == "import-bundle":
            return _import(args, *opened)
        return _extract(args, *opened)
    except CapabilityMissing as exc:
        return _fail(name, f"権限がありません / not allowed: {exc}")
    except BundleRefused as exc:
        return _fail(
            name,
            f"束を取り込みません（何も書き込んでいません） / bundle refused, "
            f"nothing written: {exc}",
            1,
        )
    except CryptoError as exc:
        return _fail(name, exc)


def _export(args: argparse.Namespace, municipality: Any, staff: Any) -> int:
    from jichitai.continuity import crypto
    from jichitai.continuity.bundle import export_bundle

    key = crypto.load_key(args.key_file, create=True)
    signer = crypto.signing_key(args.signing_key, create=True)
    result = export_bundle(args.out, municipality=municipality, staff=staff, key=key, signer=signer)
    print(
        f"{municipality.name}（{municipality.code}）の束を出力しました：{result.persons}人・"
        f"{len(result.files)}ファイル / wrote the bundle of {municipality.code}: "
        f"{result.persons} persons, {len(result.files)} files: {args.out}"
    )
    print(
        f"受け取る拠点には {args.signing_key}.pub と鍵ファイルを別の経路で渡してください / give the "
        f"receiving site {args.signing_key}.pub and the key file by another channel"
    )
    return 0


def _import(args: argparse.Namespace, municipality: Any, staff: Any) -> int:
    from jichitai.continuity import crypto
    from jichitai.continuity.bundle import import_bundle

    result = import_bundle(
        args.bundle,
        municipality=municipality,
        staff=staff,
        key=crypto.load_key(args.key_file),
        public=crypto.verify_key(args.verify_key),
    )
    print(
        f"署名と{len(result.files)}ファイルのハッシュを確認し、{result.persons}人を取り込みました / "
        f"signature and {len(result.files)} file hashes verified, {result.persons} persons "
        f"imported into {municipality.code}"
    )
    return 0


def _extract(args: argparse.Namespace, municipality: Any, staff: Any) -> int:
    from jichitai.continuity import crypto
    from jichitai.continuity.extract import emergency_extract

    on = dt.date.fromisoformat(args.on) if args.on else None
    key = crypto.load_key(args.key_file, create=True)
    done = emergency_extract(
        municipality=municipality,
        staff=staff,
        out_dir=args.out_dir,
        key=key,
        on=on,
        plain_pdf=args.plain_pdf,
    )
    print(
        f"緊急用抽出：{done.rows}人（支援措置対象者 {done.excluded}人を除外） / emergency extract: "
        f"{done.rows} residents ({done.excluded} protected persons left out)"
    )
    for path, sha in done.files.items():
        print(f"  {path}  sha256={sha}")
    return 0
