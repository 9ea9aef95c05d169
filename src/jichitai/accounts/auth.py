"""The login flow's domain functions: password, second factor, their lock, re-authentication.

Views call these and only translate the typed refusals (:mod:`jichitai.accounts.errors`) into
pages. Every outcome sends :data:`jichitai.accounts.signals.auth_event`.

Two different brakes (docs/accounts.md "Throttling and lockout"): wrong passwords throttle the
pair (client address, user name) through django-axes (:mod:`.throttle`) and never lock the
account; wrong second factors, which only a password holder can send, lock the account's second
factor (``Staff.locked_until``). Never reset that counter on the password step alone: only a
completed second factor proves the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, NoReturn, cast

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device

from . import throttle
from .errors import (
    AccountLocked,
    InvalidCredentials,
    LoginRefused,
    NoSecondFactor,
    SecondFactorRejected,
    WrongPassword,
)
from .factors import enrolled_factors, get_factor
from .models import Staff
from .signals import AuthEvent, emit

#: ``step`` of a re-authentication in the signal details.
REAUTHENTICATION = "reauthentication"


def register_failure(staff: Staff, *, request: HttpRequest | None, step: str) -> bool:
    """Count one failed second factor (login or re-authentication); lock at the threshold.

    The row is locked (``select_for_update``) and incremented with ``F()`` so that concurrent
    failures from several sessions are all counted. Returns True if this failure locked the
    account. Locking resets the counter, so after the lock expires the full threshold applies
    again.
    """
    threshold = int(settings.JICHITAI_LOCKOUT_THRESHOLD)
    with transaction.atomic():
        Staff.objects.select_for_update().filter(pk=staff.pk).values_list("pk").first()
        Staff.objects.filter(pk=staff.pk).update(failed_logins=F("failed_logins") + 1)
        failures = Staff.objects.filter(pk=staff.pk).values_list("failed_logins", flat=True).get()
        if failures < threshold:
            staff.failed_logins = failures
            return False
        until = timezone.now() + timedelta(seconds=int(settings.JICHITAI_LOCKOUT_SECONDS))
        Staff.objects.filter(pk=staff.pk).update(locked_until=until, failed_logins=0)
    staff.locked_until, staff.failed_logins = until, 0
    emit(
        AuthEvent.LOCKED, staff=staff, request=request,
        step=step, lock="second_factor", failures=failures, locked_until=until.isoformat(),
    )
    return True


def reset_failures(staff: Staff) -> None:
    """Full success (password + second factor): forget earlier failures."""
    Staff.objects.filter(pk=staff.pk).update(failed_logins=0, locked_until=None)
    staff.failed_logins, staff.locked_until = 0, None


def unlock(staff: Staff) -> None:
    """Administrative unlock (団体管理者 / operators): the second-factor lock and every client's
    password throttle for this user name."""
    reset_failures(staff)
    throttle.reset_client_attempts(staff.get_username())


def _password_failed(
    request: HttpRequest, username: str, *, refusal: LoginRefused, step: str, **detail: Any
) -> NoReturn:
    """A refused password (unknown user, inactive, wrong): signal it and raise ``refusal``, or the
    throttle refusal if django-axes says this failure was one too many for this client."""
    known = Staff.objects.filter(username=username).first()
    reason = "unknown_user" if known is None else "inactive" if not known.is_active else "wrong_password"
    emit(AuthEvent.LOGIN_PASSWORD_FAILED, staff=known, username=username, request=request,
         reason=reason, **detail)
    if throttle.throttled_by_this_failure(request):
        until = timezone.now() + throttle.cool_off(request)
        emit(AuthEvent.LOCKED, staff=known, username=username, request=request, step=step,
             lock="client", failures=throttle.failure_limit(), locked_until=until.isoformat())
        raise throttle.throttled_refusal()
    raise refusal


def _refuse_throttled(request: HttpRequest, username: str, *, step: str) -> NoReturn:
    known = Staff.objects.filter(username=username).first()
    emit(AuthEvent.LOGIN_REFUSED_LOCKED, staff=known, username=username, request=request,
         step=step, lock="client")
    raise throttle.throttled_refusal()


def check_password(username: str, password: str, *, request: HttpRequest) -> Staff:
    """First factor. Returns the staff member, who still has to pass a second factor.

    Raises InvalidCredentials for an unknown user, an inactive one and a wrong password alike
    (the same text, and the same hashing work, for all three), ClientThrottled when this client
    has failed too often for this user name (again the same for every user name), and — only
    after the RIGHT password — AccountLocked (second factor locked) or NoSecondFactor.
    """
    username = username.strip()
    if throttle.is_throttled(request, username):
        _refuse_throttled(request, username, step="password")
    user = authenticate(request, username=username, password=password)
    if user is None:
        _password_failed(request, username, refusal=InvalidCredentials(), step="password")
    staff = cast(Staff, user)
    if staff.is_locked():
        emit(AuthEvent.LOGIN_REFUSED_LOCKED, staff=staff, request=request,
             step="password", lock="second_factor")
        raise AccountLocked(staff.locked_until)
    if not enrolled_factors(staff):
        emit(AuthEvent.SECOND_FACTOR_MISSING, staff=staff, request=request)
        raise NoSecondFactor()
    emit(AuthEvent.LOGIN_PASSWORD_OK, staff=staff, request=request)
    return staff


def _prove_second_factor(
    staff: Staff, kind: str, proof: Mapping[str, Any], *, request: HttpRequest | None, step: str
) -> Device:
    """One second-factor proof, counted against the account's lock; resets the counter."""
    staff.refresh_from_db(fields=["locked_until", "failed_logins", "is_active"])
    if not staff.is_active:
        raise InvalidCredentials()
    extra: dict[str, Any] = {"purpose": REAUTHENTICATION} if step == REAUTHENTICATION else {}
    if staff.is_locked():
        emit(AuthEvent.LOGIN_REFUSED_LOCKED, staff=staff, request=request,
             step=step, lock="second_factor")
        raise AccountLocked(staff.locked_until)
    factor = get_factor(kind)
    try:
        device = factor.verify(staff, proof)
    except SecondFactorRejected as refused:
        emit(
            AuthEvent.SECOND_FACTOR_FAILED, staff=staff, request=request,
            factor=kind, reason=type(refused).__name__, **extra,
        )
        if register_failure(staff, request=request, step=step):
            raise AccountLocked(staff.locked_until) from None
        raise
    reset_failures(staff)
    emit(
        AuthEvent.SECOND_FACTOR_OK, staff=staff, request=request,
        factor=kind, device=device.persistent_id, **extra,
    )
    return device


