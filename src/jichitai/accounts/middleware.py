"""Idle session timeout (無操作タイムアウト).

A staff session ends after JICHITAI_IDLE_TIMEOUT_SECONDS without a request. The logout happens
before the TenantContext middleware runs, so a timed-out request never gets a context. The fresh
session remembers that it timed out so the login page can say why.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from .session import LAST_SEEN, SESSION_MUNICIPALITY, TIMED_OUT
from .signals import AuthEvent, emit

__all__ = ["LAST_SEEN", "IdleTimeoutMiddleware"]


LAST_SEEN_STEP = 15  # seconds


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - float(last) > settings.JICHITAI_IDLE_TIMEOUT_SECONDS:
                staff = request.user
                municipality_id = request.session.get(SESSION_MUNICIPALITY)
                logout(request)
                request.session[TIMED_OUT] = True
                emit(
                    AuthEvent.TIMEOUT, staff=staff, municipality_id=municipality_id,
                    request=request, idle_seconds=int(now - float(last)),
                )
            elif last is None or now - float(last) >= LAST_SEEN_STEP:
                # to the step, not every request: a session that is only read is not written
                # back (one UPDATE of django_session less per request; the timeout stays exact
                # to within the step)
                request.session[LAST_SEEN] = now
        return self.get_response(request)
