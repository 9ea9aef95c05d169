"""View guards: second factor done, municipality chosen, role held in the ACTING municipality.

``tenant_required`` and ``requires_role`` read ``request.tenant_context``, which the web
middleware sets only for an authenticated, second-factor-verified staff member whose selection is
still backed by a role (and grant). They never fall back to "any municipality".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .models import Role, RoleGrant

V = TypeVar("V", bound=Callable[..., HttpResponse])


def _to_login(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(
        reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})
    )


def is_fully_authenticated(user: Any) -> bool:
    """Password AND second factor: ``user.is_verified()`` from django-otp's middleware."""
    verified = getattr(user, "is_verified", None)
    return bool(user is not None and user.is_authenticated and callable(verified) and verified())


def verified_required(view: V) -> V:
    """Password and second factor done (a municipality need not be chosen yet)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_fully_authenticated(getattr(request, "user", None)):
            return _to_login(request)
        return view(request, *args, **kwargs)

    return cast(V, wrapper)


def tenant_required(view: V) -> V:
    """A TenantContext is active: else to login, or to the municipality selector."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_fully_authenticated(getattr(request, "user", None)):
            return _to_login(request)
        if getattr(request, "tenant_context", None) is None:
            return HttpResponseRedirect(
                reverse("accounts:choose_municipality")
                + "?"
                + urlencode({"next": request.get_full_path()})
            )
        return view(request, *args, **kwargs)

    return cast(V, wrapper)


def has_role(request: HttpRequest, *roles: str) -> bool:
    ctx = getattr(request, "tenant_context", None)
    if ctx is None:
        return False
    return RoleGrant.objects.filter(
        staff_id=request.user.pk,
        municipality_id=ctx.acting_municipality_id,
        role__in=[str(r) for r in roles],
    ).exists()


def requires_role(*roles: Role | str) -> Callable[[V], V]:
    """The staff member holds one of ``roles`` in the context's acting municipality.

    Under 代行 that is the staff member's own (grantee) municipality: a delegation lends the
    data, not roles in the other municipality.
    """
    if not roles:
        raise ValueError("requires_role needs at least one role")

    def decorate(view: V) -> V:
        @tenant_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request, *roles):
                raise PermissionDenied("この操作を行う権限がありません。")
            return view(request, *args, **kwargs)

        return cast(V, wrapper)

    return decorate
