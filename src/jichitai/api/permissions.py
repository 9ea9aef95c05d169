"""Who may call which API endpoint: the one table the code and the generated tests both read.

Every endpoint is declared with an operation id that must appear in ``ENDPOINT_CAPABILITY``; the
``StaffSession`` auth bound to it refuses (401) a request without an OTP-verified staff session
and a TenantContext, then refuses (403) a staff member without the capability in the acting
municipality (``accounts.capabilities``, the table web and domain ask too). Rights are checked
before any input is parsed, so a refusal says nothing about the data.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import SessionAuth

from jichitai.accounts.capabilities import CAPABILITIES, has_capability, roles_for

# operation id → the capability (``accounts.capabilities``) it needs in the acting municipality.
ENDPOINT_CAPABILITY: dict[str, str] = {
    "get_person": "registry.read",
    "search_persons": "registry.read",
    "get_household": "registry.read",
    "get_person_snapshots": "registry.read",
    "submit_event": "registry.enter",
    # provisional events are visible to approvers only (absent from every other reader)
    "list_events": "registry.approve",
    "approve_event": "registry.approve",
    "approve_events": "registry.approve",
    "reject_event": "registry.approve",
    # 証明書交付: the counter's right, through the API (a PDF, bound to the Idempotency-Key)
    "issue_certificate": "certificates.issue",
    # [420]#1, [410]#9: the hold set/release feed for the 宛名システム等, the kiosk and the CS
    "list_hold_changes": "registry.hold_feed",
}
# The roles that hold each endpoint's capability (derived: the table above is the source).
ENDPOINT_ROLES: dict[str, frozenset[str]] = {op: roles_for(cap) for op, cap in ENDPOINT_CAPABILITY.items()}

# Extra rights a request asks for when it wants more than the plain endpoint gives.
EXTRA_CAPABILITY: dict[str, str] = {
    # ?show_my_number=1 on GET /persons/{id}: 個人番号 shown ([個人番号利用事務])
    "show_my_number": "registry.my_number",
}
CAPABILITY_ROLES: dict[str, frozenset[str]] = {k: roles_for(c) for k, c in EXTRA_CAPABILITY.items()}


class NotAuthenticated(AuthenticationError):
    def __init__(self) -> None:
        super().__init__(
            401,
            "ログインと二要素認証、団体の選択が必要です / "
            "a staff session with a verified second factor and a chosen municipality is required",
        )


class Forbidden(AuthorizationError):
    def __init__(self, what: str = "") -> None:
        super().__init__(403, f"この操作を行う権限がありません{('（' + what + '）') if what else ''}。")


def holds(request: HttpRequest, capability: str) -> bool:
    ctx = getattr(request, "tenant_context", None)
    return ctx is not None and has_capability(request.user, capability, ctx.acting_municipality_id)


def require_capability(request: HttpRequest, extra: str) -> None:
    capability = EXTRA_CAPABILITY[extra]
    if not holds(request, capability):
        raise Forbidden(CAPABILITIES[capability].label)


class StaffSession(SessionAuth):
    """The web UI's login (session cookie, CSRF on writes) + OTP + TenantContext + the op's roles."""

    def __init__(self, operation_id: str) -> None:
        self.operation_id = operation_id
        self.capability = ENDPOINT_CAPABILITY[operation_id]  # KeyError: declare the endpoint in the table
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or not getattr(user, "is_verified", lambda: False)()
            or getattr(request, "tenant_context", None) is None
        ):
            raise NotAuthenticated()
        if getattr(user, "must_change_password", False):  # an administrator's reset ([1380]#3)
            raise Forbidden("パスワードの変更が必要です。画面からパスワードを変更してください")
        # CSRF for unsafe methods (the session cookie is ambient authority in a browser)
        self._get_key(request)
        if not holds(request, self.capability):
            from jichitai.accounts.capabilities import refused_by_mode

            mode = refused_by_mode(self.capability, staff=user)
            raise Forbidden(f"縮退運転中：{mode}" if mode else "")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return None  # __call__ does the whole check


def openapi_roles(operation_id: str) -> dict[str, Any]:
    """What the OpenAPI document says about an operation's rights (docs = the same table)."""
    capability = ENDPOINT_CAPABILITY[operation_id]
    return {"x-required-capability": capability, "x-required-roles": sorted(ENDPOINT_ROLES[operation_id])}
