"""Throttling of the password step per client (django-axes), configured for this system.

What is counted is the pair (client address, user name): a client that keeps failing for one user
name is refused for a cool-off, while the same staff member at another terminal logs in as usual.
An account is never locked by wrong passwords (that would let anyone on the network lock any known
clerk out), and the refusal reads the same whether the user name exists or not. Counting, storage
and the cool-off are django-axes' (``AccessAttempt`` rows); this module only supplies the settings
it calls back (limit, cool-off, address, the Japanese refusal) and must never count anything itself.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import ClientThrottled


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    """``AXES_FAILURE_LIMIT``: failures of one (address, user name) before the cool-off."""
    return int(settings.JICHITAI_THROTTLE_LIMIT)


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """``AXES_COOLOFF_TIME``: how long a throttled client waits after its last failure."""
    return timedelta(seconds=int(settings.JICHITAI_THROTTLE_SECONDS))


def client_address(request: HttpRequest) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: REMOTE_ADDR only. Behind the reverse proxy the web layer has
    already replaced it with the client's address, and only for a configured, trusted proxy; a
    header sent by the client itself is never read here."""
    return request.META.get("REMOTE_ADDR") or None


def is_throttled(request: HttpRequest, username: str) -> bool:
    """This client is in its cool-off for ``username`` (asked before the password is checked)."""
    from axes.handlers.proxy import AxesProxyHandler

    if not getattr(settings, "AXES_ENABLED", True):
        return False
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def throttled_by_this_failure(request: HttpRequest) -> bool:
    """django-axes flagged the request: this failure reached the limit (or was refused by it)."""
    return bool(getattr(request, "axes_locked_out", False))


def throttled_refusal() -> ClientThrottled:
    return ClientThrottled(minutes=max(1, -(-int(settings.JICHITAI_THROTTLE_SECONDS) // 60)))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the login page with the Japanese refusal (HTTP 429).

    The login and re-authentication views already answer a throttled attempt with 429 themselves;
    that answer is kept. This is the backstop for any other caller of ``authenticate()``.
    """
    if original_response is not None and original_response.status_code == 429:
        return original_response
    return render(
        request,
        "accounts/login.html",
        {"error": throttled_refusal().message, "username": "", "next": ""},
        status=429,
    )


def reset_client_attempts(username: str) -> int:
    """Administrative reset: forget every client's failures for ``username`` (see ``auth.unlock``)."""
    from axes.handlers.proxy import AxesProxyHandler

    return int(AxesProxyHandler.reset_attempts(username=username))
