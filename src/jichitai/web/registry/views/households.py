"""世帯照会: the household, its members, and the 異動 that can be entered for it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from jichitai.accounts.decorators import requires_capability
from jichitai.registry import holds, selectors
from jichitai.registry.errors import RegistryError
from jichitai.registry.selectors.households import removed_members

from ..forms import FORMS
from .common import READ, not_found, render_page


@require_GET
@requires_capability(READ)
def household_view(request: HttpRequest, household_id: int) -> HttpResponse:
    try:
        hh = selectors.household_detail(household_id, staff=request.user, screen="世帯照会")
    except RegistryError as exc:
        if not_found(exc):
            raise Http404("世帯が見つかりません。") from None
        raise
    kinds = [f for f in FORMS.values() if f.needs_household]
    return render_page(request, "registry/household.html", {
        "household": hh, "members": hh.members, "kinds": kinds,
        "removed": removed_members(household_id, staff=request.user),
        "holds": [(h, holds.status_of(h)) for h in holds.standing(household_id=household_id)],
        "holds_reason_hidden": hh.address_hidden, "hold_target": f"household={household_id}",
    })
