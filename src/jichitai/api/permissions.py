"""Who may call which API endpoint: the one table the code and the generated tests both read.

Every endpoint is declared with an operation id that must appear in ``ENDPOINT_ROLES``; the
``StaffSession`` auth bound to it refuses (401) a request without an OTP-verified staff session
and a TenantContext, then refuses (403) a staff member holding none of the listed roles in the
acting municipality. Roles are checked before any input is parsed, so a refusal says nothing about
the data. Never hand-check a role inside an endpoint: add a row here (or a capability below).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import SessionAuth

READ_ROLES = frozenset({"clerk", "approver", "municipality_admin"})

# operation id → roles (any one suffices) in the acting municipality.
ENDPOINT_ROLES: dict[str, frozenset[str]] = {
    "get_person": READ_ROLES,
    "search_persons": READ_ROLES,
    "get_household": READ_ROLES,
    "submit_event": frozenset({"clerk"}),
    # provisional events are visible to approvers only (issue 4: absent from every other reader)
    "list_events": frozenset({"approver"}),
    "approve_event": frozenset({"approver"}),
    "approve_events": frozenset({"approver"}),
    "reject_event": frozenset({"approver"}),
}

# Extra rights an endpoint asks for when a request wants more than the plain endpoint gives.
CAPABILITY_ROLES: dict[str, frozenset[str]] = {
    # ?show_my_number=1 on GET /persons/{id}: 個人番号 shown ([個人番号利用事務])
    "show_my_number": frozenset({"my_number_access"}),
}


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


def roles_of(request: HttpRequest) -> set[str]:
    """The roles the request's staff member holds in the acting municipality (cached per request)."""
    cached = getattr(request, "_jichitai_api_roles", None)
    if cached is not None:
        return set(cached)
    from jichitai.accounts.models import RoleGrant

    ctx = getattr(request, "tenant_context", None)
    if ctx is None:
        return set()
    roles = set(
        RoleGrant.objects.filter(
            staff_id=request.user.pk, municipality_id=ctx.acting_municipality_id
        ).values_list("role", flat=True)
    )
    request._jichitai_api_roles = frozenset(roles)  # type: ignore[attr-defined]
    return roles


def require_capability(request: HttpRequest, capability: str) -> None:
    if not roles_of(request) & CAPABILITY_ROLES[capability]:
        raise Forbidden(capability)


class StaffSession(SessionAuth):
    """The web UI's login (session cookie, CSRF on writes) + OTP + TenantContext + the op's roles."""

    def __init__(self, operation_id: str) -> None:
        self.operation_id = operation_id
        self.roles = ENDPOINT_ROLES[operation_id]  # KeyError: declare the endpoint in the table
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
        # CSRF for unsafe methods (the session cookie is ambient authority in a browser)
        self._get_key(request)
        if not roles_of(request) & self.roles:
            raise Forbidden()
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return None  # __call__ does the whole check


def openapi_roles(operation_id: str) -> dict[str, Any]:
    """What the OpenAPI document says about an operation's roles (docs = the same table)."""
    return {"x-required-roles": sorted(ENDPOINT_ROLES[operation_id])}
