"""The hash chain: canonical serialization, hashing and race-free appends.

hash = SHA-256 over the UTF-8 bytes of a canonical JSON object: sorted keys, no whitespace,
``ensure_ascii=False``, ``allow_nan=False``; the object holds the model's explicit
``HASH_FIELDS`` (including ``prev_hash``) plus ``"v"`` (format version) and ``"t"`` (table). Times
are UTC ISO 8601 with microseconds; ``detail_json`` is hashed as the exact stored text, itself
canonical JSON. Changing any of this needs a new ``"v"`` and a verifier that knows both.

Appends lock the chain's head row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serializes
writers with BEGIN IMMEDIATE) in the caller's transaction and take seq = head.seq + 1, so seq is
gapless per chain and two writers can never chain onto the same predecessor. The lock is held until
the caller's transaction ends (a web request is one transaction): keep audited units of work short.

Only this module may insert entries (the models refuse anything else).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from jichitai.tenancy.context import current

from .events import AuditEvent
from .models import (
    GENESIS_HASH,
    AuditChainHead,
    AuditEntry,
    Category,
    SystemAuditEntry,
    SystemChainHead,
)

HASH_VERSION = 1


class IdempotencyConflict(ValueError):
    """The idempotency key was already used for a different event."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"冪等キー {key!r} は別の内容で使用済みです / idempotency key already used for another event"
        )


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def canonical_detail(detail: Mapping[str, Any] | None) -> str:
    """Canonical JSON text of ``detail`` (dates, decimals, UUIDs become strings first)."""
    if not detail:
        return "{}"
    plain = json.loads(json.dumps(dict(detail), cls=DjangoJSONEncoder, allow_nan=False))
    return canonical_json(plain)


