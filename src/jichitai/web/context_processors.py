from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def tenant(request: HttpRequest) -> dict[str, Any]:
    ctx = getattr(request, "tenant_context", None)
    if ctx is None:
        return {"tenant_context": None, "current_municipality": None}
    from jichitai.tenancy.models import municipalities_of_unit

    return {
        "tenant_context": ctx,
        "current_municipality": municipalities_of_unit(ctx.municipality_id).get(ctx.municipality_id),
    }
