"""通信ログ of the web server in front ([1370]#1: 「Webサーバ…との通信エラー等」): nginx's error log
taken into the installation's audit chain, so the errors between nginx and the application
(upstream refused, timed out, closed) are kept tamper-evident beside the application's own
``error/communication`` entries.

``ingest`` reads an nginx error log (``YYYY/MM/DD HH:MM:SS [level] pid#tid: *cid message, client:
…, server: …, request: "…", upstream: "…"``) and appends one ``error/web_server`` entry per line at
level ``error`` or above. Each line's hash is its idempotency key, so reading the same file again
(a timer every few minutes, a rotated file read twice) never writes a line twice. A request line
may carry a search's query string: only the path is kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Severity

ACTION = "web_server"
LEVELS = ("error", "crit", "alert", "emerg")
_LINE = re.compile(
    r"^(?P<at>\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) \[(?P<level>[a-z]+)\] (?P<rest>.*)$"
)
_FIELD = re.compile(r', (client|server|request|upstream|host): ("[^"]*"|[^,]*)')


@dataclass(frozen=True)
class Ingested:
    lines: int  # lines read
    recorded: int  # entries appended (new lines at error level or above)
    skipped: int  # below error level, not an nginx line, or already recorded


def parse(line: str) -> dict[str, str] | None:
    """The fields of one nginx error-log line, or None when it is not one."""
    m = _LINE.match(line.rstrip("\r\n"))
    if m is None:
        return None
    rest = m.group("rest")
    fields = {k: v.strip('"') for k, v in _FIELD.findall(rest)}
    message = _FIELD.sub("", rest)
    message = re.sub(r"^\d+#\d+: (\*\d+ )?", "", message)
    if "request" in fields:  # 「GET /path?q=… HTTP/1.1」: the query may hold what was searched
        fields["request"] = re.sub(r"\?\S*", "", fields["request"])
    return {"at": m.group("at"), "level": m.group("level"), "message": message[:500], **fields}


def ingest(lines: Iterable[str], *, source: str = "") -> Ingested:
    """Append the error lines not yet recorded to the installation chain."""
    from .models import SystemAuditEntry
    from .recording import record_system

    read = recorded = skipped = 0
    for line in lines:
        read += 1
        fields = parse(line)
        if fields is None or fields["level"] not in LEVELS:
            skipped += 1
            continue
        key = "nginx:" + hashlib.sha256(line.rstrip("\r\n").encode("utf-8")).hexdigest()[:48]
        if SystemAuditEntry.objects.filter(chain_key=0, idempotency_key=key).exists():
            skipped += 1  # read before (the same file again, or a rotated copy)
            continue
        record_system(
            "error",
            ACTION,
            consortium_id=None,
            username="nginx",
            remote_addr=fields.get("client", "")[:45],
            subject_type="web_server",
            subject_id=fields.get("server", "")[:64],
            idempotency_key=key,
            severity=Severity.CRITICAL if fields["level"] != "error" else Severity.WARNING,
            detail={**fields, "source": source},
        )
        recorded += 1
    return Ingested(read, recorded, skipped)