def utc_iso(value: datetime) -> str:
    if timezone.is_naive(value):
        raise ValueError("audit timestamps must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    raise TypeError(f"unexpected value in a hashed audit field: {type(value).__name__}")


def hash_payload(entry: AuditEntry | SystemAuditEntry) -> str:
    """The canonical text that ``entry.hash`` is the SHA-256 of."""
    body = {name: _norm(getattr(entry, name)) for name in entry.HASH_FIELDS}
    body["v"] = HASH_VERSION
    body["t"] = "system" if isinstance(entry, SystemAuditEntry) else "municipality"
    return canonical_json(body)


def compute_hash(entry: AuditEntry | SystemAuditEntry) -> str:
    return hashlib.sha256(hash_payload(entry).encode("utf-8")).hexdigest()


def _now() -> datetime:
    # Microsecond precision: what both SQLite and PostgreSQL store, so the stored row re-hashes.
    return timezone.now()


def _same_event(entry: AuditEntry | SystemAuditEntry, event: AuditEvent) -> bool:
    return bool(
        entry.category == event.category
        and entry.action == event.action
        and entry.subject_type == event.subject_type
        and entry.subject_id == event.subject_id
    )


def _staff_username(staff_id: int | None) -> str:
    if staff_id is None:
        return ""
    from jichitai.accounts.models import Staff
    from jichitai.tenancy.context import unit_cache

    cache = unit_cache()  # once per unit of work, not once per entry
    key = ("audit.staff_username", staff_id)
    if key not in cache:
        cache[key] = Staff.objects.filter(pk=staff_id).values_list("username", flat=True).first() or ""
    return str(cache[key])


def append(events: Sequence[AuditEvent]) -> list[AuditEntry]:
    """Append ``events`` to the current municipality's chain (one lock for the whole batch).

    Who, for whom and why come from the active TenantContext. An event whose idempotency key is
    already in the chain returns the existing entry instead (IdempotencyConflict if it differs).
    """
    ctx = current()
    if not events:
        return []
    username = _staff_username(ctx.staff_id)
    # Without idempotency keys nothing here refuses, so no savepoint of its own (two statements
    # per append): a failing insert fails the caller's unit of work with it. With keys, a caller
    # may catch IdempotencyConflict and go on, so the savepoint stays.
    with transaction.atomic(savepoint=any(e.idempotency_key is not None for e in events)):
        head = AuditChainHead.objects.select_for_update().filter().first()
        if head is None:
            AuditChainHead.objects.bulk_create(
                [AuditChainHead(municipality_id=ctx.municipality_id)], ignore_conflicts=True
            )
            head = AuditChainHead.objects.select_for_update().get()
        out: list[AuditEntry] = []
        new: list[AuditEntry] = []
        by_key: dict[str, AuditEntry] = {}
        for event in events:
            key = event.idempotency_key
            if key is not None:
                existing = by_key.get(key) or AuditEntry.objects.filter(idempotency_key=key).first()
                if existing is not None:
                    if not _same_event(existing, event):
                        raise IdempotencyConflict(key)
                    out.append(existing)
                    continue
            entry = AuditEntry(
                municipality_id=ctx.municipality_id,
                seq=head.seq + 1,
                occurred_at=_now(),
                category=event.category,
                action=event.action,
                severity=event.severity,
                staff_id=ctx.staff_id,
                username=username,
                acting_municipality_id=ctx.acting_municipality_id,
                grant_id=ctx.grant_id,
                purpose=ctx.purpose[:200],
                legal_basis=ctx.legal_basis[:200],
                subject_type=event.subject_type,
                subject_id=event.subject_id,
                screen=event.screen,
                function=event.function,
                my_number_shown=event.my_number_shown,
                detail_json=canonical_detail(event.detail),
                idempotency_key=key,
                prev_hash=head.hash,
            )
            entry.hash = compute_hash(entry)
            entry._appended_by_chain = True  # type: ignore[attr-defined]
            head.seq, head.hash = entry.seq, entry.hash
            new.append(entry)
            out.append(entry)
            if key is not None:
                by_key[key] = entry
        if new:
            AuditEntry.objects.bulk_create(new)
            head.updated_at = timezone.now()
            head.save(update_fields=["seq", "hash", "updated_at"])
    return out


def append_system(
    event: AuditEvent,
    *,
    chain_key: int,
    staff_id: int | None = None,
    username: str = "",
    municipality_code: str = "",
    remote_addr: str = "",
) -> SystemAuditEntry:
    """Append one event to a consortium chain (``chain_key`` = consortium id, 0 = installation)."""
    with transaction.atomic():
        head = SystemChainHead.objects.select_for_update().filter(chain_key=chain_key).first()
        if head is None:
            SystemChainHead.objects.bulk_create(
                [SystemChainHead(chain_key=chain_key)], ignore_conflicts=True
            )
            head = SystemChainHead.objects.select_for_update().get(chain_key=chain_key)
        key = event.idempotency_key
        if key is not None:
            existing = SystemAuditEntry.objects.filter(chain_key=chain_key, idempotency_key=key).first()
            if existing is not None:
                if not _same_event(existing, event):
                    raise IdempotencyConflict(key)
                return existing
        entry = SystemAuditEntry(
            chain_key=chain_key,
            seq=head.seq + 1,
            occurred_at=_now(),
            category=event.category,
            action=event.action,
            severity=event.severity,
            staff_id=staff_id,
            username=username[:150],
            municipality_code=municipality_code,
            remote_addr=remote_addr[:45],
            subject_type=event.subject_type,
            subject_id=event.subject_id,
            detail_json=canonical_detail(event.detail),
            idempotency_key=key,
            prev_hash=head.hash,
        )
        entry.hash = compute_hash(entry)
        entry._appended_by_chain = True  # type: ignore[attr-defined]
        entry.save(force_insert=True)
        head.seq, head.hash, head.updated_at = entry.seq, entry.hash, timezone.now()
        head.save(update_fields=["seq", "hash", "updated_at"])
    return entry


__all__ = [
    "GENESIS_HASH", "Category", "IdempotencyConflict", "append", "append_system",
    "canonical_detail", "canonical_json", "compute_hash", "hash_payload",
]
