from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def tenant(request: HttpRequest) -> dict[str, Any]:
    ctx = getattr(request, "tenant_context", None)
    if ctx is None:
        return {"tenant_context": None, "current_municipality": None}
    from jichitai.tenancy.models import Municipality

    return {
        "tenant_context": ctx,
        "current_municipality": Municipality.objects.filter(pk=ctx.municipality_id).first(),
    }