def verify_second_factor(
    staff: Staff, kind: str, proof: Mapping[str, Any], *, request: HttpRequest | None = None
) -> Device:
    """Second factor of a login. Returns the device that proved the person."""
    return _prove_second_factor(staff, kind, proof, request=request, step="second_factor")


def reauthenticate(
    staff: Staff, password: str, kind: str, proof: Mapping[str, Any], *, request: HttpRequest
) -> Device:
    """再認証: a logged-in staff member gives the password and a current second factor again
    (before adding or removing a second factor). Wrong passwords are throttled like the login's;
    wrong second factors count against the same lock as the login's.
    """
    username = staff.get_username()
    staff.refresh_from_db(fields=["locked_until", "failed_logins", "is_active"])
    if staff.is_locked():
        emit(AuthEvent.LOGIN_REFUSED_LOCKED, staff=staff, request=request,
             step=REAUTHENTICATION, lock="second_factor")
        raise AccountLocked(staff.locked_until)
    if throttle.is_throttled(request, username):
        _refuse_throttled(request, username, step=REAUTHENTICATION)
    if authenticate(request, username=username, password=password) is None:
        _password_failed(request, username, refusal=WrongPassword(), step=REAUTHENTICATION,
                         purpose=REAUTHENTICATION)
    return _prove_second_factor(staff, kind, proof, request=request, step=REAUTHENTICATION)
