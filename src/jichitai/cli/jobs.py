"""`jichitai jobs`: the batch work of chapter 9 from the command line.

    jichitai jobs list                                   処理の一覧
    jichitai jobs run NAME --municipality CODE [--staff USERNAME] [--param KEY=VALUE ...] [--wait]
    jichitai jobs schedule --municipality CODE           スケジュール一覧
    jichitai jobs worker [--once] [--interval SECONDS]   the worker (its own process; docs/operations.md)

``run`` queues the job with the last run's parameters, changed by ``--param`` (the changed ones
are printed); ``--wait`` also runs the queue here and prints the result. ``worker`` fires due
schedules and runs the queue until stopped (SIGTERM / Ctrl-C end it after the running job).
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from ._django import DATA_DIR_HELP, DatabaseUnavailable, open_database

PROG = "jichitai jobs"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="バッチ処理 / batch jobs")
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="処理の一覧 / the jobs")
    r = sub.add_parser("run", help="処理を直接起動 / queue a run")
    r.add_argument("name")
    r.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    r.add_argument(
        "--staff", help="起動する職員の職員ID（省略時は運用者による起動） / staff username"
    )
    r.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    r.add_argument(
        "--wait",
        action="store_true",
        help="この場でキューを処理して結果を表示 / run the queue here",
    )
    s = sub.add_parser("schedule", help="スケジュール一覧 / the schedules")
    s.add_argument("--municipality", required=True)
    w = sub.add_parser("worker", help="ワーカーを起動 / run the worker")
    w.add_argument("--once", action="store_true", help="1回だけ処理して終了 / one round, then exit")
    w.add_argument("--interval", type=float, default=10.0, help="待機秒数 / seconds between rounds")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        open_database(args.data_dir)
    except DatabaseUnavailable as exc:
        print(exc.lines(PROG), file=sys.stderr)
        return 2
    return {"list": _list, "run": _run, "schedule": _schedules, "worker": _worker}[args.command](
        args
    )


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def _list(args: argparse.Namespace) -> int:
    from jichitai.jobs import catalogue

    for job in catalogue.jobs().values():
        print(f"{job.name}\t{job.title}\t[{','.join(job.functions)}]\t{dict(job.defaults)}")
    return 0


def _context(code: str, staff_name: str | None) -> Any:
    from jichitai.accounts.models import Staff
    from jichitai.tenancy.models import Municipality
    from jichitai.tenancy.services import own_context

    muni = Municipality.objects.filter(code=code).first()
    if muni is None:
        raise LookupError(f"地方公共団体コード {code} の団体がありません / no municipality {code}")
    staff = None
    if staff_name:
        staff = Staff.objects.filter(username=staff_name, is_active=True).first()
        if staff is None:
            raise LookupError(f"職員 {staff_name} がいません / no active staff member {staff_name}")
    return own_context(
        muni, staff_id=staff.pk if staff else None, purpose="バッチ処理（CLI）"
    ), staff


def _run(args: argparse.Namespace) -> int:
    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.jobs import catalogue, params, runner, worker
    from jichitai.jobs.models import Run
    from jichitai.registry.errors import RegistryError
    from jichitai.tenancy.context import activate

    try:
        ctx, staff = _context(args.municipality, args.staff)
        given = dict(p.split("=", 1) for p in args.param if "=" in p)
        if len(given) != len(args.param):
            return _fail("--param は KEY=VALUE の形で指定してください / --param takes KEY=VALUE")
        with activate(ctx):
            job = catalogue.get(args.name)
            run = runner.start(job.name, {**params.last_params(job), **given}, staff=staff)
    except (LookupError, RegistryError, CapabilityMissing) as exc:
        return _fail(str(exc))
    print(
        f"受付番号 {run.pk}: {job.title}（変更したパラメータ: {', '.join(run.changed) or 'なし'}） {run.params}"
    )
    if not args.wait:
        return 0
    worker.drain()
    with activate(ctx):
        run = Run.objects.get(pk=run.pk)
    print(
        f"{run.get_status_display()}: {run.message} {run.counts} {run.duration_seconds or 0:.1f}秒"
    )
    if run.error:
        print(run.error, file=sys.stderr)
    return 0 if run.status == "succeeded" else 1


def _schedules(args: argparse.Namespace) -> int:
    from jichitai.jobs import schedules
    from jichitai.jobs.models import Schedule
    from jichitai.tenancy.context import activate

    try:
        ctx, _ = _context(args.municipality, None)
    except LookupError as exc:
        return _fail(str(exc))
    with activate(ctx):
        for s in Schedule.objects.order_by("-active", "next_run_at", "pk"):
            state = "有効" if s.active else "停止"
            print(
                f"{s.pk}\t{s.job_name}\t{schedules.describe(s)}\t次回 {s.next_run_at or '―'}\t{state}\t{s.params}"
            )
    return 0


def _worker(args: argparse.Namespace) -> int:
    from jichitai.jobs import worker

    if args.once:
        fired, ran = worker.tick()
        print(f"スケジュール起動 {fired}件、実行 {ran}件")
        return 0
    stopping = [False]

    def stop(signum: int, frame: Any) -> None:
        stopping[0] = True  # the running job finishes; the loop ends before the next round

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(
        f"{PROG}: ワーカーを起動しました（{args.interval}秒ごと） / worker started", file=sys.stderr
    )
    worker.serve(interval=args.interval, stop=lambda: stopping[0])
    return 0
