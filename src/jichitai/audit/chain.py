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

Every column of an entry is hashed except ``hash`` itself and the primary key ``id``
(:data:`NOT_HASHED`): the id is assigned by the database after the hash is computed, and the
position in the chain is ``(chain, seq)``, which is hashed. :func:`unhashed_columns` is what the
coverage test asks, so a column added to a model without adding it to ``HASH_FIELDS`` fails it.

Sealing (:func:`seal_heads`, ``jichitai audit seal``) appends each municipality's head (seq, hash)
to its consortium chain, so that a municipality chain rewritten or truncated afterwards no longer
matches what its consortium chain says; verify checks the latest seal (see verify.py). A seal is
refused for a chain that already contradicts its previous seal or its own head row: sealing must
never launder a rewrite.

Only this module may insert entries (the models refuse anything else).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from jichitai.tenancy.context import TenantContext, activate, current

from . import rows
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

#: Columns of an entry that its hash does not cover: the hash itself, and the database-assigned id
#: (the chain position is (chain, seq), which is hashed). Everything else is in ``HASH_FIELDS``.
NOT_HASHED = frozenset({"id", "hash"})

#: The consortium-chain action that carries a municipality's sealed head (``detail.seq/hash``).
SEAL_ACTION = "audit_chain_sealed"


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


def unhashed_columns(model: type[AuditEntry] | type[SystemAuditEntry]) -> list[str]:
    """Columns of ``model`` that its hash does not cover beyond :data:`NOT_HASHED` (should be [])."""
    hashed = set(model.HASH_FIELDS)
    return [
        f.attname for f in model._meta.concrete_fields
        if f.attname not in hashed and f.attname not in NOT_HASHED
    ]


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


def remember_username(staff_id: int | None, username: str) -> None:
    """The unit of work's staff member is known already (the web request's user): no query."""
    from jichitai.tenancy.context import unit_cache

    if staff_id is not None:
        unit_cache()[("audit.staff_username", staff_id)] = username


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


_DEFERRED = "audit.deferred"


@contextmanager
def deferred_appends() -> Iterator[Callable[[], None]]:
    """Inside the block, entries of the current unit of work are chained when ``flush()`` is called
    (the web middleware: at the end of the request, just before its commit), not when recorded.

    Why: the head lock is held from the append to the commit. A request that logs a read before
    rendering its page would hold its municipality's chain for the whole rendering, and every
    other request of that municipality would wait (a 280,000-resident city's counter staff at
    once). Deferred, the lock covers one insert and the commit. Each entry keeps the time it was
    recorded; entries with an idempotency key are chained at once (they are asked about within
    the request), after the deferred ones recorded before them. Nothing is chained if the unit of
    work is rolled back, exactly as before.
    """
    from jichitai.tenancy.context import unit_cache

    cache = unit_cache()
    cache[_DEFERRED] = []
    try:
        yield lambda: _flush(cache)
    finally:
        cache.pop(_DEFERRED, None)


def _flush(cache: dict[object, object]) -> None:
    pending = cache.get(_DEFERRED)
    if isinstance(pending, list) and pending:
        cache[_DEFERRED] = []
        _append_now([e for e, _ in pending], [t for _, t in pending])


def append(events: Sequence[AuditEvent]) -> list[AuditEntry]:
    """Append ``events`` to the current municipality's chain (one lock for the whole batch).

    Who, for whom and why come from the active TenantContext. An event whose idempotency key is
    already in the chain returns the existing entry instead (IdempotencyConflict if it differs).
    Inside :func:`deferred_appends` entries without a key are chained at the flush; the entries
    returned for them are not saved yet.
    """
    from jichitai.tenancy.context import unit_cache

    if not events:
        return []
    current()  # fail closed now, not at the flush
    cache = unit_cache()
    pending = cache.get(_DEFERRED)
    if isinstance(pending, list):
        if all(e.idempotency_key is None for e in events):
            now = _now()
            pending.extend((e, now) for e in events)
            return [AuditEntry(category=e.category, action=e.action, occurred_at=now) for e in events]
        _flush(cache)
    return _append_now(events, [_now()] * len(events))


def _append_now(events: Sequence[AuditEvent], times: Sequence[datetime]) -> list[AuditEntry]:
    ctx = current()
    username = _staff_username(ctx.staff_id)
    # Without idempotency keys nothing here refuses, so no savepoint of its own (two statements
    # per append): a failing insert fails the caller's unit of work with it. With keys, a caller
    # may catch IdempotencyConflict and go on, so the savepoint stays.
    with transaction.atomic(savepoint=any(e.idempotency_key is not None for e in events)):
        locked = rows.lock_head(ctx.municipality_id)
        if locked is None:
            rows.create_head(ctx.municipality_id)
            locked = rows.lock_head(ctx.municipality_id)
            assert locked is not None
        head_id, seq, prev = locked
        out: list[AuditEntry] = []
        new: list[AuditEntry] = []
        by_key: dict[str, AuditEntry] = {}
        for event, occurred_at in zip(events, times, strict=True):
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
                seq=seq + 1,
                occurred_at=occurred_at,
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
                prev_hash=prev,
            )
            entry.hash = compute_hash(entry)
            seq, prev = entry.seq, entry.hash
            new.append(entry)
            out.append(entry)
            if key is not None:
                by_key[key] = entry
        if new:
            rows.insert_entries(new)
            rows.move_head(head_id, seq, prev, timezone.now())
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


