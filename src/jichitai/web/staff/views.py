"""職員管理 screens ([1380]): thin entry points over :mod:`jichitai.accounts.administration`.

A one-time password or authenticator key is shown once, in the answer to the POST that made it
(never stored in clear, never put in a redirect or in messages), with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jichitai.accounts import administration as admin
from jichitai.accounts import operation_rights
from jichitai.accounts.bulk_grants import BulkRefused, RowError, apply_csv, decode, export_csv
from jichitai.accounts.capabilities import CAPABILITIES
from jichitai.accounts.decorators import requires_capability
from jichitai.accounts.models import Role, Staff
from jichitai.wareki import parse_date

MANAGE = "accounts.manage_staff"
SET_RIGHTS = "accounts.set_rights"  # 10.4 操作権限設定 ([1380]#9), apart from 10.3
MAX_UPLOAD = 1024 * 1024


def _scope(request: HttpRequest) -> admin.AdminScope:
    ctx = request.tenant_context  # type: ignore[attr-defined]
    return admin.scope_for(request.user, ctx.acting_municipality_id)  # type: ignore[arg-type]


def _staff(scope: admin.AdminScope, staff_id: int) -> Staff:
    try:
        return admin.get_staff(scope, staff_id)
    except admin.StaffNotFound:
        raise Http404("職員が見つかりません。") from None


def _roles(scope: admin.AdminScope) -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in Role
            if scope.consortium_wide or r.value not in admin.CONSORTIUM_ONLY_ROLES]


def _once(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
    return response


@require_GET
@requires_capability(MANAGE)
def staff_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    q = request.GET.get("q", "").strip()[:100]
    rows = admin.visible_staff(scope)
    if q:
        rows = rows.filter(username__icontains=q) | rows.filter(display_name__icontains=q)
    return render(request, "staff/list.html", {"scope": scope, "rows": rows[:500], "q": q})


def _detail(request: HttpRequest, scope: admin.AdminScope, staff: Staff, *, status: int = 200,
            error: admin.AdminError | None = None, form: dict[str, Any] | None = None) -> HttpResponse:
    return render(request, "staff/detail.html", {
        "scope": scope, "staff": staff, "grants": admin.grants_of(scope, staff), "roles": _roles(scope),
        "error": error, "form": form or {}, "display": admin.display_rights(scope, staff),
        "operations": operation_rights.operation_rights(scope, staff),
    }, status=status)


def _act(request: HttpRequest, staff_id: int, action: Callable[[admin.AdminScope, Staff], Any],
         done: str, form: dict[str, Any] | None = None) -> HttpResponse:
    """One change to one staff member in the administrator's scope: the detail page again with the
    error (400), or a message and back to it."""
    scope = _scope(request)
    staff = _staff(scope, staff_id)
    try:
        action(scope, staff)
    except admin.AdminError as exc:
        return _detail(request, scope, staff, status=400, error=exc, form=form)
    messages.success(request, done)
    return redirect("staff:detail", staff_id=staff.pk)


@require_GET
@requires_capability(MANAGE)
def staff_detail(request: HttpRequest, staff_id: int) -> HttpResponse:
    scope = _scope(request)
    return _detail(request, scope, _staff(scope, staff_id))


@require_http_methods(["GET", "POST"])
@requires_capability(MANAGE)
def staff_create(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    ctx: dict[str, Any] = {"scope": scope, "form": {}}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("username", "display_name", "department", "home_municipality")}
        try:
            staff, password, totp = admin.create_staff(
                scope, username=form["username"], display_name=form["display_name"],
                department=form["department"], home_municipality_id=form["home_municipality"] or None)
        except admin.AdminError as exc:
            ctx.update(form=form, error=exc)
            return render(request, "staff/create.html", ctx, status=400)
        return _once(render(request, "staff/issued.html", {
            "staff": staff, "password": password, "totp": totp, "what": "職員を登録しました。"}))
    return render(request, "staff/create.html", ctx)


@require_POST
@requires_capability(MANAGE)
def staff_edit(request: HttpRequest, staff_id: int) -> HttpResponse:
    return _act(request, staff_id, lambda scope, staff: admin.update_staff(
        scope, staff, display_name=request.POST.get("display_name", ""),
        department=request.POST.get("department", ""), home_municipality_id=request.POST.get("home_municipality"),
    ), "職員の情報を変更しました。")


@require_POST
@requires_capability(MANAGE)
def staff_active(request: HttpRequest, staff_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    return _act(request, staff_id, lambda scope, staff: admin.set_active(scope, staff, active),
                "職員を有効にしました。" if active else "職員を無効にしました（ログイン中の画面も次の操作で終了します）。")


@require_POST
@requires_capability(MANAGE)
def grant_add(request: HttpRequest, staff_id: int) -> HttpResponse:
    form = {k: request.POST.get(k, "") for k in ("municipality", "role", "valid_from", "valid_until")}
    return _act(request, staff_id, lambda scope, staff: admin.grant_role(
        scope, staff, municipality_id=form["municipality"], role=form["role"],
        valid_from=admin.parse_day(form["valid_from"], "valid_from", parse_date),
        valid_until=admin.parse_day(form["valid_until"], "valid_until", parse_date),
    ), "役割を付与しました。", form=form)


@require_POST
@requires_capability(MANAGE)
def grant_revoke(request: HttpRequest, staff_id: int, grant_id: int) -> HttpResponse:
    return _act(request, staff_id, lambda scope, staff: admin.revoke_grant(scope, staff, grant_id),
                "役割を取り消しました。")


@require_POST
@requires_capability(MANAGE)
def password_reset(request: HttpRequest, staff_id: int) -> HttpResponse:
    scope = _scope(request)
    staff = _staff(scope, staff_id)
    password = admin.reset_password(scope, staff)
    return _once(render(request, "staff/issued.html", {
        "staff": staff, "password": password, "what": "パスワードを初期化しました。"}))


@require_POST
@requires_capability(MANAGE)
def factor_reset(request: HttpRequest, staff_id: int) -> HttpResponse:
    scope = _scope(request)
    staff = _staff(scope, staff_id)
    totp = admin.reset_second_factor(scope, staff)
    return _once(render(request, "staff/issued.html", {
        "staff": staff, "totp": totp, "what": "二要素認証を初期化しました（登録済みの認証手段はすべて削除しました）。"}))


@require_http_methods(["GET", "POST"])
@requires_capability(MANAGE)
def bulk_view(request: HttpRequest) -> HttpResponse:
    """操作権限の一括メンテナンス: a CSV of grants, checked whole, saved all or nothing."""
    scope = _scope(request)
    ctx: dict[str, Any] = {"scope": scope, "roles": _roles(scope)}
    if request.method != "POST":
        return render(request, "staff/bulk.html", ctx)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise BulkRefused([RowError(0, "file", "CSVファイルを選択してください。")])
        if upload.size > MAX_UPLOAD:
            raise BulkRefused([RowError(0, "file", "ファイルが大きすぎます（1MBまで）。")])
        count = apply_csv(scope, decode(upload.read()))
    except BulkRefused as exc:
        ctx["errors"] = exc.errors
        return render(request, "staff/bulk.html", ctx, status=400)
    messages.success(request, f"{count}行の役割を反映しました。")
    return redirect("staff:bulk")


@require_POST
@requires_capability(SET_RIGHTS)
def operations_set(request: HttpRequest, staff_id: int) -> HttpResponse:
    """操作権限の個別制限 ([1380]#9): the listed functions this staff member keeps in one municipality."""
    return _act(request, staff_id, lambda scope, staff: operation_rights.set_operation_rights(
        scope, staff, municipality_id=request.POST.get("municipality"), allowed=set(request.POST.getlist("allowed")),
    ), "操作権限の個別制限を変更しました。")


@require_POST
@requires_capability(SET_RIGHTS)
def display_set(request: HttpRequest, staff_id: int) -> HttpResponse:
    """表示権限 ([1390]): the withholdable items this staff member sees in one municipality."""
    return _act(request, staff_id, lambda scope, staff: admin.set_display_rights(
        scope, staff, municipality_id=request.POST.get("municipality"), shown=set(request.POST.getlist("shown")),
    ), "表示権限を変更しました。")


@require_GET
@requires_capability(MANAGE)
def grants_csv(request: HttpRequest) -> HttpResponse:
    """操作権限一覧表 as CSV, in the bulk import's format (edit it and upload it again)."""
    response = HttpResponse("\ufeff" + export_csv(_scope(request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="grants.csv"'
    return response


@require_GET
@requires_capability(MANAGE)
def capability_table(request: HttpRequest) -> HttpResponse:
    """操作権限一覧表 ([1380]#9): what each role allows, from the one capability table."""
    roles = list(Role)
    rows = [(c.label, c.name, [r.value in c.roles for r in roles], c.delegable, c.withholdable, c.restrictable)
            for c in CAPABILITIES.values()]
    from jichitai.accounts.department_grants import grants_in_scope

    scope = _scope(request)
    return render(request, "staff/capabilities.html", {"scope": scope, "roles": roles, "rows": rows,
                                                       "departments": grants_in_scope(scope)})
