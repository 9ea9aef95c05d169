"""View guards: second factor done, recently re-authenticated, municipality chosen, role held in
the ACTING municipality.

``tenant_required`` and ``requires_capability`` read ``request.tenant_context``, which the web
middleware sets only for an authenticated, second-factor-verified staff member whose selection is
still backed by a role (and grant). They never fall back to "any municipality".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .session import REAUTHENTICATED_AT

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


def mark_reauthenticated(request: HttpRequest) -> None:
    """Password and second factor were just proved (a completed login or a re-authentication)."""
    request.session[REAUTHENTICATED_AT] = time.time()


def recently_reauthenticated(request: HttpRequest) -> bool:
    """The mark is younger than JICHITAI_REAUTH_SECONDS (and not from the future)."""
    at = request.session.get(REAUTHENTICATED_AT)
    if not isinstance(at, int | float):
        return False
    return 0 <= time.time() - at <= int(settings.JICHITAI_REAUTH_SECONDS)


def reauthentication_required(view: V) -> V:
    """``verified_required`` plus a recent re-authentication (adding or removing a second factor:
    a session left open or taken over must not be enough to plant the taker's own factor).

    Without the mark: to the re-authentication form on the devices page, which comes back to a
    GET page afterwards. A POST is never replayed: after re-authenticating, the staff member
    starts that change again from the devices page. htmx requests get an ``HX-Redirect`` (a
    plain redirect would be followed and swapped into the page).
    """

    @verified_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if recently_reauthenticated(request):
            return view(request, *args, **kwargs)
        devices = reverse("accounts:devices")
        back = request.get_full_path() if request.method == "GET" else devices
        url = devices if back == devices else devices + "?" + urlencode({"next": back})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=200)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)

    return cast(V, wrapper)


def tenant_required(view: V) -> V:
    """A TenantContext is active: else to login, or to the municipality selector."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_fully_authenticated(getattr(request, "user", None)):
            return _to_login(request)
        if getattr(request.user, "must_change_password", False):  # an administrator's reset
            return HttpResponseRedirect(reverse("accounts:password_change"))
        if getattr(request, "tenant_context", None) is None:
            return HttpResponseRedirect(
                reverse("accounts:choose_municipality")
                + "?"
                + urlencode({"next": request.get_full_path()})
            )
        return view(request, *args, **kwargs)

    return cast(V, wrapper)


def _refusal(capability: str, *, post: bool = False, staff: Any = None) -> str:
    """The 403 message: the 縮退運転 that refuses it when that is why (issue 14)."""
    from .capabilities import refused_by_mode

    mode = refused_by_mode(capability, post=post, staff=staff)
    if mode:
        return f"縮退運転中（{mode}）のため、この操作を行う権限がありません。"
    return "この操作を行う権限がありません。"


def has_capability(request: HttpRequest, capability: str) -> bool:
    """The request's staff member holds ``capability`` in the acting municipality."""
    from .capabilities import has_capability as holds

    ctx = getattr(request, "tenant_context", None)
    return ctx is not None and holds(request.user, capability, ctx.acting_municipality_id)


def requires_capability(capability: str) -> Callable[[V], V]:
    """The staff member holds ``capability`` (``accounts.capabilities``) in the context's acting
    municipality. Under 代行 that is the staff member's own (grantee) municipality: a delegation
    lends the data, not roles in the other municipality. The view is tagged with the capability,
    so the generated permission tests can check every route against the table.
    """
    from .capabilities import CAPABILITIES

    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")

    def decorate(view: V) -> V:
        @tenant_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_capability(request, capability):
                raise PermissionDenied(_refusal(capability, staff=request.user))
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                from .capabilities import refused_by_mode

                if refused_by_mode(capability, post=True):
                    raise PermissionDenied(_refusal(capability, post=True, staff=request.user))
            return view(request, *args, **kwargs)

        wrapper.capability = capability  # type: ignore[attr-defined]
        return cast(V, wrapper)

    return decorate
