"""Authentication events (認証ログの素): the contract between accounts and the audit log.

accounts must never import ``jichitai.audit`` (audit sits above accounts); instead every step of
the login flow sends :data:`auth_event`, and the audit app subscribes. Receivers must not raise:
a failing audit receiver would otherwise turn a refused login into a 500. The full contract is in
docs/accounts.md.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.dispatch import Signal
from django.http import HttpRequest


class AuthEvent(StrEnum):
    """The ``event`` value of :data:`auth_event`."""

    LOGIN_PASSWORD_OK = "login_password_ok"
    LOGIN_PASSWORD_FAILED = "login_password_failed"
    LOGIN_REFUSED_LOCKED = "login_refused_locked"
    SECOND_FACTOR_OK = "second_factor_ok"
    SECOND_FACTOR_FAILED = "second_factor_failed"
    SECOND_FACTOR_MISSING = "second_factor_missing"
    LOCKED = "locked"
    MUNICIPALITY_SELECTED = "municipality_selected"
    MUNICIPALITY_REFUSED = "municipality_refused"
    DEVICE_REGISTERED = "device_registered"
    DEVICE_REMOVED = "device_removed"
    LOGOUT = "logout"
    TIMEOUT = "timeout"


#: Sent with keyword arguments ``event`` (an :class:`AuthEvent`, also a ``str``), ``staff``
#: (``Staff`` or ``None`` when the user name is unknown), ``username`` (``str``, as typed),
#: ``municipality_id`` (``int`` or ``None``), ``request`` (``HttpRequest`` or ``None``) and
#: ``detail`` (a JSON-serialisable ``dict``, never containing a password or a code).
auth_event = Signal()


def emit(
    event: AuthEvent,
    *,
    staff: Any = None,
    username: str = "",
    municipality_id: int | None = None,
    request: HttpRequest | None = None,
    **detail: Any,
) -> None:
    """Send one :data:`auth_event` (sender is the Staff model class)."""
    from .models import Staff

    auth_event.send(
        sender=Staff,
        event=event,
        staff=staff,
        username=username or (staff.get_username() if staff is not None else ""),
        municipality_id=municipality_id,
        request=request,
        detail=detail,
    )


#: 設定変更ログの素 for staff administration ([1380], [1370]#1): sent by
#: :mod:`jichitai.accounts.administration` with keyword arguments ``action`` (``str``, e.g.
#: ``staff_created``), ``admin`` (the administrator, ``Staff``), ``staff`` (the account concerned,
#: ``Staff`` or ``None``), ``municipality_id`` (``int`` or ``None``) and ``detail`` (a
#: JSON-serialisable ``dict``, never a password or a TOTP secret). The audit app writes it to the
#: consortium chain in the caller's transaction: a change that cannot be logged is rolled back.
admin_event = Signal()
