"""`jichitai continuity SUBCOMMAND`: disaster continuity (docs/operations.md, issue 14).

Each subcommand lives in its own module exposing ``main(argv) -> int``, so the HA and backup
tools (no Django needed) start without a database.
"""

from __future__ import annotations

import importlib
import sys

# subcommand -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "status": (
        "jichitai.cli.continuity_ha",
        "複製の状態（役割・遅延・最終通信） / replication health",
    ),
    "backup-setup": (
        "jichitai.cli.continuity_backup",
        "pgBackRest の設定 / configure WAL archiving and the repository",
    ),
    "backup": (
        "jichitai.cli.continuity_backup",
        "バックアップの取得 / take a full or differential backup",
    ),
    "restore": (
        "jichitai.cli.continuity_backup",
        "時点復旧と検査 / point-in-time restore into a new cluster, checked",
    ),
    "declare": (
        "jichitai.cli.continuity_disaster",
        "災害の宣言・延長・終了 / declare, extend, end a disaster",
    ),
    "declarations": ("jichitai.cli.continuity_disaster", "災害宣言の一覧 / list the declarations"),
    "extend": ("jichitai.cli.continuity_disaster", "災害宣言の延長 / extend a declaration"),
    "end": ("jichitai.cli.continuity_disaster", "災害宣言の終了 / end a declaration"),
    "revoke": ("jichitai.cli.continuity_disaster", "災害宣言・代行の取消 / revoke a declaration"),
    "report": ("jichitai.cli.continuity_disaster", "代行の記録（CSV） / what partners did"),
    "degraded": ("jichitai.cli.continuity_disaster", "縮退運転 / degraded mode on, off, status"),
    "export-bundle": (
        "jichitai.cli.continuity_bundle",
        "団体別の暗号化・署名付き束 / one municipality's encrypted, signed bundle",
    ),
    "import-bundle": (
        "jichitai.cli.continuity_bundle",
        "束の復元 / restore a bundle into this installation",
    ),
    "extract": (
        "jichitai.cli.continuity_bundle",
        "緊急用抽出（CSV・PDF） / emergency extract for shelters",
    ),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: jichitai continuity SUBCOMMAND [ARGS...]\n\nsubcommands:")
        for name, (_mod, help_) in SUBCOMMANDS.items():
            print(f"  {name:<14} {help_}")
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in SUBCOMMANDS:
        print(
            f"jichitai continuity: 不明なサブコマンドです / unknown subcommand: {name}",
            file=sys.stderr,
        )
        return 2
    module = importlib.import_module(SUBCOMMANDS[name][0])
    return int(module.main(name, rest) or 0)
