"""/certificates/authority/: 認証者・公印の設定 for a 団体管理者 ([290], [310], [1050], [1060]).

One screen lists the 認証者 (職名 with the prefecture, 氏名, period), the 電子公印 images and each
certificate kind's choice, with a form for each; every rule is ``certificates.authority.service``'s
and a refusal is shown on the screen with 400.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.certificates import kinds
from jichitai.certificates.authority import job_title, seal_src
from jichitai.certificates.authority import service as authority
from jichitai.certificates.authority.images import MAX_BYTES, ImageProblem, parse_mm
from jichitai.certificates.authority.models import (
    Authority,
    AuthorityChoice,
    AuthorityRole,
    IssuerChoice,
    OfficialSeal,
    SealColor,
    SealKind,
)
from jichitai.wareki import DateInputError, format_date, parse_date

from ..registry.views.common import Errors, parse_id, render_page

CAP = "certificates.authority"
TEMPLATE = "certificates/authority.html"
FIELDS = (
    "role",
    "name",
    "title",
    "valid_from",
    "valid_until",
    "ward",
    "kind",
    "image",
    "size_mm",
    "color",
    "authority",
    "seal_kind",
    "fixed_text",
    "authority_id",
)


def _values(request: HttpRequest) -> dict[str, str]:
    return {k: request.POST.get(k, "").strip()[:200] for k in FIELDS if k != "image"}


def _context(errors: Errors, values: dict[str, str] | None = None) -> dict[str, Any]:
    m = authority.municipality()
    rows = Authority.objects.order_by("ward", "role", "-valid_from", "-pk")
    choices = {c.kind: c for c in IssuerChoice.objects.all()}
    seals = OfficialSeal.objects.order_by("kind", "ward", "-uploaded_at", "-pk")
    return {
        "errors": errors,
        "values": values or {},
        "municipality": m,
        "designated": m.population_class == "designated_city",
        "ward": authority.issuing_ward(),
        "authorities": [
            {
                "r": a,
                "job_title": job_title(m, a),
                "from": format_date(a.valid_from),
                "until": format_date(a.valid_until) if a.valid_until else "（定めなし）",
            }
            for a in rows
        ],
        "seals": [{"s": s, "src": seal_src(s)} for s in seals],
        "kinds": [{"kind": k, "choice": choices.get(k.code)} for k in kinds.all_kinds()],
        "roles": AuthorityRole.choices,
        "seal_kinds": SealKind.choices,
        "colors": SealColor.choices,
        "authority_choices": AuthorityChoice.choices,
        "max_kb": MAX_BYTES // 1024,
    }


def _page(
    request: HttpRequest, errors: Errors, values: dict[str, str] | None = None
) -> HttpResponse:
    return render_page(request, TEMPLATE, _context(errors, values), status=400 if errors else 200)


def _done(request: HttpRequest, text: str) -> HttpResponseRedirect:
    messages.success(request, text)
    return HttpResponseRedirect(reverse("certificates:authority"))


def _date(values: dict[str, str], name: str, label: str, errors: Errors) -> Any:
    try:
        return parse_date(values[name])
    except DateInputError as exc:
        errors.add(
            exc.message or f"{label}を正しく入力してください（例: 令和8年4月1日）。", name, FIELDS
        )
    return None


@require_GET
@requires_capability(CAP)
def authority_view(request: HttpRequest) -> HttpResponse:
    return _page(request, Errors())


@require_POST
@requires_capability(CAP)
def authority_add_view(request: HttpRequest) -> HttpResponse:
    errors, values = Errors(), _values(request)
    start = _date(values, "valid_from", "期間の開始日", errors)
    until = _date(values, "valid_until", "期間の終了日", errors)
    if start is None and not errors:
        errors.add("期間の開始日を入力してください。", "valid_from", FIELDS)
    if errors:
        return _page(request, errors, values)
    try:
        row = authority.add_authority(
            values["role"],
            values["name"],
            start,
            title=values["title"],
            valid_until=until,
            ward=values["ward"],
            staff=request.user,
        )
    except authority.AuthorityError as exc:
        errors.add(exc.message, exc.field, FIELDS)
        return _page(request, errors, values)
    return _done(request, f"認証者（{row.get_role_display()}　{row.name}）を登録しました。")


@require_POST
@requires_capability(CAP)
def authority_end_view(request: HttpRequest) -> HttpResponse:
    errors, values = Errors(), _values(request)
    pk = parse_id(values["authority_id"])
    until = _date(values, "valid_until", "期間の終了日", errors)
    if pk is None or until is None:
        errors.add("認証者と期間の終了日を指定してください。", "valid_until", FIELDS)
    if errors:
        return _page(request, errors, values)
    try:
        authority.end_authority(pk, until)  # type: ignore[arg-type]
    except authority.AuthorityError as exc:
        errors.add(exc.message, exc.field, FIELDS)
        return _page(request, errors, values)
    return _done(request, "認証者の期間の終了日を登録しました。")


@require_POST
@requires_capability(CAP)
def seal_upload_view(request: HttpRequest) -> HttpResponse:
    errors, values = Errors(), _values(request)
    upload = request.FILES.get("image")
    data = upload.read(MAX_BYTES + 1) if upload is not None else b""
    size = Decimal(0)
    try:
        size = parse_mm(values["size_mm"], "印字の大きさ")
    except ImageProblem as exc:
        errors.add(str(exc), "size_mm", FIELDS)
    if not errors:
        try:
            authority.upload_seal(
                values["kind"],
                data,
                size,
                color=values["color"] or "black",
                ward=values["ward"],
                staff=request.user,
            )
        except authority.AuthorityError as exc:
            errors.add(exc.message, exc.field, FIELDS)
    if errors:
        return _page(request, errors, values)
    return _done(request, f"電子公印（{SealKind(values['kind']).label}）を登録しました。")


@require_POST
@requires_capability(CAP)
def issuer_choice_view(request: HttpRequest) -> HttpResponse:
    errors, values = Errors(), _values(request)
    try:
        authority.set_choice(
            values["kind"],
            authority=values["authority"] or "auto",
            print_seal=request.POST.get("print_seal") == "1",
            seal_kind=values["seal_kind"],
            fixed_text=values["fixed_text"],
        )
    except authority.AuthorityError as exc:
        errors.add(exc.message, exc.field, FIELDS)
        return _page(request, errors, values)
    return _done(request, f"{kinds.titles().get(values['kind'], '')}の認証者・公印を設定しました。")
