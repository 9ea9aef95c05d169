"""支援措置管理 ([440] 3.4): list, 開始, 1年延長, 終了 — staff with need-to-know only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.registry import support
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import SupportMeasure
from jichitai.wareki import DateInputError, parse_date

from .. import display
from .common import SUPPORT, Errors, parse_id, render_page

SUPPORT_REASONS = ("DV（配偶者からの暴力）", "ストーカー行為等", "児童虐待等", "その他これらに準ずる")


@require_http_methods(["GET", "POST"])
@requires_capability(SUPPORT)
def support_view(request: HttpRequest) -> HttpResponse:
    errors = Errors()
    known = ("person_id", "start_date", "reason", "months", "against_person_id", "against_name")
    values = {k: request.POST.get(k, "").strip() for k in known} if request.method == "POST" else {
        "person_id": str(parse_id(request.GET.get("person_id") or request.GET.get("person")) or ""),
        "against_person_id": str(parse_id(request.GET.get("against_person_id")) or ""), "months": "12"}
    if request.method == "POST":
        start = None
        try:
            start = parse_date(values["start_date"])
        except DateInputError:
            errors.add("開始日の形式が正しくありません（例: 2024-04-01）。", "start_date", known)
        if start is None and "start_date" not in errors.by_field:
            errors.add("開始日を入力してください。", "start_date", known)
        pid = parse_id(values["person_id"])
        if pid is None:
            errors.add("対象者の住民IDを数字で入力してください。", "person_id", known)
        months = int(values["months"]) if values["months"].isdigit() and 1 <= int(values["months"]) <= 36 else None
        if months is None:
            errors.add("期間（月数）は1〜36で入力してください。", "months", known)
        against: list[dict[str, Any]] = []
        if values["against_person_id"] or values["against_name"]:
            against_id = parse_id(values["against_person_id"])
            if values["against_person_id"] and against_id is None:
                errors.add("加害者等の住民IDは数字で入力してください。", "against_person_id", known)
            else:
                against.append({"person_id": against_id, "name": values["against_name"]})
        if not errors and start is not None and months is not None and pid is not None:
            try:
                m = support.start_measure(pid, start=start, reason=values["reason"], against=against,
                                          staff=request.user, months=months)
            except RegistryError as exc:
                for v in exc.violations:
                    errors.add(v.message, v.field, known)
            else:
                messages.success(request, f"支援措置を登録しました（{m.end_date:%Y-%m-%d} まで）。")
                return HttpResponseRedirect(reverse("registry:support"))
    measures = list(SupportMeasure.objects.order_by("ended_at", "-end_date", "pk"))
    names = display.load_names({m.person_id for m in measures}, staff=request.user, screen="支援措置管理")
    today = timezone.localdate()
    rows = [{
        "m": m, "name": names.get(m.person_id, "（記録なし）"),
        "active": m.ended_at is None and m.start_date <= today <= m.end_date,
        "against": "、".join(
            f"{a.get('name') or ''}{'（住民ID ' + str(a['person_id']) + '）' if a.get('person_id') else ''}"
            for a in m.against) or "—",
    } for m in measures]
    return render_page(request, "registry/support.html", {
        "rows": rows, "errors": errors, "values": values, "reasons": SUPPORT_REASONS,
    }, status=400 if errors else 200)


def _measure_or_404(measure_id: int) -> SupportMeasure:
    measure = SupportMeasure.objects.filter(pk=measure_id).first()
    if measure is None:
        raise Http404("支援措置が見つかりません。")
    return measure


@require_POST
@requires_capability(SUPPORT)
def support_extend_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    m = _measure_or_404(measure_id)
    try:
        m = support.extend_measure(m.pk, staff=request.user)
    except RegistryError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"支援措置を延長しました（{m.end_date:%Y-%m-%d} まで）。")
    return HttpResponseRedirect(reverse("registry:support"))


@require_POST
@requires_capability(SUPPORT)
def support_end_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    m = _measure_or_404(measure_id)
    if m.ended_at is not None:
        messages.error(request, "この支援措置は既に終了しています。")
    else:
        try:
            support.end_measure(m.pk, staff=request.user)
        except RegistryError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "支援措置を終了しました。")
    return HttpResponseRedirect(reverse("registry:support"))

