"""The one way in for other apps to write the audit log (記録).

``record`` / ``record_read`` / ``record_alert`` write to the current municipality's chain under the
active TenantContext (who, acting and data municipality, purpose, legal basis, grant come from
it — callers cannot forge them). ``record_system`` writes to a consortium chain (authentication,
consortium settings) and needs no context.

Entries are written in the caller's transaction: if the unit of work rolls back, so does its log
entry (an entry exists exactly when the operation it records committed). For events that must
survive a rollback (refusals, errors), log them after the rollback, in a new transaction.

Never call these with a password, a TOTP code or a 個人番号 in ``detail``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from .chain import append, append_system
from .events import AuditEvent
from .models import AuditEntry, Category, Severity, SystemAuditEntry


def _opt(value: Any) -> str:
    return "" if value is None else str(value)


#: unit-of-work key of the session's 入力場所・入力端末 ([1370]#1 端末名), set by
#: registry.workstation.use; every entry written through record/record_read carries it.
TERMINAL_KEY = "audit.terminal"


def set_terminal(place: str, terminal: str, terminal_name: str = "") -> None:
    from jichitai.tenancy.context import unit_cache

    unit_cache()[TERMINAL_KEY] = {"input_place": place, "input_terminal": terminal,
                                  "input_terminal_name": terminal_name}


def _with_terminal(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    from jichitai.tenancy.context import current_or_none, unit_cache

    ws = unit_cache().get(TERMINAL_KEY) if current_or_none() is not None else None
    return {**(ws if isinstance(ws, dict) else {}), **dict(detail or {})}


def record(
    category: str,
    action: str,
    *,
    subject_type: str | None = None,
    subject_id: Any = None,
    screen: str = "",
    function: str = "",
    my_number_shown: bool = False,
    detail: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
    severity: str = Severity.INFO,
) -> AuditEntry:
    """Append one entry to the current municipality's chain and return it."""
    event = AuditEvent(
        category=category, action=action, subject_type=_opt(subject_type),
        subject_id=_opt(subject_id), screen=screen, function=function,
        my_number_shown=my_number_shown, severity=severity, detail=_with_terminal(detail),
        idempotency_key=idempotency_key,
    )
    return append([event])[0]


def record_event(event: AuditEvent) -> AuditEntry:
    return append([event])[0]


def record_events(events: Sequence[AuditEvent]) -> list[AuditEntry]:
    """Append many entries (e.g. one per event of a 一括決裁) under one lock of the chain head."""
    return append(events)


def record_read(
    subject_type: str,
    subject_ids: Iterable[Any],
    *,
    screen: str,
    function: str = "",
    my_number_shown: bool = False,
    detail: Mapping[str, Any] | None = None,
) -> list[AuditEntry]:
    """閲覧記録: one ``read/view`` entry per person (subject) shown, appended under one lock.

    Prefer :class:`jichitai.audit.reads.AuditedReadManager` / ``load_for_read`` so the read is
    logged by the code that loads the data; call this directly only for data that is not loaded
    through a model (e.g. a file or an external reply).
    """
    if not screen:
        raise ValueError("a read is logged with the screen or function that shows it")
    seen: dict[str, None] = {}
    for sid in subject_ids:
        seen.setdefault(str(sid), None)
    info = _with_terminal(detail)
    events = [
        AuditEvent(
            category=Category.READ, action="view", subject_type=subject_type, subject_id=sid,
            screen=screen, function=function, my_number_shown=my_number_shown,
            detail=info,
        )
        for sid in seen
    ]
    return append(events)


