"""Signal receivers: authentication and consortium settings changes -> consortium chains.

* ``jichitai.accounts.signals.auth_event`` (the login flow) and Django's ``user_logged_in`` /
  ``user_login_failed`` (a backstop for logins outside the login screen) -> category ``auth``.
* ``post_save`` / ``post_delete`` of Municipality, RoleGrant and DelegationGrant -> category
  ``settings``, with a snapshot of the row's fields.

They go to the consortium chain (see docs/audit.md: authentication happens before a municipality
is chosen, and these rows are consortium directory data, not one municipality's).

The accounts contract says receivers must not raise (a refused login must not become a 500), so
the auth receivers log a failure to write to Python's logging at ERROR and go on. Settings
receivers DO raise: a settings change that cannot be logged is rolled back with its transaction.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from jichitai.tenancy.context import current_or_none

from .models import Category, Severity
from .recording import record_system

log = logging.getLogger(__name__)

_WARN_EVENTS = {
    "login_password_failed", "second_factor_failed", "login_refused_locked", "municipality_refused",
    "credentials_rejected",
}
_CRITICAL_EVENTS = {"locked"}


def _client(request: Any) -> tuple[str, str]:
    if request is None:
        return "", ""
    meta = getattr(request, "META", {}) or {}
    return str(meta.get("REMOTE_ADDR", "") or ""), str(meta.get("HTTP_USER_AGENT", "") or "")[:200]


def _municipality(municipality_id: int | None) -> tuple[str, int | None]:
    if municipality_id is None:
        return "", None
    from jichitai.tenancy.models import Municipality

    row = Municipality.objects.filter(pk=municipality_id).values_list("code", "consortium_id").first()
    return (row[0], row[1]) if row else ("", None)


def _auth(
    action: str, *, staff: Any, username: str, municipality_id: int | None, request: Any,
    detail: dict[str, Any] | None,
) -> None:
    try:
        code, muni_consortium = _municipality(municipality_id)
        consortium_id = getattr(staff, "consortium_id", None) or muni_consortium
        addr, agent = _client(request)
        severity = (
            Severity.CRITICAL if action in _CRITICAL_EVENTS
            else Severity.WARNING if action in _WARN_EVENTS else Severity.INFO
        )
        extra = {k: v for k, v in (detail or {}).items() if k not in {"password", "token", "code"}}
        if agent:
            extra["user_agent"] = agent
        with transaction.atomic():  # a savepoint: a failure here leaves the caller's work intact
            record_system(
                Category.AUTH, action, consortium_id=consortium_id,
                staff_id=getattr(staff, "pk", None), username=str(username or "")[:150],
                municipality_code=code, remote_addr=addr, subject_type="staff",
                subject_id=getattr(staff, "pk", None), detail=extra, severity=severity,
            )
    except Exception:  # noqa: BLE001 - the accounts contract: receivers never raise
        log.exception("audit: could not record auth event %s for %r", action, username)


def on_auth_event(
    sender: Any, *, event: str, staff: Any = None, username: str = "",
    municipality_id: int | None = None, request: Any = None, detail: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    _auth(str(event), staff=staff, username=username, municipality_id=municipality_id,
          request=request, detail=detail)


def on_user_logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    _auth("session_login", staff=user, username=getattr(user, "username", ""), municipality_id=None,
          request=request, detail={})


def on_user_login_failed(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    username = str((credentials or {}).get("username", ""))
    _auth("credentials_rejected", staff=None, username=username, municipality_id=None,
          request=request, detail={})


# -- settings changes --------------------------------------------------------------------------


def _snapshot(instance: Any) -> dict[str, Any]:
    return {f.attname: f.value_from_object(instance) for f in instance._meta.concrete_fields}


def _settings_target(instance: Any) -> tuple[int | None, str]:
    """(consortium id, municipality code) a settings row belongs to."""
    from jichitai.tenancy.models import DelegationGrant, Municipality

    if isinstance(instance, Municipality):
        return instance.consortium_id, instance.code
    muni_id = instance.grantor_id if isinstance(instance, DelegationGrant) else instance.municipality_id
    code, consortium_id = _municipality(muni_id)
    return consortium_id, code


def _settings(instance: Any, action: str) -> None:
    from jichitai.accounts.models import Staff

    consortium_id, code = _settings_target(instance)
    ctx = current_or_none()
    staff_id = ctx.staff_id if ctx else None
    username = ""
    if staff_id is not None:
        username = Staff.objects.filter(pk=staff_id).values_list("username", flat=True).first() or ""
    record_system(
        Category.SETTINGS, action, consortium_id=consortium_id, staff_id=staff_id,
        username=username, municipality_code=code, subject_type=instance._meta.label_lower,
        subject_id=instance.pk, detail={"fields": _snapshot(instance)},
    )


def on_settings_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    _settings(instance, "created" if created else "updated")


def on_settings_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    _settings(instance, "deleted")


def on_admin_event(
    sender: Any, *, action: str, admin: Any, staff: Any = None, municipality_id: int | None = None,
    detail: dict[str, Any] | None = None, **kwargs: Any,
) -> None:
    """Staff administration ([1380]) -> 設定変更ログ on the consortium chain. Raises on failure:
    the change is rolled back with its transaction."""
    code, muni_consortium = _municipality(municipality_id)
    consortium_id = getattr(admin, "consortium_id", None) or muni_consortium
    extra = {k: v for k, v in (detail or {}).items() if k not in {"password", "secret", "key"}}
    record_system(
        Category.SETTINGS, f"staff.{action}", consortium_id=consortium_id,
        staff_id=getattr(admin, "pk", None), username=getattr(admin, "username", "")[:150],
        municipality_code=code, subject_type="accounts.staff", subject_id=getattr(staff, "pk", None),
        detail=extra,
    )


def on_request_exception(sender: Any, request: Any = None, **kwargs: Any) -> None:
    """エラーログ・通信ログ of a request without a municipality (login, selection, health): the
    consortium chain. Requests in a municipality are logged by the tenant middleware after its
    rollback (web/middleware.py). Never raises; when the database itself is gone the entry goes
    to Python's logging (the server log) only."""
    if current_or_none() is not None:
        return
    import sys

    from .recording import error_action

    error = sys.exc_info()[1]
    if error is None:
        return
    user = getattr(request, "user", None)
    staff_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    addr, _agent = _client(request)
    try:
        with transaction.atomic():
            record_system(
                Category.ERROR, error_action(error), consortium_id=getattr(user, "consortium_id", None)
                if staff_id else None, staff_id=staff_id, username=getattr(user, "username", "")[:150]
                if staff_id else "", remote_addr=addr, severity=Severity.WARNING,
                detail={"error": type(error).__name__, "message": str(error)[:500],
                        "path": str(getattr(request, "path", ""))[:200]},
            )
    except Exception:  # noqa: BLE001 - an error page must render
        log.exception("audit: could not record a request error %s", type(error).__name__)


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in, user_login_failed
    from django.core.signals import got_request_exception
    from django.db.models.signals import post_delete, post_save

    from jichitai.accounts.models import DepartmentGrant, RoleGrant
    from jichitai.accounts.signals import admin_event, auth_event
    from jichitai.tenancy.models import DelegationGrant, Municipality, MunicipalSetting

    got_request_exception.connect(on_request_exception, dispatch_uid="jichitai.audit.request_exception")
    auth_event.connect(on_auth_event, dispatch_uid="jichitai.audit.auth_event")
    admin_event.connect(on_admin_event, dispatch_uid="jichitai.audit.admin_event")
    user_logged_in.connect(on_user_logged_in, dispatch_uid="jichitai.audit.user_logged_in")
    user_login_failed.connect(on_user_login_failed, dispatch_uid="jichitai.audit.user_login_failed")
    for model in (Municipality, RoleGrant, DepartmentGrant, DelegationGrant, MunicipalSetting):
        label = model._meta.label_lower
        post_save.connect(on_settings_saved, sender=model, dispatch_uid=f"jichitai.audit.save.{label}")
        post_delete.connect(on_settings_deleted, sender=model, dispatch_uid=f"jichitai.audit.del.{label}")
