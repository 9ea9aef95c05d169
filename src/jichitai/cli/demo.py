"""`jichitai demo`: build the demo consortium in a local SQLite file and serve the staff UI.

    jichitai demo [--data-dir DIR] [--port 8000] [--sizes 330,600,1200] [--bulk] [--no-serve] [--reset]
    jichitai demo totp USERNAME [--data-dir DIR]     # the 6-digit code a demo login needs now

The server is Django's ``runserver --noreload --insecure`` bound to 127.0.0.1: fine for a demo
on one's own machine (it serves the static files too), never for production.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ._django import DB_FILE
from .progress import Steps

DEFAULT_DATA_DIR = Path("var") / "demo"


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(p.replace("_", "")) for p in text.split(",") if p.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("例: --sizes 330,20000,280000") from None
    if len(sizes) != 3 or any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError("村・町・市の3つの正の人口を指定してください (例: 330,20000,280000)")
    return sizes


def _setup(data_dir: Path, port: int | None = None) -> None:
    """Point Django at the demo data folder before settings are imported."""
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["JICHITAI_DATA_DIR"] = str(data_dir)
    if port is not None:
        # Security keys (WebAuthn) need the RP id "localhost", so they work at http://localhost:PORT/.
        os.environ.setdefault(
            "JICHITAI_WEBAUTHN_ORIGIN", f"http://localhost:{port},http://127.0.0.1:{port}"
        )
    from jichitai.cli import _django

    _django.setup()


def _totp(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="jichitai demo totp", description="デモ職員の現在のワンタイムパスワードを表示します。"
    )
    parser.add_argument("username")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args(argv)
    data_dir = args.data_dir.resolve()
    if not (data_dir / DB_FILE).exists():
        print(f"デモのデータがありません: {data_dir}（先に jichitai demo を実行してください）", file=sys.stderr)
        return 1
    _setup(data_dir)
    from jichitai.demo import current_code

    try:
        print(current_code(args.username))
    except LookupError:
        print(f"TOTP が登録された職員が見つかりません: {args.username}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jichitai demo",
        description="デモ協議会（みらい広域連携協議会）を構築し、職員画面を起動します。",
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                        help="SQLite データベースを置くフォルダ (既定: ./var/demo)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="村・町・市の住民数 (既定: 330,600,1200。実規模は 330,20000,280000 --bulk)")
    parser.add_argument("--bulk", action="store_true",
                        help="住民データを一括ロードする（移行と同じ形。大きな人口向け）")
    parser.add_argument("--no-serve", action="store_true", help="構築だけ行い、起動しない")
    parser.add_argument("--reset", action="store_true", help="既存のデモデータを消してから構築する")
    return parser


def _migrate(steps: Steps) -> None:
    """Django's migrate, with each applied migration counted."""
    from django.core.management import call_command
    from django.core.management.commands.migrate import Command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    total = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    if not total:
        steps.note("✓ データベースの移行 / migrating the database: 適用済み / up to date")
        return

    class _Migrate(Command):
        applied = 0

        def migration_progress_callback(self, action: str, migration: Any = None,
                                        fake: bool = False) -> None:
            if action == "apply_success":
                self.applied += 1
                advance(self.applied, total)

    with steps.step("データベースの移行 / migrating the database", total, " 件") as advance:
        call_command(_Migrate(), interactive=False, verbosity=0)


def _build(args: argparse.Namespace, steps: Steps) -> tuple[Any, list[tuple[Any, Any]]]:
    """Migrate, seed the consortium and staff, fill each municipality: each a counted step."""
    from jichitai import demo

    _migrate(steps)
    with steps.step("協議会・団体・職員アカウント / consortium and staff", len(demo.STAFF), " 人") as advance:
        seed = demo.seed_demo(args.sizes, progress=advance)
    mode = "一括ロード / bulk load" if args.bulk else "転入の入力・決裁 / entered and approved"
    loaded = []
    for muni, size in seed.municipalities:
        existing = demo.resident_count(muni)
        if existing:
            steps.note(f"✓ 住民データ {muni.name}: 登録済みの {existing:,} 人をそのまま使います"
                       f" / already has residents, skipped")
            loaded.append((muni, None))
            continue
        with steps.step(f"住民データ {muni.name}（{mode}）", size, " 人") as advance:
            stats = demo.populate_municipality(seed, muni, size, progress=advance, bulk=args.bulk)
        loaded.append((muni, stats))
    _signing_keys(seed)
    return seed, loaded


