"""Serving hardening that lives in middleware: no caching of pages, the client's real address.

- :class:`NoStoreMiddleware`: ``Cache-Control: no-store`` on every page of a staff member, logged
  in or half-way (second factor pending). Counter terminals are shared: a resident's record must
  not be recoverable from the browser's cache (the back button, the disk) by the next person at
  the terminal. Anonymous responses get it too unless a view chose its own caching. Static files
  never reach it: WhiteNoise answers them earlier, cacheable (their names carry a hash).
- :class:`ProxiedClientAddressMiddleware`: behind nginx every request comes from 127.0.0.1; with
  ``JICHITAI_BEHIND_PROXY`` the client's address is taken from ``X-Forwarded-For``, but only when
  the request came from a trusted proxy, so the audit log and the lockout see the real client
  and nobody can claim an address by sending the header directly.

Never: read or log a request's content here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Placed after AuthenticationMiddleware: it asks ``request.user``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user: Any = getattr(request, "user", None)
        staff = bool(user is not None and user.is_authenticated) or (
            settings.SESSION_COOKIE_NAME in request.COOKIES
        )
        if staff or not response.has_header("Cache-Control"):
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
        return response


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(entries: Iterable[str]) -> list[Network]:
    return [ipaddress.ip_network(e) for e in entries]  # strict, as gunicorn reads the same list


def _trusted(address: str, proxies: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(peer: str, forwarded_for: str, proxies: list[Network]) -> str | None:
    """The client behind trusted proxies: walk X-Forwarded-For from the right (each proxy appends
    the address it saw) past the trusted proxies; None when the peer itself is not trusted or the
    header holds no valid address."""
    if not _trusted(peer, proxies):
        return None
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return None
        if not _trusted(hop, proxies):
            return hop
    return None


class ProxiedClientAddressMiddleware:
    """Sets REMOTE_ADDR to the client's address when JICHITAI_BEHIND_PROXY is on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not getattr(settings, "JICHITAI_BEHIND_PROXY", False):
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.proxies = _networks(settings.JICHITAI_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client = client_address(
            request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""),
            self.proxies,
        )
        if client:
            request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