def record_alert(
    action: str,
    *,
    severity: str = Severity.WARNING,
    subject_type: str | None = None,
    subject_id: Any = None,
    screen: str = "",
    function: str = "",
    detail: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> AuditEntry:
    """警告 (e.g. access to a person under 支援措置): category ``alert``, severity warning/critical."""
    if severity == Severity.INFO:
        raise ValueError("an alert is at least a warning")
    return record(
        Category.ALERT, action, subject_type=subject_type, subject_id=subject_id, screen=screen,
        function=function, detail=detail, idempotency_key=idempotency_key, severity=severity,
    )


def record_system(
    category: str,
    action: str,
    *,
    consortium_id: int | None,
    staff_id: int | None = None,
    username: str = "",
    municipality_code: str = "",
    remote_addr: str = "",
    subject_type: str | None = None,
    subject_id: Any = None,
    detail: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
    severity: str = Severity.INFO,
) -> SystemAuditEntry:
    """Append one entry to a consortium chain (``consortium_id=None``: the installation chain)."""
    event = AuditEvent(
        category=category, action=action, subject_type=_opt(subject_type),
        subject_id=_opt(subject_id), severity=severity, detail=dict(detail or {}),
        idempotency_key=idempotency_key,
    )
    return append_system(
        event, chain_key=consortium_id or 0, staff_id=staff_id, username=username,
        municipality_code=municipality_code, remote_addr=remote_addr,
    )


def record_error(
    error: BaseException, *, screen: str = "", function: str = "", detail: Mapping[str, Any] | None = None
) -> AuditEntry | None:
    """エラー記録 under the current context, in a savepoint; never raises (an error page must render).

    Returns None when the entry could not be written (e.g. the transaction was already aborted by
    the error itself: then call this again after the rollback, in a new transaction).
    """
    import logging

    from django.db import transaction

    info = {"error": type(error).__name__, "message": str(error)[:500], **dict(detail or {})}
    try:
        with transaction.atomic():
            return record(
                Category.ERROR, error_action(error), screen=screen, function=function, detail=info,
                severity=Severity.WARNING,
            )
    except Exception:  # noqa: BLE001 - reporting an error must not raise another
        logging.getLogger(__name__).exception("audit: could not record error %s", info["error"])
        return None


def error_action(error: BaseException) -> str:
    """``communication`` (通信ログ: the database server refused or lost the connection) or
    ``exception`` (エラーログ: any other unhandled error)."""
    from django.db import InterfaceError, OperationalError

    return "communication" if isinstance(error, InterfaceError | OperationalError) else "exception"


@contextmanager
def batch_run(name: str, *, detail: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """バッチ処理ログ ([1370]#1 ⑥⑦): ``batch_started`` before the work and ``batch_finished``
    after it (rows, outcome), each committed on its own so a failed run still leaves both.

    Use inside the municipality's context and outside the work's transaction; the caller adds
    counts to the yielded dict (``run["rows"] = n``).
    """
    import uuid

    from django.db import transaction

    info = {"batch": name, "run": uuid.uuid4().hex[:16], **dict(detail or {})}
    with transaction.atomic():
        record(Category.OPERATION, "batch_started", function=name, detail=info)
    counts: dict[str, Any] = {"rows": 0}
    try:
        yield counts
    except BaseException as exc:
        with transaction.atomic():
            record(Category.OPERATION, "batch_finished", function=name, severity=Severity.WARNING,
                   detail={**info, **counts, "outcome": "failed", "error": type(exc).__name__})
        raise
    with transaction.atomic():
        record(Category.OPERATION, "batch_finished", function=name,
               detail={**info, **counts, "outcome": "ok"})


@contextmanager
def system_batch_run(name: str, *, username: str = "cli") -> Iterator[dict[str, Any]]:
    """``batch_run`` for commands outside a municipality (audit seal/anchor): the installation chain."""
    import uuid

    info = {"batch": name, "run": uuid.uuid4().hex[:16]}
    record_system(Category.OPERATION, "batch_started", consortium_id=None, username=username, detail=info)
    counts: dict[str, Any] = {"rows": 0}
    try:
        yield counts
    except BaseException as exc:
        record_system(Category.OPERATION, "batch_finished", consortium_id=None, username=username,
                      severity=Severity.WARNING,
                      detail={**info, **counts, "outcome": "failed", "error": type(exc).__name__})
        raise
    record_system(Category.OPERATION, "batch_finished", consortium_id=None, username=username,
                  detail={**info, **counts, "outcome": "ok"})
