"""保存期間を過ぎたログのアーカイブ ([1370]#2): the entries of a municipality's chain older than its
period, written to a file that proves itself.

The file is JSON Lines: a header (municipality, period, the cut-off, the first and last seq, the
``prev_hash`` the first archived entry links to), then one line per entry holding every hashed
field and its hash. :func:`verify_file` recomputes each hash with the chain's own rule and checks
the links, so a copy kept offline (by the municipality's 文書管理規程) can be checked years later
without the database. Archiving deletes nothing: the chain stays append-only and complete (its
verification needs every entry), so the online search and EUC keep reaching old entries too.
Every archive run is logged (``operation/audit_archive``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .chain import canonical_json, hash_payload
from .models import AuditEntry
from .recording import record
from .retention import minus_years, policy

FORMAT = "jichitai-audit-archive/1"


@dataclass(frozen=True)
class Archived:
    entries: int
    first_seq: int | None
    last_seq: int | None
    before: dt.datetime
    sha256: str  # of the file written


def _body(entry: AuditEntry) -> dict[str, Any]:
    """The entry as the chain hashes it (every hashed field, format version and chain type)."""
    body: dict[str, Any] = json.loads(hash_payload(entry))
    return body


def _lines(before: dt.datetime, years: int, code: str) -> Iterator[str]:
    qs = AuditEntry.objects.filter(occurred_at__lt=before).order_by("seq")
    first = qs.first()
    last = qs.last()
    yield canonical_json(
        {
            "format": FORMAT,
            "municipality": code,
            "retention_years": years,
            "before": before.isoformat(),
            "first_seq": first.seq if first else None,
            "last_seq": last.seq if last else None,
            "links_to": first.prev_hash if first else None,
        }
    )
    for entry in qs.iterator(chunk_size=1000):
        yield canonical_json({"entry": _body(entry), "hash": entry.hash})


def write(out: IO[str], *, now: dt.datetime | None = None) -> Archived:
    """Write the current municipality's entries past its period to ``out`` (needs its context)."""
    from django.utils import timezone

    from jichitai.tenancy.context import current
    from jichitai.tenancy.models import Municipality

    ret = policy()
    before = minus_years(now or timezone.now(), ret.years)
    code = (
        Municipality.objects.filter(pk=current().municipality_id)
        .values_list("code", flat=True)
        .first()
        or ""
    )
    digest = hashlib.sha256()
    count, first, last = 0, None, None
    for n, line in enumerate(_lines(before, ret.years, code)):
        if n:
            count += 1
            seq = json.loads(line)["entry"]["seq"]
            first = seq if first is None else first
            last = seq
        text = line + "\n"
        out.write(text)
        digest.update(text.encode("utf-8"))
    done = Archived(count, first, last, before, digest.hexdigest())
    record(
        "operation",
        "audit_archive",
        subject_type="audit_log",
        detail={
            "years": ret.years,
            "before": before.isoformat(),
            "entries": count,
            "first_seq": first,
            "last_seq": last,
            "sha256": done.sha256,
        },
    )
    return done


def verify_file(path: Path) -> list[str]:
    """Problems of an archive file (empty: every hash and link holds)."""
    problems: list[str] = []
    with path.open(encoding="utf-8") as f:
        try:
            head = json.loads(f.readline())
        except ValueError:
            return ["1行目: アーカイブの見出しではありません / line 1 is not an archive header"]
        if not isinstance(head, dict) or head.get("format") != FORMAT:
            return ["1行目: アーカイブの形式が違います / not a jichitai audit archive"]
        prev, seq = head.get("links_to"), None
        for n, line in enumerate(f, start=2):
            try:
                row = json.loads(line)
                body, stored = row["entry"], row["hash"]
            except (ValueError, KeyError, TypeError):
                problems.append(f"{n}行目: 読めません / unreadable line")
                continue
            if hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest() != stored:
                problems.append(
                    f"{n}行目: ハッシュが一致しません（改ざん） / hash mismatch (seq {body.get('seq')})"
                )
            if body.get("prev_hash") != prev:
                problems.append(
                    f"{n}行目: 前の記録とつながりません / broken link (seq {body.get('seq')})"
                )
            if seq is not None and body.get("seq") != seq + 1:
                problems.append(
                    f"{n}行目: 連番が飛んでいます / seq gap ({seq} → {body.get('seq')})"
                )
            prev, seq = stored, body.get("seq")
        if seq != head.get("last_seq"):
            problems.append(
                "最後の記録が見出しと違います / the last entry is not the header's last_seq"
            )
    return problems
