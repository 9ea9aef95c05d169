"""The login flow's domain functions: password, lockout, second factor.

Views call these and only translate the typed refusals (:mod:`jichitai.accounts.errors`) into
pages. Every outcome sends :data:`jichitai.accounts.signals.auth_event`. Never reset the failure
counter on the password step alone: only a completed second factor proves the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device

from .errors import AccountLocked, InvalidCredentials, NoSecondFactor, SecondFactorRejected
from .factors import enrolled_factors, get_factor
from .models import Staff
from .signals import AuthEvent, emit


def register_failure(staff: Staff, *, request: HttpRequest | None, step: str) -> bool:
    """Count one failed attempt (password or second factor); lock at the threshold.

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
        step=step, failures=failures, locked_until=until.isoformat(),
    )
    return True


def reset_failures(staff: Staff) -> None:
    """Full success (password + second factor): forget earlier failures."""
    Staff.objects.filter(pk=staff.pk).update(failed_logins=0, locked_until=None)
    staff.failed_logins, staff.locked_until = 0, None


def unlock(staff: Staff) -> None:
    """Administrative unlock (団体管理者 / operators)."""
    reset_failures(staff)


def check_password(username: str, password: str, *, request: HttpRequest | None = None) -> Staff:
    """First factor. Returns the staff member, who still has to pass a second factor.

    Raises InvalidCredentials (unknown user or wrong password — not told apart), AccountLocked
    (even with the right password) or NoSecondFactor (right password, nothing enrolled).
    """
    username = username.strip()
    staff = Staff.objects.filter(username=username).first()
    if staff is None or not staff.is_active:
        Staff().set_password(password)  # same work as a real check: no timing oracle
        emit(
            AuthEvent.LOGIN_PASSWORD_FAILED, staff=staff, username=username, request=request,
            reason="unknown_user" if staff is None else "inactive",
        )
        raise InvalidCredentials()
    if staff.is_locked():
        emit(AuthEvent.LOGIN_REFUSED_LOCKED, staff=staff, request=request, step="password")
        raise AccountLocked(staff.locked_until)
    if authenticate(request, username=username, password=password) is None:
        emit(AuthEvent.LOGIN_PASSWORD_FAILED, staff=staff, request=request, reason="wrong_password")
        if register_failure(staff, request=request, step="password"):
            raise AccountLocked(staff.locked_until)
        raise InvalidCredentials()
    if not enrolled_factors(staff):
        emit(AuthEvent.SECOND_FACTOR_MISSING, staff=staff, request=request)
        raise NoSecondFactor()
    emit(AuthEvent.LOGIN_PASSWORD_OK, staff=staff, request=request)
    return staff


def verify_second_factor(
    staff: Staff, kind: str, proof: Mapping[str, Any], *, request: HttpRequest | None = None
) -> Device:
    """Second factor. Returns the device that proved the person; resets the failure counter."""
    staff.refresh_from_db(fields=["locked_until", "failed_logins", "is_active"])
    if not staff.is_active:
        raise InvalidCredentials()
    if staff.is_locked():
        emit(AuthEvent.LOGIN_REFUSED_LOCKED, staff=staff, request=request, step="second_factor")
        raise AccountLocked(staff.locked_until)
    factor = get_factor(kind)
    try:
        device = factor.verify(staff, proof)
    except SecondFactorRejected as refused:
        emit(
            AuthEvent.SECOND_FACTOR_FAILED, staff=staff, request=request,
            factor=kind, reason=type(refused).__name__,
        )
        if register_failure(staff, request=request, step="second_factor"):
            raise AccountLocked(staff.locked_until) from None
        raise
    reset_failures(staff)
    emit(
        AuthEvent.SECOND_FACTOR_OK, staff=staff, request=request,
        factor=kind, device=device.persistent_id,
    )
    return device
