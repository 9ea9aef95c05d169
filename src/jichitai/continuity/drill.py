"""The failover drill (issue 14 item 2): register events from several worker processes through the
application, SIGKILL of the leader mid-stream, and the proof afterwards — every acknowledged event
is on the new leader (RPO 0) and how long until a write succeeded again (RTO).

Each worker is a process of its own with the application's settings and libpq multi-host
connection (``PGHOST=h1,h2``, ``target_session_attrs=read-write``): it finds the new leader by
itself. A worker writes an ``ack`` line only after ``approve_event`` returned, that is after the
本登録 commit was acknowledged by the server; the check then reads the new leader directly as the
superuser (no RLS, no application code) so it cannot be fooled by the code under test.

Run as ``python -m jichitai.continuity.drill setup|worker`` by :func:`run_drill`; never by hand on
a production database (it creates a drill municipality).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DRILL_CODE = "999016"  # a fictitious test 団体コード (valid check digit), never a real member


@dataclass
class DrillResult:
    acknowledged: int
    lost: list[int]
    rto_s: float  # kill -> first acknowledged write on the new leader
    promotion_s: float  # kill -> the replica is the running leader
    all_writing_s: float  # kill -> every worker has written again
    errors: int  # failed attempts while there was no writable leader
    old_leader: str
    new_leader: str
    timeline: Any = None
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------
# inside the worker processes (Django set up from the environment)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()


def _tenant() -> tuple[Any, Any, Any, Any]:
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.registry.models import AddressEntry
    from jichitai.tenancy.context import TenantContext, activate
    from jichitai.tenancy.models import Consortium, Municipality

    consortium, _ = Consortium.objects.get_or_create(code="drill", defaults={"name": "訓練協議会"})
    m, _ = Municipality.objects.get_or_create(
        code=DRILL_CODE,
        defaults={"consortium": consortium, "name": "訓練村", "kana": "クンレンムラ",
                  "prefecture": "テスト県", "population_class": "village"},
    )  # fmt: skip
    clerk, _ = Staff.objects.get_or_create(username="drill.clerk", defaults={"display_name": "窓口"})
    approver, _ = Staff.objects.get_or_create(
        username="drill.approver", defaults={"display_name": "決裁"}
    )
    for staff, role in ((clerk, "clerk"), (approver, "approver"), (approver, "clerk")):
        RoleGrant.objects.get_or_create(staff=staff, municipality=m, role=role)
    with activate(TenantContext(municipality_id=m.pk, acting_municipality_id=m.pk)):
        address, _ = AddressEntry.objects.get_or_create(
            town_code="001", defaults={"name": "本町一丁目", "kana": "ホンマチ"}
        )
    return m, clerk, approver, address


def setup_main() -> int:
    """Migrate as the owner role and create the drill municipality (idempotent)."""
    _django()
    from django.core.management import call_command

    from jichitai.tenancy.dbroles import as_owner

    with as_owner():
        call_command("migrate", verbosity=0)
    _tenant()
    return 0


def _move_in(m: Any, clerk: Any, approver: Any, address: Any, code: str) -> int:
    """One 転入 of one person, submitted by the clerk and approved by the approver."""
    from jichitai.registry import events, rules
    from jichitai.tenancy.context import TenantContext, activate

    today = rules.today()
    person = {
        "ref": "p1", "family_name": "訓練", "given_name": "一郎", "family_name_kana": "クンレン",
        "given_name_kana": "イチロウ", "birth_date": "1980-05-01", "sex": "1",
        "relationship": "世帯主", "resident_type": "japanese", "honseki": "テスト県甲村1番地",
        "hittousha": "訓練一郎", "resident_code": code,
    }  # fmt: skip
    req = {
        "household": {"new": {"address_id": address.pk, "banchi": "1番地"}},
        "persons": [person],
        "previous_address": "東京都千代田区千代田1番1号",
    }

    def ctx(staff: Any) -> TenantContext:
        return TenantContext(municipality_id=m.pk, acting_municipality_id=m.pk, staff_id=staff.pk,
                             purpose="failover drill")  # fmt: skip

    with activate(ctx(clerk)):
        sub = events.submit_event("move_in", req, effective_date=today, reported_date=today,
                                  entered_by=clerk, confirm_duplicates=True)  # fmt: skip
    with activate(ctx(approver)):
        events.approve_event(sub.event.pk, approver=approver)
    return int(sub.event.pk)


def _server_port() -> int:
    """The port of the server this process is connected to (libpq chose it among PGPORT)."""
    from django.db import connection

    return int(connection.connection.info.port) if connection.connection else 0


def worker_main(out: Path, stop: Path, seq: int) -> int:
    """Write events until ``stop`` exists; ``ack PK TIME PORT`` after each acknowledged 本登録."""
    _django()
    from django.db import connections

    m, clerk, approver, address = _tenant()
    n = 0
    with out.open("a", buffering=1, encoding="utf-8") as log:
        while not stop.exists():
            n += 1
            code = f"{seq + 100:03d}{n:08d}"  # 11 digits, distinct per worker and drill
            try:
                pk = _move_in(m, clerk, approver, address, code)
            except Exception as exc:  # noqa: BLE001 - any failure is a refused write: retry
                log.write(f"err {time.time():.3f} {type(exc).__name__}\n")
                connections.close_all()
                time.sleep(0.2)
                continue
            log.write(f"ack {pk} {time.time():.3f} {_server_port()}\n")
    connections.close_all()
    return 0


# ------------------------------------------------------------------------------------------------
# the orchestrator (no Django in this process)


def _child_env(cluster: Any, data_dir: Path, owner: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "JICHITAI_"))}
    env.update(cluster.client_env("jichitai_owner" if owner else "jichitai"))
    env["JICHITAI_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "jichitai.settings"
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _py(mode: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "jichitai.continuity.drill", mode, *args]


def prepare(cluster: Any, work: Path) -> None:
    """Migrations and the drill municipality on the cluster (through the leader)."""
    subprocess.run(_py("setup"), env=_child_env(cluster, work), check=True, timeout=900)


def _acks(path: Path) -> tuple[list[tuple[int, float, int]], list[float]]:
    acks: list[tuple[int, float, int]] = []
    errs: list[float] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if parts[:1] == ["ack"] and len(parts) == 4:
                acks.append((int(parts[1]), float(parts[2]), int(parts[3])))
            elif parts[:1] == ["err"] and len(parts) >= 2:
                errs.append(float(parts[1]))
    return acks, errs


def _present(cluster: Any, pks: list[int]) -> set[int]:
    """The approved events among ``pks`` on the current leader, read as the superuser."""
    import psycopg

    from jichitai.continuity.ha_local import PASSWORDS

    leader = cluster.leader()
    with psycopg.connect(
        host="127.0.0.1", port=leader.pg_port, user="postgres", password=PASSWORDS["postgres"],
        dbname="jichitai", connect_timeout=5,
    ) as conn:  # fmt: skip
        rows = conn.execute(
            "SELECT id FROM registry_registryevent WHERE status = 'approved' AND id = ANY(%s)",
            (pks,),
        ).fetchall()
    return {int(r[0]) for r in rows}


def run_drill(
    cluster: Any, work: Path, workers: int = 3, warmup_s: float = 5.0, after_s: float = 5.0,
    timeout_s: float = 120.0,
) -> DrillResult:  # fmt: skip
    """One drill on a healthy cluster (see the module docstring); leaves it healthy again."""
    work.mkdir(parents=True, exist_ok=True)
    index = len(list(work.glob("drill-*")))
    run_dir = Path(tempfile.mkdtemp(prefix=f"drill-{index:03d}-", dir=work))
    stop = run_dir / "stop"
    outs = [run_dir / f"worker{i}.log" for i in range(workers)]
    seq0 = index * workers  # distinct 住民票コード across the drills on one cluster
    procs = [
        subprocess.Popen(_py("worker", str(out), str(stop), str(seq0 + i)),
                         env=_child_env(cluster, work), stdout=subprocess.DEVNULL)  # fmt: skip
        for i, out in enumerate(outs)
    ]
    try:
        cluster.wait_for(lambda: all(len(_acks(o)[0]) >= 3 for o in outs), timeout_s,
                         "the workers did not start writing")  # fmt: skip
        time.sleep(warmup_s)
        old = cluster.leader()
        killed_at = time.time()
        cluster.kill_node(old)
        cluster.wait_for(lambda: (lead := cluster.leader()) is not None and lead is not old,
                         timeout_s, "the replica was not promoted")  # fmt: skip
        promoted_at = time.time()
        new_port = cluster.leader().pg_port
        cluster.start_node(old)  # the crashed server comes back (systemd): rejoins as a replica
        cluster.wait_for(
            lambda: all(any(port == new_port for _pk, _t, port in _acks(o)[0]) for o in outs),
            timeout_s, "writes did not resume on every worker",
        )  # fmt: skip
        time.sleep(after_s)
    finally:
        stop.touch()
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    new = cluster.leader()
    results = [_acks(o) for o in outs]
    acks = [a for r in results for a in r[0]]
    # a write counts for the RTO only when the new leader acknowledged it: an ack read just after
    # the kill may still be the old leader's last commit
    firsts = [min(t for _pk, t, port in r[0] if port == new_port) for r in results]
    present = _present(cluster, [pk for pk, _t, _port in acks])
    cluster.wait_healthy(timeout_s)
    timeline = next((m.get("timeline") for m in cluster.members() if m.get("role") == "leader"),
                    None)  # fmt: skip
    return DrillResult(
        acknowledged=len(acks),
        lost=sorted({pk for pk, _t, _port in acks} - present),
        rto_s=min(firsts) - killed_at,
        promotion_s=promoted_at - killed_at,
        all_writing_s=max(firsts) - killed_at,
        errors=sum(len(r[1]) for r in results),
        old_leader=old.name,
        new_leader=new.name if new else "",
        timeline=timeline,
    )


def summary(results: list[DrillResult]) -> dict[str, float]:
    rtos = [r.rto_s for r in results]
    return {
        "drills": len(results),
        "events_lost_max": max((len(r.lost) for r in results), default=0),
        "rto_max_s": max(rtos, default=0.0),
        "rto_median_s": statistics.median(rtos) if rtos else 0.0,
        "promotion_max_s": max((r.promotion_s for r in results), default=0.0),
        "acknowledged_events": sum(r.acknowledged for r in results),
    }


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m jichitai.continuity.drill")
    p.add_argument("mode", choices=("setup", "worker"))
    p.add_argument("args", nargs="*")
    a = p.parse_args(argv)
    if a.mode == "setup":
        return setup_main()
    out, stop, seq = a.args
    return worker_main(Path(out), Path(stop), int(seq))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
