"""Auditor search over the current municipality's chain (監査ログ検索).

Only a staff member holding the ``auditor`` role in the context's acting municipality may search,
and only in a non-delegated context (auditing is not 代行 business: an auditor of B acting for A
under a disaster grant does not read A's log). Results are the context municipality's entries only
(tenant manager + RLS). Every search is itself logged as a read (``read/audit_search``): auditors
are audited.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator

from jichitai.tenancy.context import current

from .events import describe
from .models import AuditEntry, Category
from .recording import record


class NotAnAuditor(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("監査ログの検索には監査担当の権限が必要です / the auditor role is required")


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    subject_type: str = ""
    subject_id: str = ""
    username: str = ""
    since: datetime | None = None
    until: datetime | None = None
    category: str = ""

    def __post_init__(self) -> None:
        if self.category and self.category not in Category.values:
            raise ValueError(f"unknown category {self.category!r}")


@dataclass(frozen=True, slots=True)
class EntryView:
    """One row as the search screen shows it."""

    entry: AuditEntry
    title: str
    message: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    rows: list[EntryView]
    number: int
    num_pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def is_auditor() -> bool:
    """Whether the current context's staff may search the audit log."""
    from jichitai.accounts.capabilities import has_capability

    ctx = current()  # not under 代行: the capability is not delegable
    return ctx.staff_id is not None and has_capability(ctx.staff_id, "audit.search", ctx.acting_municipality_id)


def search(criteria: SearchCriteria, *, page: int = 1, per_page: int = 50) -> SearchPage:
    """Search the current municipality's log (newest first); the search is itself logged."""
    if not is_auditor():
        raise NotAnAuditor()
    qs = AuditEntry.objects.all()
    if criteria.subject_type:
        qs = qs.filter(subject_type=criteria.subject_type)
    if criteria.subject_id:
        qs = qs.filter(subject_id=criteria.subject_id)
    if criteria.username:
        qs = qs.filter(username=criteria.username)
    if criteria.since is not None:
        qs = qs.filter(occurred_at__gte=criteria.since)
    if criteria.until is not None:
        qs = qs.filter(occurred_at__lt=criteria.until)
    if criteria.category:
        qs = qs.filter(category=criteria.category)
    paginator = Paginator(qs.order_by("-seq"), per_page)
    page_obj = paginator.get_page(page)
    rows = [_view(e) for e in page_obj.object_list]
    record(
        Category.READ, "audit_search",
        subject_type=criteria.subject_type or ("person" if criteria.subject_id else "audit_log"),
        subject_id=criteria.subject_id or "-",
        screen="監査ログ検索", function="audit.search",
        detail={
            "criteria": {k: v for k, v in asdict(criteria).items() if v not in ("", None)},
            "page": page_obj.number, "count": paginator.count,
        },
    )
    return SearchPage(rows, page_obj.number, paginator.num_pages, paginator.count)


def _view(e: AuditEntry) -> EntryView:
    values: dict[str, Any] = {**e.detail, **{
        "username": e.username or "（システム）", "subject_type": e.subject_type,
        "subject_id": e.subject_id, "screen": e.screen, "function": e.function,
    }}
    title, message = describe(e.category, e.action, values)
    return EntryView(e, title, message)
