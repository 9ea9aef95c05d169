"""The fee of a request, computed inside the one issuance path: the kind's rate per copy, nothing
for 公用, nothing with a 減免事由 chosen at the counter (recorded with its 根拠)."""

from __future__ import annotations

from dataclasses import dataclass

from ..issuance.eligibility import IssuanceRefused, Refusal
from ..issuance.request import OFFICIAL, CertificateRequest
from ..models import Issuance
from .models import FeeExemption, FeeRate, IssuanceFee

OFFICIAL_LABEL = "公用"
UNKNOWN_EXEMPTION = (
    "選ばれた手数料の減免事由は設定されていません（使用中の事由から選んでください）。"
)


@dataclass(frozen=True)
class Charge:
    unit: int  # per copy, as configured now (0 when not set)
    rate_set: bool
    exemption: str = ""  # 公用 or the 減免事由's label; "" = charged
    basis: str = ""
    exemption_id: int | None = None

    def amount(self, copies: int) -> int:
        return 0 if self.exemption else self.unit * copies


def rates() -> dict[str, int]:
    """kind code → fee per copy, for the current municipality."""
    return dict(FeeRate.objects.values_list("kind", "amount"))


def active_exemptions() -> list[FeeExemption]:
    return list(FeeExemption.objects.filter(active=True).order_by("pk"))


def charge_for(req: CertificateRequest) -> Charge:
    """The request's fee; an unknown or switched-off 減免事由 refuses the request."""
    rate = FeeRate.objects.filter(kind=req.kind).values_list("amount", flat=True).first()
    unit, rate_set = (rate or 0), rate is not None
    if req.requester.kind == OFFICIAL:
        return Charge(unit, rate_set, OFFICIAL_LABEL, req.requester.purpose[:400])
    chosen = str(req.fee_exemption or "").strip()
    if not chosen:
        return Charge(unit, rate_set)
    found = (
        FeeExemption.objects.filter(pk=int(chosen), active=True).first()
        if chosen.isascii() and chosen.isdigit() and len(chosen) < 12
        else None
    )
    if found is None:
        raise IssuanceRefused(Refusal("fee_exemption", UNKNOWN_EXEMPTION))
    return Charge(unit, rate_set, found.label, found.basis, found.pk)


def record(history: Issuance, charge: Charge) -> IssuanceFee:
    """Store the fee with the 交付履歴 row (one per issuance; every copy counts)."""
    return IssuanceFee.objects.create(
        issuance=history,
        unit=charge.unit,
        rate_set=charge.rate_set,
        copies=history.copies,
        amount=charge.amount(history.copies),
        exemption=charge.exemption,
        exemption_basis=charge.basis,
        exemption_ref_id=charge.exemption_id,
    )
