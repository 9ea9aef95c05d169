"""代行の記録: everything partners did under a declaration's grants, for the stricken municipality.

Read from the municipality's own audit chain (an entry under 代行 is written to the data
municipality's chain and names the acting municipality, grant, legal basis and purpose). The
report is for the municipality's administrators, who read no residents (need to know): it names
who did what, when, for which partner, on which screen — never the person concerned (no subject
id, no detail). The 監査担当 finds those in 監査ログ検索.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from jichitai.audit.events import describe
from jichitai.audit.models import AuditEntry, Category
from jichitai.tenancy.models import DelegationGrant, DisasterDeclaration, Municipality

SCREEN_LIMIT = 1000
HEADER = ("日時", "代行団体", "職員", "区分", "操作", "画面", "機能", "根拠", "目的", "代行許可ID")


@dataclass(frozen=True)
class Action:
    occurred_at: datetime
    acting: str
    username: str
    category: str
    title: str
    screen: str
    function: str
    legal_basis: str
    purpose: str
    grant_id: int

    def row(self) -> tuple[str, ...]:
        return (
            self.occurred_at.isoformat(timespec="seconds"),
            self.acting,
            self.username,
            self.category,
            self.title,
            self.screen,
            self.function,
            self.legal_basis,
            self.purpose,
            str(self.grant_id),
        )


def _entries(decl: DisasterDeclaration) -> Iterator[AuditEntry]:
    grant_ids = list(
        DelegationGrant.objects.filter(declaration_id=decl.pk).values_list("pk", flat=True)
    )
    return (
        AuditEntry.objects.filter(grant_id__in=grant_ids)
        .exclude(acting_municipality_id=decl.municipality_id)
        .order_by("seq")
        .iterator(chunk_size=500)
    )


def actions(decl: DisasterDeclaration) -> Iterator[Action]:
    """Every entry partners wrote under the declaration's grants, oldest first."""
    names: dict[int, str] = {}
    categories = dict(Category.choices)
    for e in _entries(decl):
        if e.acting_municipality_id not in names:
            names[e.acting_municipality_id] = str(
                Municipality.objects.get(pk=e.acting_municipality_id)
            )
        title, _ = describe(e.category, e.action, {})
        yield Action(
            e.occurred_at,
            names[e.acting_municipality_id],
            e.username,
            categories.get(e.category, e.category),
            title,
            e.screen,
            e.function,
            e.legal_basis,
            e.purpose,
            int(e.grant_id or 0),
        )


@dataclass(frozen=True)
class Summary:
    rows: list[Action]
    total: int
    by_partner: list[tuple[str, int]]
    by_title: list[tuple[str, int]]
    truncated: bool


def summary(decl: DisasterDeclaration, limit: int = SCREEN_LIMIT) -> Summary:
    rows: list[Action] = []
    partners: Counter[str] = Counter()
    titles: Counter[str] = Counter()
    total = 0
    for a in actions(decl):
        total += 1
        partners[a.acting] += 1
        titles[a.title] += 1
        if len(rows) < limit:
            rows.append(a)
    return Summary(rows, total, partners.most_common(), titles.most_common(), total > limit)


def csv_lines(decl: DisasterDeclaration) -> Iterator[str]:
    """The whole report as CSV lines (UTF-8 with BOM for spreadsheet software), streamed."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    yield "\ufeff" + buf.getvalue()
    for a in actions(decl):
        buf.seek(0)
        buf.truncate()
        writer.writerow(a.row())
        yield buf.getvalue()
