"""Header data of the staff shell (who, for which municipality, in which role, 代行 or not)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from jichitai.accounts.capabilities import capabilities_of, roles_of
from jichitai.accounts.decorators import is_fully_authenticated
from jichitai.accounts.models import Role
from jichitai.tenancy.degraded import LABELS as DEGRADED_LABELS
from jichitai.tenancy.degraded import setting_of_unit
from jichitai.tenancy.models import DelegationGrant, Municipality, municipalities_of_unit

register = template.Library()
REGISTRY = frozenset({"registry.read", "registry.enter", "registry.approve", "registry.support_measure",
                      "registry.support_manage"})


@dataclass(frozen=True)
class Shell:
    staff_name: str
    municipality: Municipality | None
    acting: Municipality | None
    grant: DelegationGrant | None
    role_labels: tuple[str, ...]
    is_auditor: bool
    can_use_registry: bool = False
    can_manage_staff: bool = False
    can_manage_authority: bool = False  # 認証者・公印の設定
    can_migrate: bool = False  # データ移行
    can_manage_continuity: bool = False  # 災害宣言・代行・縮退運転 (issue 14)
    degraded: str = ""  # the data municipality's 縮退運転, as its label ("" = normal)
    degraded_reason: str = ""
    help_topic: str = "home"

    @property
    def delegated(self) -> bool:
        return self.grant is not None


@register.simple_tag(takes_context=True)
def shell(context: Any) -> Shell | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not is_fully_authenticated(user):
        return None
    ctx = getattr(request, "tenant_context", None)
    name = getattr(user, "display_name", "") or user.get_username()
    from jichitai.web.help import topic_for

    topic = topic_for(getattr(request, "resolver_match", None))
    if ctx is None:
        return Shell(name, None, None, None, (), False, help_topic=topic)
    munis = municipalities_of_unit(ctx.municipality_id, ctx.acting_municipality_id)
    roles = sorted(roles_of(user, ctx.acting_municipality_id))
    caps = capabilities_of(user, ctx.acting_municipality_id)
    grant = DelegationGrant.objects.filter(pk=ctx.grant_id).first() if ctx.grant_id else None
    mode = setting_of_unit() or {}
    return Shell(
        staff_name=name,
        municipality=munis.get(ctx.municipality_id),
        acting=munis.get(ctx.acting_municipality_id),
        grant=grant,
        role_labels=tuple(Role(r).label for r in roles),
        is_auditor="audit.search" in caps,
        can_use_registry=bool(caps & REGISTRY),
        can_manage_staff="accounts.manage_staff" in caps,
        can_manage_authority="certificates.authority" in caps,
        can_migrate="migration.run" in caps,
        can_manage_continuity="continuity.manage" in caps,
        degraded=DEGRADED_LABELS.get(str(mode.get("mode", "")), ""),
        degraded_reason=str(mode.get("reason", ""))[:200],
        help_topic=topic,
    )