# -- sealing municipality heads into the consortium chain -------------------------------------


@dataclass(frozen=True, slots=True)
class Seal:
    """A municipality head as sealed into its consortium chain by ``jichitai audit seal``."""

    chain: str  # "municipality:<code>"
    seq: int
    hash: str
    consortium_key: int
    entry_seq: int  # seq of the seal entry in the consortium chain
    at: str

    def where(self, consortium_name: str) -> str:
        return f"consortium:{consortium_name} seq={self.entry_seq} ({self.at})"


@dataclass(frozen=True, slots=True)
class SealOutcome:
    chain: str
    status: str  # "sealed" | "unchanged" | "empty" | "refused"
    seq: int = 0
    hash: str = ""
    consortium: str = ""
    entry_seq: int | None = None
    reason: str = ""  # why a seal was refused (Japanese / English)


def latest_seal(municipality: Any) -> Seal | None:
    """The newest seal of ``municipality``'s chain in its consortium chain, if any."""
    entry = (
        SystemAuditEntry.objects.filter(
            chain_key=municipality.consortium_id, municipality_code=municipality.code,
            category=Category.OPERATION, action=SEAL_ACTION,
        ).order_by("-seq").first()
    )
    if entry is None:
        return None
    try:  # an edited seal entry is the consortium chain's finding (hash mismatch), not a crash here
        detail = entry.detail
        seq, hash_ = int(detail.get("seq", 0)), str(detail.get("hash", ""))
    except (ValueError, TypeError, AttributeError):
        seq, hash_ = 0, ""
    return Seal(
        chain=f"municipality:{municipality.code}", seq=seq, hash=hash_,
        consortium_key=entry.chain_key, entry_seq=entry.seq, at=utc_iso(entry.occurred_at),
    )


def _seal_refusal(
    head: tuple[int, str] | None, last: tuple[int, str] | None, previous: Seal | None,
    at_previous: str | None,
) -> str:
    """Why the chain cannot be sealed as it is ("" = it can)."""
    if head != last:
        return (f"先頭行 {head} と最終エントリ {last} が一致しません / "
                f"the head row {head} and the last entry {last} disagree")
    if previous is not None and previous.seq:
        if at_previous is None:
            return (f"封印済みの連番 {previous.seq} がありません（切り詰めの疑い） / "
                    f"sealed seq {previous.seq} is gone (truncated?)")
        if at_previous != previous.hash:
            return (f"封印済みの連番 {previous.seq} のハッシュが異なります（書き換えの疑い） / "
                    f"the entry at sealed seq {previous.seq} has another hash (rewritten?)")
    return ""


def _seal_one(municipality: Any, *, username: str) -> SealOutcome:
    chain = f"municipality:{municipality.code}"
    previous = latest_seal(municipality)
    ctx = TenantContext(
        municipality_id=municipality.pk, acting_municipality_id=municipality.pk, purpose="audit seal"
    )
    with activate(ctx), transaction.atomic():
        row = AuditChainHead.objects.values_list("seq", "hash").first()
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        at_previous = None
        if previous is not None and previous.seq:
            at_previous = AuditEntry.objects.filter(seq=previous.seq).values_list("hash", flat=True).first()
    head = (row[0], row[1]) if row is not None else None
    last = (last[0], last[1]) if last is not None else None
    consortium = municipality.consortium.code
    reason = _seal_refusal(head, last, previous, at_previous)
    if reason:
        return SealOutcome(chain, "refused", consortium=consortium, reason=reason)
    if head is None:
        return SealOutcome(chain, "empty", consortium=consortium)
    seq, hash_ = head
    if previous is not None and (previous.seq, previous.hash) == (seq, hash_):
        return SealOutcome(chain, "unchanged", seq, hash_, consortium, previous.entry_seq)
    event = AuditEvent(
        category=Category.OPERATION, action=SEAL_ACTION, subject_type="audit_chain",
        subject_id=chain, detail={"chain": chain, "seq": seq, "hash": hash_},
        idempotency_key=f"seal:{municipality.code}:{seq}:{hash_}",
    )
    entry = append_system(
        event, chain_key=municipality.consortium_id, username=username,
        municipality_code=municipality.code,
    )
    return SealOutcome(chain, "sealed", seq, hash_, consortium, entry.seq)


def seal_heads(*, username: str = "") -> list[SealOutcome]:
    """封印: append every municipality's chain head to its consortium chain (outside any context).

    One entry per municipality whose head moved since its last seal; an unchanged head or an empty
    chain appends nothing. A chain that contradicts its previous seal or its own head row is not
    sealed ("refused", with the reason): verify reports it.
    """
    from jichitai.tenancy.models import Municipality

    return [
        _seal_one(m, username=username)
        for m in Municipality.objects.select_related("consortium").order_by("code")
    ]


__all__ = [
    "GENESIS_HASH", "NOT_HASHED", "SEAL_ACTION", "Category", "IdempotencyConflict", "Seal",
    "SealOutcome", "append", "append_system", "canonical_detail", "canonical_json",
    "compute_hash", "hash_payload", "latest_seal", "seal_heads", "unhashed_columns",
]
