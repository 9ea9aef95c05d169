"""Ending running sessions whose rights are gone (職員の無効化・役割の取消・団体の利用停止・代行の終了).

Nothing is pushed to sessions when a right is revoked; instead every request of a logged-in
session is checked (``jichitai.web.middleware`` asks :func:`staff_gone` and
:func:`jichitai.accounts.selection.check_selection`), and a session that fails is logged out at
that request: it never goes on with a narrowed context. The fresh session remembers the reason so
the login page can say it in Japanese; the audit log gets a ``logout`` event with the reason.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest

from .errors import SessionEnded
from .models import Staff
from .session import SESSION_ENDED, SESSION_MUNICIPALITY
from .signals import AuthEvent, emit


def staff_gone(request: HttpRequest) -> bool:
    """The session was logged in, but its staff member no longer authenticates (deactivated or
    deleted: Django's ``get_user`` then gives an anonymous user and leaves the session as is)."""
    user = getattr(request, "user", None)
    return SESSION_KEY in request.session and user is not None and not user.is_authenticated


def _session_staff(request: HttpRequest) -> Staff | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return cast(Staff, user)
    try:
        return Staff.objects.filter(pk=int(request.session.get(SESSION_KEY, ""))).first()
    except (TypeError, ValueError):
        return None


def end_session(request: HttpRequest, ended: SessionEnded) -> None:
    """Log the session out now, signal why, and leave the reason for the login page."""
    staff = _session_staff(request)
    municipality_id = request.session.get(SESSION_MUNICIPALITY)
    emit(
        AuthEvent.LOGOUT, staff=staff, municipality_id=municipality_id, request=request,
        reason=ended.reason,
    )
    logout(request)
    request.session[SESSION_ENDED] = ended.reason
