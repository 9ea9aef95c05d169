"""The `jichitai` command: a thin dispatcher to subcommand modules.

Each subcommand lives in its own module exposing ``main(argv: list[str]) -> int``; pure-library
commands (moji) never import Django, so they start fast and work without a database.
"""

from __future__ import annotations

import importlib
import sys

# subcommand -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "moji": ("jichitai.cli.moji", "MJ文字 inspection, matching keys, 縮退 / MJ characters"),
    "audit": ("jichitai.cli.audit", "監査ログの検証・検索 / verify and search the audit log"),
    "jobs": (
        "jichitai.cli.jobs",
        "バッチ処理（一覧・起動・スケジュール・ワーカー） / batch jobs and the worker",
    ),
    "euc": ("jichitai.cli.euc", "EUC 抽出のバッチ実行 / run an end-user extraction in batch"),
    "demo": ("jichitai.cli.demo", "デモ環境の構築と起動 / build and serve the demo consortium"),
    "manage": ("jichitai.cli.manage", "Django 管理コマンド / Django management commands"),
    "registry": (
        "jichitai.cli.registry",
        "住民記録の抽出・入力チェック / register export, input check",
    ),
    "import": (
        "jichitai.cli.data_import",
        "移行ファイルの取込（全件か無か） / import migration files (all or nothing)",
    ),
    "export": (
        "jichitai.cli.data_export",
        "移行ファイルの出力 / export the register in a migration layout",
    ),
    "layouts": (
        "jichitai.cli.layouts",
        "移行レイアウト定義の一覧・雛形作成 / migration layout definitions",
    ),
    "tax": ("jichitai.cli.tax", "個人住民税の課税情報の取込 / import resident tax records (CSV)"),
    "staff": ("jichitai.cli.staff", "職員の役割付与の一括メンテナンス / bulk role grants (CSV)"),
    "certificates": (
        "jichitai.cli.certificates",
        "証明書の署名鍵・交付日計表 / certificate signing keys, daily ledger",
    ),
    "continuity": (
        "jichitai.cli.continuity",
        "災害時の業務継続（代行・複製・バックアップ） / disaster continuity",
    ),
    "serve": ("jichitai.cli.serve", "本番用サーバ (gunicorn) の起動 / run the production server"),
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print("usage: jichitai COMMAND [ARGS...]\n\ncommands:")
        for name, (_mod, help_) in sorted(COMMANDS.items()):
            print(f"  {name:<12} {help_}")
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"jichitai: 不明なコマンドです / unknown command: {name}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    try:
        return int(module.main(rest) or 0)
    except Exception as exc:
        # A refused setting (settings.py: production without a secret key, ...) is a message in
        # both languages and exit 2, not a traceback. Imported here: moji never loads Django.
        from django.core.exceptions import ImproperlyConfigured

        if not isinstance(exc, ImproperlyConfigured):
            raise
        print(f"jichitai {name}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
