"""A local high-availability cluster on 127.0.0.1 for the failover test and drill (issue 14 item 2).

Three etcd members and two PostgreSQL 15 nodes managed by Patroni, all from the Debian packages
(/usr/bin/etcd, /usr/bin/patroni), on free ports, in one temporary folder, with production
durability (fsync on) and strict synchronous replication. As root every process runs as the
``postgres`` system user (PostgreSQL refuses root). Promotion is Patroni's own: this module never
promotes anything, it only starts, kills and restarts processes and reads the REST API.

It must never leave a process behind: :meth:`LocalCluster.stop` kills every process group it
started (etcd, Patroni) and every postmaster found in the data folders, also after a failed start.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
PATRONI, ETCD = "/usr/bin/patroni", "/usr/bin/etcd"
SCOPE = "jichitai"
PASSWORDS = {"postgres": "drill-postgres", "replicator": "drill-replicator"}
# Timing (docs/operations.md "High availability"): the leader key lives TTL seconds, so a dead
# leader is replaced after at most TTL + LOOP_WAIT; Patroni wants loop_wait + 2*retry_timeout <= ttl.
TTL, LOOP_WAIT, RETRY_TIMEOUT = 12, 2, 5

# Roles and database exactly as scripts/pg_throwaway.sh (two roles, neither superuser nor BYPASSRLS),
# created once by the bootstrapping node; Patroni passes the connection string as the last argument.
POST_BOOTSTRAP = """#!/bin/sh
set -e
psql -X -q -v ON_ERROR_STOP=1 "$1" \\
  -c "CREATE ROLE jichitai_owner LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD 'jichitai_owner'" \\
  -c "CREATE ROLE jichitai LOGIN NOCREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD 'jichitai'" \\
  -c "GRANT jichitai TO jichitai_owner" \\
  -c "CREATE DATABASE jichitai OWNER jichitai_owner"
"""


class ClusterError(RuntimeError):
    """The local cluster did not reach the wanted state in time (the logs are in ``base``)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_root() -> bool:
    return os.geteuid() == 0


@dataclass
class Node:
    name: str
    pg_port: int
    api_port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"


