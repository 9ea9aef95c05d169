"""災害宣言・延長・終了・取消、代行の記録（画面・CSV）、縮退運転: thin views over jichitai.continuity.

Every view acts on the context's own municipality (a declaration of another municipality answers
404); the capability ``continuity.manage`` is never lent under 代行, so a partner cannot declare,
extend, end or revoke, nor read the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.continuity import degraded, disaster, report
from jichitai.tenancy.models import DisasterDeclaration, DisasterKind, LegalBasis, Municipality

MANAGE = disaster.CAPABILITY


def _when(raw: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise disaster.DeclarationError(
            "日時は「2026-12-01T09:00」の形で入力してください。"
        ) from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _declaration(declaration_id: int) -> DisasterDeclaration:
    try:
        return disaster.get(declaration_id)
    except DisasterDeclaration.DoesNotExist:
        raise Http404("災害宣言が見つかりません。") from None


def _municipality(request: HttpRequest) -> Municipality:
    return Municipality.objects.get(pk=request.tenant_context.municipality_id)  # type: ignore[attr-defined]


@require_GET
@requires_capability(MANAGE)
def index(request: HttpRequest) -> HttpResponse:
    rows = [
        {"d": d, "state": disaster.state_of(d), "partners": disaster.partners_of(d)}
        for d in disaster.declarations()
    ]
    return render(
        request,
        "continuity/index.html",
        {
            "municipality": _municipality(request),
            "rows": rows,
            "mode": degraded.current_setting(),
            "modes": degraded.MODES,
        },
    )


def _declare_form(
    request: HttpRequest, form: dict[str, Any], error: str = "", status: int = 200
) -> HttpResponse:
    now = timezone.localtime()
    return render(
        request,
        "continuity/declare.html",
        {
            "municipality": _municipality(request),
            "partners": disaster.partner_choices(),
            "kinds": DisasterKind.choices,
            "bases": LegalBasis.choices,
            "error": error,
            "form": {
                "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (now + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
                **form,
            },
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires_capability(MANAGE)
def declare(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _declare_form(request, {})
    form: dict[str, Any] = {
        k: request.POST.get(k, "")
        for k in ("kind", "legal_basis", "purpose", "starts_at", "ends_at")
    }
    form["partners"] = request.POST.getlist("partners")
    try:
        decl = disaster.declare(
            kind=form["kind"],
            legal_basis=form["legal_basis"],
            purpose=form["purpose"],
            starts_at=_when(form["starts_at"]),
            ends_at=_when(form["ends_at"]),
            partner_ids=form["partners"],
        )
    except disaster.DeclarationError as exc:
        return _declare_form(request, form, str(exc), status=400)
    messages.success(request, "災害を宣言し、代行団体に代行を許可しました。")
    return redirect("continuity:detail", declaration_id=decl.pk)


def _detail(
    request: HttpRequest, decl: DisasterDeclaration, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "continuity/detail.html",
        {
            "municipality": _municipality(request),
            "d": decl,
            "state": disaster.state_of(decl),
            "partners": disaster.partners_of(decl),
            "report": report.summary(decl),
            "error": error,
        },
        status=status,
    )


@require_GET
@requires_capability(MANAGE)
def detail(request: HttpRequest, declaration_id: int) -> HttpResponse:
    return _detail(request, _declaration(declaration_id))


@require_GET
@requires_capability(MANAGE)
def report_csv(request: HttpRequest, declaration_id: int) -> HttpResponse:
    decl = _declaration(declaration_id)
    # built inside the request: the audit chain is read under the request's TenantContext, which a
    # streamed body would outlive
    response = HttpResponse("".join(report.csv_lines(decl)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="daiko-{decl.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _change(
    request: HttpRequest,
    declaration_id: int,
    action: Callable[[DisasterDeclaration], Any],
    done: str,
) -> HttpResponse:
    decl = _declaration(declaration_id)
    try:
        action(decl)
    except disaster.DeclarationError as exc:
        return _detail(request, decl, str(exc), status=400)
    messages.success(request, done)
    return redirect("continuity:detail", declaration_id=decl.pk)


@require_POST
@requires_capability(MANAGE)
def extend(request: HttpRequest, declaration_id: int) -> HttpResponse:
    return _change(
        request,
        declaration_id,
        lambda d: disaster.extend(
            d, _when(request.POST.get("ends_at", "")), note=request.POST.get("note", "")
        ),
        "宣言の期間を延長しました。",
    )


@require_POST
@requires_capability(MANAGE)
def end(request: HttpRequest, declaration_id: int) -> HttpResponse:
    return _change(
        request,
        declaration_id,
        lambda d: disaster.end(d, note=request.POST.get("note", "")),
        "宣言を終了しました。代行団体は以後この団体の事務を行えません。",
    )


def _partner(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


@require_POST
@requires_capability(MANAGE)
def revoke(request: HttpRequest, declaration_id: int) -> HttpResponse:
    return _change(
        request,
        declaration_id,
        lambda d: disaster.revoke(
            d,
            note=request.POST.get("note", ""),
            partner_id=_partner(request.POST.get("partner", "")),
        ),
        "代行の許可を取り消しました。",
    )


@require_http_methods(["GET", "POST"])
@requires_capability(MANAGE)
def degraded_mode(request: HttpRequest) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "off":
                degraded.switch_off(note=request.POST.get("note", ""))
                messages.success(request, "縮退運転を解除しました。")
            else:
                degraded.switch_on(
                    request.POST.get("mode", ""),
                    reason=request.POST.get("reason", ""),
                    username=request.user.get_username(),
                )
                messages.success(request, "縮退運転を開始しました。")
            return redirect("continuity:degraded")
        except disaster.DeclarationError as exc:
            error, status = str(exc), 400
    return render(
        request,
        "continuity/degraded.html",
        {
            "municipality": _municipality(request),
            "mode": degraded.current_setting(),
            "modes": degraded.MODES,
            "error": error,
        },
        status=status,
    )


@require_GET
@requires_capability(MANAGE)
def replication(request: HttpRequest) -> HttpResponse:
    """複製の状態: each Patroni member's role, state, lag, timeline and last contact."""
    from django.conf import settings

    from jichitai.continuity import ha

    urls = ha.parse_urls(getattr(settings, "JICHITAI_PATRONI_URLS", ""))
    rows: list[dict[str, Any]] = []
    error = ""
    if urls:
        try:
            rows = ha.cluster_status(urls)
        except ha.PatroniUnavailable as exc:
            error = f"Patroni に接続できません（{exc}）。"
    for r in rows:
        r["role_label"] = ha.role_label(str(r["role"]))
    return render(
        request,
        "continuity/replication.html",
        {
            "municipality": _municipality(request),
            "configured": bool(urls),
            "urls": urls,
            "rows": rows,
            "columns": [(ja, en) for _k, ja, en in ha.COLUMNS],
            "error": error,
            "leader_running": any(
                r["role"] == "leader" and r["state"] == "running" for r in rows
            ),
        },
    )
