"""Staff web shell: home screen and Japanese error pages. Thin: read, then render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from jichitai.accounts.decorators import tenant_required
from jichitai.accounts.models import Role, RoleGrant
from jichitai.tenancy.models import DelegationGrant, Municipality


@tenant_required
def home(request: HttpRequest) -> HttpResponse:
    """ホーム: the municipality being worked on and the staff member's roles."""
    ctx = request.tenant_context  # type: ignore[attr-defined]
    municipality = Municipality.objects.select_related("consortium").get(pk=ctx.municipality_id)
    acting = Municipality.objects.get(pk=ctx.acting_municipality_id)
    grant = DelegationGrant.objects.filter(pk=ctx.grant_id).first() if ctx.grant_id else None
    grants = (
        RoleGrant.objects.in_force().filter(staff=request.user)
        .select_related("municipality")
        .order_by("municipality__code", "role")
    )
    acting_roles = [Role(g.role).label for g in grants if g.municipality_id == acting.pk]
    all_roles = [(str(g.municipality), Role(g.role).label) for g in grants]
    from jichitai.accounts.department_grants import roles_from_departments

    for muni_id, role in sorted(roles_from_departments(request.user)):  # [1380]#4
        label = f"{Role(role).label}（所属部署）"
        acting_roles += [label] if muni_id == acting.pk else []
        all_roles.append((str(request.user.home_municipality), label))
    return render(
        request,
        "web/home.html",
        {
            "municipality": municipality,
            "acting": acting,
            "grant": grant,
            "acting_roles": acting_roles,
            "all_roles": all_roles,
        },
    )


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(
        request, "web/errors/error.html", {"status": status, "title": title, "text": text},
        status=status,
    )


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "不正な要求です", "要求の内容を処理できませんでした。入力内容を確認して、もう一度お試しください。")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    said = str(exception or "")
    if said.startswith("縮退運転中"):  # issue 14: say which 縮退運転 refused it
        return _error(request, 403, "権限がありません", said + "縮退運転の解除は団体管理者が行います。")
    return _error(request, 403, "権限がありません", "この画面・操作を利用する権限がありません。必要な場合は管理者に連絡してください。")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: usually a form left open past the session, or opened in another login."""
    return _error(
        request, 403, "画面の有効期限が切れています",
        "安全確認（CSRF）に失敗したため、操作を受け付けませんでした。画面を再読み込みしてから、もう一度操作してください。"
        "入力した内容は登録されていません。",
    )


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "ページが見つかりません", "指定されたページは存在しないか、閲覧できません。")


def error_500(request: HttpRequest) -> HttpResponse:
    # No request context: the database or a context processor may be what failed.
    return HttpResponseServerError(loader.get_template("web/errors/500.html").render({}))
