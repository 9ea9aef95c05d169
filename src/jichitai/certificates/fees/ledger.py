"""交付日計表: one municipality's issuances of one day, per kind (件数, 通数, 手数料, 減免) and per
clerk for the cash-up (レジ締め). A disposed (処分) issuance is refunded on the day of its 処分:
it stays in its issue day's lines and appears as a refund line (返還) on the day it was taken back,
so a day's net is the cash the drawer should hold. No person appears in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from jichitai.accounts.models import Staff
from jichitai.tenancy.context import current
from jichitai.tenancy.models import Municipality
from jichitai.wareki import format_date

from .. import kinds
from ..models import Issuance


@dataclass
class Line:
    """One kind (or one clerk, or the total): what was issued and collected."""

    label: str
    issuances: int = 0
    copies: int = 0
    amount: int = 0  # 徴収額
    exempt_copies: int = 0
    exempt_value: int = 0  # 減免額 (the fee not collected)
    unset_copies: int = 0  # copies of a kind whose fee was not set
    refunds: int = 0  # 処分 (返還) issuances
    refund_copies: int = 0
    refund_amount: int = 0
    exemptions: dict[str, int] = field(default_factory=dict)  # 減免事由 → copies

    @property
    def net(self) -> int:
        return self.amount - self.refund_amount

    @property
    def exemption_text(self) -> str:
        return "、".join(f"{k} {v}通" for k, v in self.exemptions.items())


@dataclass
class Ledger:
    day: dt.date
    municipality: str
    kinds: list[Line]
    clerks: list[Line]
    total: Line
    exemptions: list[tuple[str, str, int, int]]  # (事由, 根拠, 通数, 減免額)

    @property
    def day_text(self) -> str:
        return format_date(self.day)


def _add(line: Line, row: Issuance, refund: bool) -> None:
    fee = getattr(row, "fee", None)
    amount = fee.amount if fee is not None else 0
    if refund:
        line.refunds += 1
        line.refund_copies += row.copies
        line.refund_amount += amount
        return
    line.issuances += 1
    line.copies += row.copies
    line.amount += amount
    if fee is None:
        return
    if not fee.rate_set:
        line.unset_copies += row.copies
    if fee.exemption:
        line.exempt_copies += row.copies
        line.exempt_value += fee.unit * row.copies
        line.exemptions[fee.exemption] = line.exemptions.get(fee.exemption, 0) + row.copies


def _staff_names(ids: Iterable[int]) -> dict[int, str]:
    return {
        s.pk: (s.display_name or s.username)
        for s in Staff.objects.filter(pk__in=sorted(set(ids))).only("username", "display_name")
    }


def _exemptions(rows: list[Issuance]) -> list[tuple[str, str, int, int]]:
    out: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        fee = getattr(r, "fee", None)
        if fee is not None and fee.exemption:
            acc = out.setdefault((fee.exemption, fee.exemption_basis), [0, 0])
            acc[0] += r.copies
            acc[1] += fee.unit * r.copies
    return [(k[0], k[1], v[0], v[1]) for k, v in sorted(out.items())]


def daily(day: dt.date) -> Ledger:
    """The ledger of ``day`` for the current municipality (local dates)."""
    done = Issuance.objects.filter(status=Issuance.ISSUED)  # 書損 and 発行中 hand nothing out
    issued = list(done.filter(issued_at__date=day).select_related("fee").order_by("pk"))
    refunded = list(done.filter(disposed_at__date=day).select_related("fee").order_by("pk"))
    titles = kinds.titles()
    by_kind = {code: Line(title) for code, title in titles.items()}
    names = _staff_names([r.staff_id for r in issued + refunded])
    by_clerk: dict[int, Line] = {}
    total = Line("合計")
    for rows, refund in ((issued, False), (refunded, True)):
        for r in rows:
            kind = by_kind.setdefault(r.kind, Line(titles.get(r.kind, r.kind)))
            clerk = by_clerk.setdefault(r.staff_id, Line(names.get(r.staff_id, str(r.staff_id))))
            for line in (kind, clerk, total):
                _add(line, r, refund)
    municipality = Municipality.objects.get(pk=current().municipality_id)
    return Ledger(
        day=day,
        municipality=municipality.name,
        kinds=list(by_kind.values()),
        clerks=sorted(by_clerk.values(), key=lambda c: c.label),
        total=total,
        exemptions=_exemptions(issued),
    )


HEADER = (
    "区分",
    "種別・職員",
    "件数",
    "通数",
    "手数料",
    "減免通数",
    "減免額",
    "減免内訳",
    "返還件数",
    "返還通数",
    "返還額",
    "差引",
)


def rows(ledger: Ledger) -> list[tuple[object, ...]]:
    """The ledger as table rows (CSV and the CLI print the same)."""

    def one(section: str, line: Line) -> tuple[object, ...]:
        return (
            section,
            line.label,
            line.issuances,
            line.copies,
            line.amount,
            line.exempt_copies,
            line.exempt_value,
            line.exemption_text,
            line.refunds,
            line.refund_copies,
            line.refund_amount,
            line.net,
        )

    out = [one("種別", line) for line in ledger.kinds]
    out.append(one("合計", ledger.total))
    out += [one("職員", line) for line in ledger.clerks]
    return out
