"""Replication health from Patroni's REST API (issue 14 item 2): role, state, lag, timeline, last
contact of each member, for `jichitai continuity status` and the admin page.

It only reads (GET ``/cluster`` and each member's ``/patroni``); promotion is Patroni's own and
nothing here may ever ask for a switchover or failover.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from typing import Any

# (key, Japanese header, English header): one table for the CLI and the admin page
COLUMNS = (
    ("name", "メンバー", "member"),
    ("role", "役割", "role"),
    ("state", "状態", "state"),
    ("host_port", "接続先", "host:port"),
    ("timeline", "タイムライン", "timeline"),
    ("lag", "遅延(バイト)", "lag (bytes)"),
    ("replayed_at", "最終適用", "last replayed"),
    ("dcs_last_seen", "DCS 最終通信", "last DCS contact"),
)
ROLE_JA = {"leader": "主", "sync_standby": "同期待機", "replica": "待機", "standby_leader": "待機主"}


class PatroniUnavailable(Exception):
    """No given Patroni REST API answered (the reasons, one per URL, in ``reasons``)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons) or "no Patroni URL given")
        self.reasons = reasons


def parse_urls(value: str) -> list[str]:
    """``JICHITAI_PATRONI_URLS`` / ``--patroni``: comma-separated REST API base URLs."""
    return [u.strip().rstrip("/") for u in value.split(",") if u.strip()]


def _get(url: str, timeout: float) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - operator's URL
        return json.loads(resp.read().decode("utf-8"))


def _epoch(value: Any) -> str:
    if not value:
        return ""
    return dt.datetime.fromtimestamp(float(value), dt.UTC).isoformat(timespec="seconds")


def cluster_status(urls: list[str], timeout: float = 3.0) -> list[dict[str, Any]]:
    """Each member of the cluster as one row (keys of :data:`COLUMNS` plus ``api_url``).

    The first URL whose ``/cluster`` answers gives the member list (every member knows the whole
    cluster through the DCS); each member's own ``/patroni`` adds its last DCS contact and, for a
    replica, the time of the last replayed transaction. A member that does not answer keeps what
    the DCS knows of it.
    """
    reasons: list[str] = []
    cluster = None
    for url in urls:
        try:
            cluster = _get(f"{url}/cluster", timeout)
            break
        except (OSError, ValueError, urllib.error.URLError) as exc:
            reasons.append(f"{url}: {exc}")
    if cluster is None:
        raise PatroniUnavailable(reasons)
    return [_member_row(m, timeout) for m in cluster.get("members", [])]


def _member_row(m: dict[str, Any], timeout: float) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": m.get("name", ""),
        "role": m.get("role", ""),
        "state": m.get("state", ""),
        "host_port": f"{m.get('host', '')}:{m.get('port', '')}",
        "timeline": m.get("timeline", ""),
        "lag": 0 if m.get("role") == "leader" else m.get("lag", "unknown"),
        "replayed_at": "",
        "dcs_last_seen": "",
        "api_url": m.get("api_url", ""),
        "reachable": False,
    }
    api = str(m.get("api_url") or "")
    if api.endswith("/patroni"):
        api = api[: -len("/patroni")]
    if api:
        try:
            own = _get(f"{api}/patroni", timeout)
        except (OSError, ValueError, urllib.error.URLError):
            return row
        row["reachable"] = True
        row["dcs_last_seen"] = _epoch(own.get("dcs_last_seen"))
        row["replayed_at"] = (own.get("xlog") or {}).get("replayed_timestamp") or ""
    return row


def role_label(role: str) -> str:
    return f"{ROLE_JA.get(role, role)} ({role})" if role else ""


def as_table(rows: list[dict[str, Any]]) -> str:
    """A plain-text table with both-language headers (the CLI's output)."""
    header = [f"{ja} / {en}" for _k, ja, en in COLUMNS]
    body = [
        [role_label(str(r["role"])) if k == "role" else str(r.get(k, "")) for k, _j, _e in COLUMNS]
        for r in rows
    ]
    widths = [max(_width(c) for c in col) for col in zip(header, *body, strict=False)]
    lines = []
    for cells in (header, *body):
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def _width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