def _signing_keys(seed: Any) -> None:
    """The demo signs its certificates (docs/certificates.md "Signing"): a consortium CA and one
    key per municipality in the data directory, kept across runs (issued copies stay verifiable)."""
    from django.conf import settings

    from jichitai.certificates import signing

    if not signing.enabled():
        return
    for muni, _size in seed.municipalities:
        signing.init_municipality(Path(settings.DATA_DIR), muni.code, muni.name, muni.consortium.name)


def _summary(seed: Any, loaded: list[tuple[Any, Any]], data_dir: Path, port: int) -> list[str]:
    """What the newcomer needs: URL, data file, municipalities and every login with its roles."""
    url = f"http://127.0.0.1:{port}/"
    out = [
        "",
        f"jichitai-cloud デモ環境 — {seed.consortium.name}",
        f"  URL:       {url}",
        f"             （セキュリティキーを試すときは http://localhost:{port}/ を使ってください）",
        f"  データ:    {data_dir / DB_FILE}",
        "",
        "  団体 (地方公共団体コード / 名称 / 区分 / 住民数):",
    ]
    for muni, size in seed.municipalities:
        out.append(
            f"    {muni.code}  {muni.prefecture}{muni.name}  {muni.get_population_class_display()}"
            f"  {size:,}人"
        )
    for muni, stats in loaded:
        if stats is not None:
            out.append(f"    {muni.name}: 転入 {stats.households:,} 世帯・{stats.residents:,} 人、"
                       f"異動 {stats.events:,} 件（{stats.seconds:.1f} 秒）")
    out.append("    （住民はすべて合成データです。実在の人物ではありません / synthetic residents only）")
    out += login_lines(seed.logins)
    out += [
        "",
        "  現在の確認コード（6桁）を表示するには:",
        f"    .venv/bin/jichitai demo totp USERNAME --data-dir {data_dir}",
        "",
    ]
    return out


def login_lines(logins: list[Any]) -> list[str]:
    """The login table (username, password, TOTP secret, roles per municipality) and the URIs."""
    out = [
        "",
        "  デモ用ログイン (username / password / TOTP secret base32 / roles):",
        f"    {'username':<18}{'password':<18}{'TOTP secret (base32)':<34}役割 (roles)",
    ]
    for login in logins:
        out.append(
            f"    {login.username:<18}{login.password:<18}{login.totp_secret:<34}{login.roles}"
        )
    out += ["", "  認証アプリ用 otpauth URI:"]
    out += [f"    {login.username:<18}{login.otpauth_uri}" for login in logins]
    return out


def main(argv: list[str]) -> int:
    if argv and argv[0] == "totp":
        return _totp(argv[1:])
    args = _parser().parse_args(argv)
    data_dir: Path = args.data_dir.resolve()
    if args.reset:
        for suffix in ("", "-wal", "-shm", "-journal"):
            (data_dir / (DB_FILE + suffix)).unlink(missing_ok=True)
    _setup(data_dir, args.port)
    with Steps() as steps:
        seed, loaded = _build(args, steps)
    print("\n".join(_summary(seed, loaded, data_dir, args.port)), flush=True)
    if args.no_serve:
        return 0
    from django.core.management import call_command

    url = f"http://127.0.0.1:{args.port}/"
    print(f"  {url} で起動します（Django runserver --noreload、デモ専用。Ctrl+C で終了）", flush=True)
    call_command(
        "runserver", f"127.0.0.1:{args.port}", use_reloader=False, insecure_serving=True,
    )
    return 0
