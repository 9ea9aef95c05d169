"""Building a TenantContext: the one way in for requests, jobs and commands."""

from __future__ import annotations

from django.utils import timezone

from .context import TenantContext
from .models import DelegationGrant, Municipality


class DelegationRefused(PermissionError):
    def __init__(self, data_code: str, acting_code: str) -> None:
        super().__init__(
            f"団体 {acting_code} は団体 {data_code} の代行許可を持っていません（期間外・取消済みを含む） / "
            f"{acting_code} holds no valid delegation grant for {data_code}"
        )


def own_context(
    municipality: Municipality, *, staff_id: int | None = None, purpose: str = "", legal_basis: str = ""
) -> TenantContext:
    """Context for acting on one's own municipality."""
    return TenantContext(
        municipality_id=municipality.pk,
        acting_municipality_id=municipality.pk,
        staff_id=staff_id,
        purpose=purpose,
        legal_basis=legal_basis,
    )


def delegated_context(
    acting: Municipality,
    data_owner: Municipality,
    *,
    staff_id: int | None = None,
    purpose: str = "",
    when: object = None,
) -> TenantContext:
    """代行: ``acting`` works on ``data_owner``'s data under a currently valid grant."""
    grant = (
        DelegationGrant.objects.valid_at(when or timezone.now())
        .filter(grantor=data_owner, grantee=acting)
        .order_by("-valid_from")
        .first()
    )
    if grant is None:
        raise DelegationRefused(data_owner.code, acting.code)
    return TenantContext(
        municipality_id=data_owner.pk,
        acting_municipality_id=acting.pk,
        staff_id=staff_id,
        purpose=purpose or grant.reason[:200],
        legal_basis=grant.legal_basis,
        grant_id=grant.pk,
    )