@dataclass
class LocalCluster:
    """``with LocalCluster() as c:`` starts everything and waits for a leader and a sync standby."""

    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="jichitai-ha-")))
    etcd_members: int = 3
    nodes: list[Node] = field(default_factory=list)
    etcd: list[tuple[str, int, int, subprocess.Popen[bytes] | None]] = field(default_factory=list)

    # -- life cycle ------------------------------------------------------------------------------

    def __enter__(self) -> LocalCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, timeout: float = 120.0) -> None:
        os.chmod(self.base, 0o755)
        if _as_root():
            shutil.chown(self.base, "postgres")
        self._start_etcd()
        self.nodes = [Node(f"pg{i}", free_port(), free_port()) for i in (1, 2)]
        script = self.base / "post_bootstrap.sh"
        script.write_text(POST_BOOTSTRAP)
        script.chmod(0o755)
        self.start_node(self.nodes[0])
        self.wait_for(lambda: self.leader() is not None, timeout, "no leader after bootstrap")
        self.start_node(self.nodes[1])
        self.wait_healthy(timeout)

    def stop(self) -> None:
        """Kill everything this cluster started (process groups), then remove the folder."""
        for node in self.nodes:
            self._kill_group(node.proc)
            self.kill_postmaster(node)
        for _name, _client, _peer, proc in self.etcd:
            self._kill_group(proc)
        shutil.rmtree(self.base, ignore_errors=True)

    # -- etcd ------------------------------------------------------------------------------------

    def _start_etcd(self) -> None:
        ports = [(f"etcd{i}", free_port(), free_port()) for i in range(self.etcd_members)]
        initial = ",".join(f"{n}=http://127.0.0.1:{peer}" for n, _c, peer in ports)
        for name, client, peer in ports:
            cmd = [
                ETCD, "--name", name, "--data-dir", str(self.base / name),
                "--listen-client-urls", f"http://127.0.0.1:{client}",
                "--advertise-client-urls", f"http://127.0.0.1:{client}",
                "--listen-peer-urls", f"http://127.0.0.1:{peer}",
                "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
                "--initial-cluster", initial, "--initial-cluster-state", "new",
                "--initial-cluster-token", f"jichitai-{self.base.name}",
            ]  # fmt: skip
            self.etcd.append((name, client, peer, self._spawn(cmd, name)))
        self.wait_for(self._etcd_healthy, 60, "etcd did not form a quorum")

    def _etcd_healthy(self) -> bool:
        for _name, client, _peer, _proc in self.etcd:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{client}/health", timeout=2) as r:
                    if json.loads(r.read()).get("health") not in ("true", True):
                        return False
            except OSError:
                return False
        return True

    @property
    def etcd_hosts(self) -> list[str]:
        return [f"127.0.0.1:{client}" for _n, client, _p, _proc in self.etcd]

    # -- Patroni ---------------------------------------------------------------------------------

    def patroni_config(self, node: Node) -> dict[str, Any]:
        """The node's Patroni configuration (the shape of deploy/patroni/patroni.yml)."""
        data = self.base / node.name
        return {
            "scope": SCOPE,
            "name": node.name,
            "restapi": {"listen": f"127.0.0.1:{node.api_port}",
                        "connect_address": f"127.0.0.1:{node.api_port}"},
            "etcd3": {"hosts": self.etcd_hosts},
            "bootstrap": {
                "dcs": {
                    "ttl": TTL, "loop_wait": LOOP_WAIT, "retry_timeout": RETRY_TIMEOUT,
                    "maximum_lag_on_failover": 0,
                    # an acknowledged commit is on both nodes; only the sync standby is promoted
                    "synchronous_mode": True, "synchronous_mode_strict": True,
                    "postgresql": {
                        "use_pg_rewind": True,
                        "parameters": {
                            "synchronous_commit": "remote_apply",
                            "fsync": "on", "full_page_writes": "on", "wal_log_hints": "on",
                            "max_connections": 100, "max_wal_senders": 10,
                            "max_replication_slots": 10, "wal_keep_size": "256MB",
                        },
                    },
                },
                "initdb": [{"encoding": "UTF8"}, {"locale": "C.UTF-8"}, "data-checksums"],
                "post_bootstrap": str(self.base / "post_bootstrap.sh"),
            },
            "postgresql": {
                "listen": f"127.0.0.1:{node.pg_port}",
                "connect_address": f"127.0.0.1:{node.pg_port}",
                "data_dir": str(data / "data"),
                "bin_dir": str(PGBIN),
                "pgpass": str(data / "pgpass"),
                "use_unix_socket": True,
                # a spread checkpoint would hold a new replica's clone for minutes
                "basebackup": [{"checkpoint": "fast"}],
                "authentication": {
                    "superuser": {"username": "postgres", "password": PASSWORDS["postgres"]},
                    "replication": {"username": "replicator",
                                    "password": PASSWORDS["replicator"]},
                    "rewind": {"username": "postgres", "password": PASSWORDS["postgres"]},
                },
                "parameters": {"unix_socket_directories": str(data)},
                "pg_hba": [
                    "local all all trust",
                    "host replication replicator 127.0.0.1/32 scram-sha-256",
                    "host all all 127.0.0.1/32 scram-sha-256",
                ],
            },
            "tags": {"nofailover": False, "noloadbalance": False, "clonefrom": False},
        }  # fmt: skip

    def start_node(self, node: Node) -> None:
        """Start (or restart, as systemd would) the node's Patroni."""
        folder = self.base / node.name
        folder.mkdir(exist_ok=True)
        if _as_root():
            shutil.chown(folder, "postgres")
        conf = folder / "patroni.yml"  # JSON is YAML
        conf.write_text(json.dumps(self.patroni_config(node), indent=1))
        node.proc = self._spawn([PATRONI, str(conf)], node.name)

    def kill_node(self, node: Node) -> None:
        """SIGKILL the node's Patroni and its postmaster (with every backend): a crashed server."""
        self._kill_group(node.proc)
        node.proc = None
        self.kill_postmaster(node)

    def kill_postmaster(self, node: Node) -> None:
        pid = self.postmaster_pid(node)
        if pid:
            # the backends notice the postmaster's death and exit by themselves
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while self.postmaster_pid(node) == pid and time.monotonic() < deadline:
                time.sleep(0.05)

    def postmaster_pid(self, node: Node) -> int | None:
        try:
            first = (self.base / node.name / "data" / "postmaster.pid").read_text().split("\n")[0]
            pid = int(first)
            os.kill(pid, 0)
            # a zombie or a reused pid is not our postmaster
            stat = Path(f"/proc/{pid}/stat").read_text()
            return pid if stat.split(")")[-1].split()[0] != "Z" and "postgres" in stat else None
        except (OSError, ValueError):
            return None

    # -- state -----------------------------------------------------------------------------------

    def members(self) -> list[dict[str, Any]]:
        from jichitai.continuity.ha import cluster_status

        try:
            return cluster_status([n.api_url for n in self.nodes], timeout=2)
        except Exception:  # noqa: BLE001 - no node answers: no members known
            return []

    def leader(self) -> Node | None:
        for m in self.members():
            if m.get("role") == "leader" and m.get("state") == "running":
                return self.node(m["name"])
        return None

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    def healthy(self) -> bool:
        """A running leader and a streaming synchronous standby."""
        roles = {(m.get("role"), m.get("state")) for m in self.members()}
        return ("leader", "running") in roles and (
            ("sync_standby", "streaming") in roles or ("sync_standby", "running") in roles
        )

    def wait_healthy(self, timeout: float = 120.0) -> None:
        self.wait_for(self.healthy, timeout, "no leader with a synchronous standby")

    def wait_for(self, check: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.25)
        raise ClusterError(f"{what} within {timeout:.0f} s (logs in {self.base})")

    def client_env(self, user: str = "jichitai") -> dict[str, str]:
        """libpq multi-host settings: the application finds the writable node by itself."""
        return {
            "JICHITAI_DB": "postgres",
            "PGHOST": ",".join("127.0.0.1" for _ in self.nodes),
            "PGPORT": ",".join(str(n.pg_port) for n in self.nodes),
            "PGTARGETSESSIONATTRS": "read-write",
            "PGCONNECT_TIMEOUT": "3",
            "PGDATABASE": "jichitai",
            "PGUSER": user,
            "PGPASSWORD": user,
            "JICHITAI_DB_OWNER_USER": "jichitai_owner",
            "JICHITAI_DB_OWNER_PASSWORD": "jichitai_owner",
            "JICHITAI_PATRONI_URLS": ",".join(n.api_url for n in self.nodes),
        }

    # -- processes -------------------------------------------------------------------------------

    def _spawn(self, cmd: list[str], name: str) -> subprocess.Popen[bytes]:
        log = open(self.base / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(self.base),
               "PYTHONNOUSERSITE": "1"}  # fmt: skip
        kw: dict[str, Any] = {"user": "postgres", "group": "postgres", "extra_groups": []}
        try:
            return subprocess.Popen(
                cmd, cwd=self.base, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True, **(kw if _as_root() else {}),
            )  # fmt: skip
        finally:
            log.close()

    @staticmethod
    def _kill_group(proc: subprocess.Popen[bytes] | None) -> None:
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)
