"""Sets the request's TenantContext from the staff member's chosen municipality.

The context is built once per request from the session (chosen at login) and re-checked against
the staff member's current state, role grants and delegation grants. A session whose rights are
gone — staff member deactivated, no role left in the acting municipality, the data or acting
municipality no longer active, the 代行 grant ended — is logged out at this request (with the
reason on the login page), never continued with a narrowed context. The request runs in one
transaction so that PostgreSQL RLS sees the same context for every statement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from jichitai.tenancy.context import TenantContext, activate

SESSION_MUNICIPALITY = "jichitai_municipality_id"
SESSION_ACTING = "jichitai_acting_municipality_id"
SESSION_GRANT = "jichitai_grant_id"


def context_for_session(request: HttpRequest) -> tuple[TenantContext, frozenset[str]] | None:
    """The context the session asks for, if the staff member still holds the right to it, with
    the staff member's roles there; a session that lost the right is ended here
    (``accounts.revocation``)."""
    from jichitai.accounts.errors import SessionEnded, StaffInactive
    from jichitai.accounts.revocation import end_session, staff_gone
    from jichitai.accounts.selection import check_selection

    if staff_gone(request):
        end_session(request, StaffInactive())
        return None
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return None
    acting = request.session.get(SESSION_ACTING)
    data = request.session.get(SESSION_MUNICIPALITY)
    if acting is None or data is None:
        return None
    grant_id = request.session.get(SESSION_GRANT) if data != acting else None
    try:
        roles = check_selection(user, int(data), int(acting), grant_id)
    except SessionEnded as ended:
        end_session(request, ended)
        return None
    purpose, legal_basis = "web", ""
    if grant_id is not None:
        # 代行: every audit entry of the request carries the grant's legal basis and purpose
        from jichitai.tenancy.models import DelegationGrant

        terms = DelegationGrant.objects.filter(pk=grant_id).values_list("legal_basis", "reason").first()
        if terms:
            legal_basis, purpose = terms[0], (terms[1] or "web")[:200]
    ctx = TenantContext(
        municipality_id=int(data),
        acting_municipality_id=int(acting),
        staff_id=user.pk,
        purpose=purpose,
        legal_basis=legal_basis,
        grant_id=grant_id,
    )
    return ctx, roles


class TenantContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = context_for_session(request)
        ctx = found[0] if found else None
        request.tenant_context = ctx  # type: ignore[attr-defined]
        if found is None or ctx is None:
            return self.get_response(request)
        from jichitai.accounts.capabilities import remember_roles
        from jichitai.audit.chain import deferred_appends, remember_username

        with activate(ctx):
            remember_username(ctx.staff_id, request.user.get_username())
            remember_roles(ctx.staff_id, ctx.acting_municipality_id, found[1])
            # the audit entries of the request are chained at its end: the chain's head lock is
            # then held for one insert and the commit, not for the whole request (audit/chain.py)
            with transaction.atomic(), deferred_appends() as flush_audit:
                response = self.get_response(request)
                # Django turns a view's exception into a 500 response before it reaches us, so
                # the atomic block would commit half a unit of work: roll it back explicitly.
                failed = response.status_code >= 500
                if failed:
                    transaction.set_rollback(True)
                else:
                    flush_audit()
            if failed:
                # the error log entry must survive the rollback: its own transaction
                from jichitai.audit.recording import record_error

                with transaction.atomic():
                    record_error(
                        getattr(request, "_jichitai_exception", None)
                        or RuntimeError(f"HTTP {response.status_code}"),
                        screen=request.path[:200],
                    )
            return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        request._jichitai_exception = exception  # type: ignore[attr-defined]
