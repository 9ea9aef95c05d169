"""`jichitai continuity backup-setup | backup | restore` (docs/operations.md "Backups").

    backup-setup --repo-path DIR [--repo-host HOST] --key-file FILE [--engine postgresql|sqlite]
                 [--retention-full N] [--retention-diff N] [--restart] [--config FILE] ...
    backup [--type full|diff|incr] [--config FILE]
    restore --target-time T --into DIR [--database NAME] [--port N] [--stop] [--json]

Exit 0 when done (restore: when the restored database passed its check), 1 when the restored
database failed its check, 2 on a usage error or a failed step (the reason in both languages).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

PROG = "jichitai continuity"


def _parser(name: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"{PROG} {name}")
    p.add_argument(
        "--config",
        type=Path,
        help="バックアップ設定（JSON） / backup configuration "
        "(default $JICHITAI_BACKUP_CONFIG or $JICHITAI_DATA_DIR/backup.json)",
    )
    if name == "backup-setup":
        _setup_args(p)
    elif name == "backup":
        p.add_argument("--type", choices=("full", "diff", "incr"), default="full")
    else:
        p.add_argument(
            "--target-time",
            required=True,
            help="復旧時点（ISO 8601、時差なしは日本時間） / point in time",
        )
        p.add_argument(
            "--into", type=Path, required=True, help="復元先（空のフォルダ） / empty folder"
        )
        p.add_argument("--database", default="", help="検査するデータベース名 / database to check")
        p.add_argument(
            "--port", type=int, help="復元したクラスタのポート / port of the new cluster"
        )
        p.add_argument(
            "--stop",
            action="store_true",
            help="検査後にクラスタを停止 / stop the new cluster after the check",
        )
        p.add_argument("--json", action="store_true")
    return p


def _setup_args(p: argparse.ArgumentParser) -> None:
    env = os.environ
    p.add_argument(
        "--engine",
        choices=("postgresql", "sqlite"),
        default="postgresql" if env.get("JICHITAI_DB") == "postgres" else "sqlite",
    )
    p.add_argument("--repo-path", required=True, help="第二拠点のリポジトリ / repository path")
    p.add_argument("--repo-host", default="", help="SSH のリポジトリホスト / repository host")
    p.add_argument("--repo-host-user", default="pgbackrest")
    p.add_argument(
        "--key-file",
        type=Path,
        required=True,
        help="暗号鍵（SQLite）・パスフレーズ（pgBackRest）のファイル、なければ作成 / "
        "key or passphrase file, created when missing",
    )
    p.add_argument("--retention-full", type=int, default=2)
    p.add_argument("--retention-diff", type=int, default=6)
    p.add_argument("--stanza", default="jichitai")
    p.add_argument("--pgbackrest-config", type=Path)
    p.add_argument("--pg-data", default="")
    p.add_argument("--pg-port", type=int, default=int(env.get("PGPORT", "5432")))
    p.add_argument("--pg-socket", default="/var/run/postgresql")
    p.add_argument("--pg-user", default="postgres")
    p.add_argument("--os-user", default="postgres")
    p.add_argument("--log-path", default="/var/log/pgbackrest")
    p.add_argument("--lock-path", default="/tmp/pgbackrest")
    p.add_argument("--data-dir", type=Path, help="SQLite のフォルダ / SQLite folder")
    p.add_argument(
        "--restart",
        action="store_true",
        help="archive_mode のために pg_ctl で再起動 / restart with pg_ctl",
    )


def _fail(name: str, message: object) -> int:
    print(f"{PROG} {name}: {message}", file=sys.stderr)
    return 2


def main(name: str, argv: list[str]) -> int:
    from jichitai.continuity import config
    from jichitai.continuity.crypto import CryptoError
    from jichitai.continuity.pgbackrest import BackupError

    args = _parser(name).parse_args(argv)
    path = args.config or config.default_path()
    try:
        if name == "backup-setup":
            return _setup(args, path)
        cfg = config.load(path)
        if name == "backup":
            return _backup(cfg, args.type)
        return _restore(cfg, args)
    except (BackupError, CryptoError, FileNotFoundError, FileExistsError, ValueError) as exc:
        return _fail(name, exc)


def _setup(args: argparse.Namespace, path: Path) -> int:
    from jichitai.continuity import config, crypto, pgbackrest

    cfg = config.BackupConfig(
        engine=args.engine,
        repo_path=str(Path(args.repo_path).resolve()) if not args.repo_host else args.repo_path,
        repo_host=args.repo_host,
        repo_host_user=args.repo_host_user,
        key_file=str(args.key_file.resolve()),
        retention_full=args.retention_full,
        retention_diff=args.retention_diff,
        stanza=args.stanza,
        pgbackrest_config=str(
            (args.pgbackrest_config or path.with_name("pgbackrest.conf")).resolve()
        ),
        pg_data=args.pg_data,
        pg_port=args.pg_port,
        pg_socket=args.pg_socket,
        pg_user=args.pg_user,
        os_user=args.os_user,
        log_path=args.log_path,
        lock_path=args.lock_path,
        data_dir=str((args.data_dir or Path(os.environ.get("JICHITAI_DATA_DIR", "var"))).resolve()),
    )
    if cfg.engine == "sqlite":
        crypto.load_key(args.key_file, create=True)
        Path(cfg.repo_path).mkdir(parents=True, exist_ok=True)
        steps = [f"暗号鍵 / key: {cfg.key_file}", f"リポジトリ / repository: {cfg.repo_path}"]
    else:
        if not args.key_file.exists() and not os.environ.get("JICHITAI_BACKUP_PASSPHRASE"):
            crypto._write_private(args.key_file, secrets.token_urlsafe(32).encode() + b"\n")
        steps = pgbackrest.setup(cfg, restart=args.restart)
        if cfg.repo_host:
            other = Path(cfg.pgbackrest_config).with_name("pgbackrest-repo-host.conf")
            other.write_text(
                pgbackrest.repo_host_config(cfg, config.secret(cfg.key_file), os.uname().nodename)
            )
            os.chmod(other, 0o600)
            steps.append(f"リポジトリホスト用の設定 / config for the repository host: {other}")
    config.save(cfg, path)
    for s in steps:
        print(s)
    print(f"バックアップを設定しました / backups configured: {path}")
    return 0


def _backup(cfg: object, kind: str) -> int:
    from jichitai.continuity import backup

    taken = backup.take(cfg, kind)  # type: ignore[arg-type]
    print(
        f"バックアップを取得しました / backup taken: {taken['label']} ({taken['type']}, "
        f"{taken['size']:,} bytes, {taken['started_at']} – {taken['finished_at']})"
    )
    return 0


def _restore(cfg: object, args: argparse.Namespace) -> int:
    from jichitai.continuity import backup, pgbackrest
    from jichitai.continuity.check import summary_lines

    target = backup.parse_time(args.target_time)
    done = backup.restore(
        cfg,
        target,
        args.into,
        database=args.database,  # type: ignore[arg-type]
        port=args.port,
    )
    if args.stop and done.server:
        pgbackrest.stop(cfg, Path(done.server["data"]))  # type: ignore[arg-type]
    if args.json:
        print(
            json.dumps(
                {
                    "target": target.isoformat(),
                    "engine": done.engine,
                    "into": str(done.into),
                    "source": done.source,
                    "server": done.server,
                    "check": done.check,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        print(
            f"{target.isoformat()} の時点に復元しました（{done.source}） / restored to "
            f"{target.isoformat()} ({done.source}) into {done.into}"
        )
        if done.server and not args.stop:
            print(
                f"復元したクラスタ / restored cluster: 127.0.0.1:{done.server['port']} "
                f"(pg_ctl -D {done.server['data']} stop)"
            )
        for line in summary_lines(done.check):
            print(line)
    return 0 if done.check.get("ok") else 1
