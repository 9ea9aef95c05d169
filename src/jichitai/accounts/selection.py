"""Which municipality a staff member acts for (団体の選択), chosen at login.

A choice is either one of the staff member's own municipalities (a RoleGrant there) or a
municipality whose data the staff member's municipality may touch under a currently valid
DelegationGrant (代行). Nothing else can be chosen: a choice key sent by the browser is only ever
looked up in :func:`choices_for`, never trusted. Switching is a new selection at a new session key
(the view rotates it); an active TenantContext is never changed. A selection whose rights are gone
(:func:`check_selection`, asked at every request) ends the session instead of being narrowed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from jichitai.tenancy.models import DelegationGrant, Municipality

from .errors import (
    DelegationEnded,
    MunicipalityInactive,
    MunicipalityNotAllowed,
    NoMunicipality,
    RoleRevoked,
)
from .models import Role, RoleGrant, Staff


@dataclass(frozen=True)
class MunicipalityChoice:
    """One entry of the municipality selector."""

    key: str  # "m<municipality id>" or "g<delegation grant id>"
    municipality_id: int  # whose data (データ所有団体)
    acting_municipality_id: int  # whose staff act (所属団体)
    grant_id: int | None
    municipality_name: str
    acting_municipality_name: str
    roles: tuple[str, ...]  # Role values held in the acting municipality

    @property
    def delegated(self) -> bool:
        return self.grant_id is not None

    @property
    def role_labels(self) -> tuple[str, ...]:
        return tuple(Role(r).label for r in self.roles)

    @property
    def label(self) -> str:
        if self.delegated:
            return f"{self.municipality_name}（{self.acting_municipality_name}として代行）"
        return self.municipality_name


def roles_in(staff: Staff, municipality_id: int) -> tuple[str, ...]:
    """Own grants and the 所属部署's ([1380]#4), in force today."""
    from .department_grants import roles_from_departments

    own = set(RoleGrant.objects.in_force().filter(staff=staff, municipality_id=municipality_id)
              .values_list("role", flat=True))
    return tuple(sorted(own | {r for _m, r in roles_from_departments(staff, municipality_id)}))


def choices_for(staff: Staff, when: datetime | None = None) -> list[MunicipalityChoice]:
    roles: dict[int, list[str]] = defaultdict(list)
    munis: dict[int, Municipality] = {}
    for grant in RoleGrant.objects.in_force().filter(staff=staff, municipality__active=True).select_related(
        "municipality"
    ):
        roles[grant.municipality_id].append(grant.role)
        munis[grant.municipality_id] = grant.municipality
    _add_department_roles(staff, roles, munis)
    own = [
        MunicipalityChoice(
            key=f"m{m.pk}",
            municipality_id=m.pk,
            acting_municipality_id=m.pk,
            grant_id=None,
            municipality_name=str(m),
            acting_municipality_name=str(m),
            roles=tuple(sorted(roles[m.pk])),
        )
        for m in sorted(munis.values(), key=lambda m: m.code)
    ]
    delegated = [
        MunicipalityChoice(
            key=f"g{g.pk}",
            municipality_id=g.grantor_id,
            acting_municipality_id=g.grantee_id,
            grant_id=g.pk,
            municipality_name=str(g.grantor),
            acting_municipality_name=str(g.grantee),
            roles=tuple(sorted(roles[g.grantee_id])),
        )
        for g in DelegationGrant.objects.valid_at(when)
        .filter(grantee_id__in=list(munis), grantor__active=True)
        .select_related("grantor", "grantee")
        .order_by("grantor__code", "pk")
    ]
    return own + delegated


def _add_department_roles(staff: Staff, roles: dict[int, list[str]], munis: dict[int, Municipality]) -> None:
    from .department_grants import roles_from_departments

    for muni_id, role in sorted(roles_from_departments(staff, active_only=True)):
        if role not in roles[muni_id]:
            roles[muni_id].append(role)
        if muni_id not in munis:
            munis[muni_id] = Municipality.objects.get(pk=muni_id)


def resolve_choice(staff: Staff, key: str) -> MunicipalityChoice:
    """The choice behind ``key`` if this staff member may make it now; else refuse."""
    choices = choices_for(staff)
    if not choices:
        raise NoMunicipality()
    for choice in choices:
        if choice.key == key:
            return choice
    raise MunicipalityNotAllowed()


def check_selection(
    staff: Staff, municipality_id: int, acting_municipality_id: int, grant_id: int | None,
    when: datetime | None = None,
) -> frozenset[str]:
    """A running session's selection is still what :func:`choices_for` would offer, else raise
    why not: MunicipalityInactive (data or acting municipality no longer active), RoleRevoked (no
    role left in the acting municipality) or DelegationEnded (the 代行 grant expired or was
    revoked). Returns the staff member's roles in the acting municipality (the request's role
    checks then need no query of their own). One query for an own municipality, two under 代行
    (one more for a staff member with a 所属部署: the department's grants, [1380]#4);
    the reason costs more only when the answer is no.
    """
    from .department_grants import roles_from_departments

    roles = frozenset(RoleGrant.objects.in_force().filter(
        staff=staff, municipality_id=acting_municipality_id, municipality__active=True
    ).values_list("role", flat=True)) | {
        r for _m, r in roles_from_departments(staff, acting_municipality_id, active_only=True)}
    role_ok = bool(roles)
    delegated = municipality_id != acting_municipality_id
    grant_ok = not delegated or (
        role_ok and grant_id is not None and DelegationGrant.objects.valid_at(when).filter(
            pk=grant_id, grantor_id=municipality_id, grantee_id=acting_municipality_id,
            grantor__active=True,
        ).exists()
    )
    if role_ok and grant_ok:
        return roles
    ids = {municipality_id, acting_municipality_id}
    if Municipality.objects.filter(pk__in=ids, active=True).count() < len(ids):
        raise MunicipalityInactive()
    if not role_ok:
        raise RoleRevoked()
    raise DelegationEnded()
