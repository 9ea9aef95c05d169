"""支援措置管理 ([440] 3.4, [160] 1.1.16): list, 開始 (or 仮支援措置), the measure's own page with
its [160] items, 期間の修正, 延長, 本開始, 併せて支援を求める者, 終了 (reason + confirmation) — staff
with need-to-know only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jichitai.accounts.decorators import has_capability, requires_capability
from jichitai.registry import support, support_case
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import SupportMeasure
from jichitai.wareki import DateInputError, format_date, parse_date

from .. import display
from .common import SUPPORT, SUPPORT_MANAGE, Errors, parse_id, render_page

SUPPORT_REASONS = ("DV（配偶者からの暴力）", "ストーカー行為等", "児童虐待等", "その他これらに準ずる")
START_FIELDS = ("person_id", "start_date", "end_date", "reason", "months", "against_person_id", "against_name")


def _date(errors: Errors, values: dict[str, str], name: str, label: str, known: tuple[str, ...]) -> Any:
    try:
        return parse_date(values.get(name, ""))
    except DateInputError:
        errors.add(f"{label}の形式が正しくありません（例: 令和6年4月1日、2024-04-01）。", name, known)
        return None


def _start(request: HttpRequest, values: dict[str, str], errors: Errors) -> SupportMeasure | None:
    known = START_FIELDS
    if not has_capability(request, SUPPORT_MANAGE):  # 照会 only ([1380]#9): the domain refuses too
        errors.add("支援措置を登録する権限がありません（支援対象者管理）。", "person_id", known)
        return None
    start = _date(errors, values, "start_date", "開始年月日", known)
    if start is None and "start_date" not in errors.by_field:
        errors.add("開始年月日を入力してください。", "start_date", known)
    end = _date(errors, values, "end_date", "終了年月日", known)
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
    if errors or start is None or months is None or pid is None:
        return None
    try:
        return support.start_measure(pid, start=start, end=end, reason=values["reason"], against=against,
                                     staff=request.user, months=months, provisional=bool(request.POST.get("provisional")))
    except RegistryError as exc:
        for v in exc.violations:
            errors.add(v.message, v.field, known)
    return None


def _state(m: SupportMeasure) -> str:
    if m.ended_at is not None:
        return "終了"
    alert = support.period_alert(m)
    kind = "仮支援措置" if m.provisional else "支援中"
    if m.office_role == "former":
        kind += "（前住所地）"
    return f"{kind}・{alert}" if alert else kind


@require_http_methods(["GET", "POST"])
@requires_capability(SUPPORT)
def support_view(request: HttpRequest) -> HttpResponse:
    errors = Errors()
    values = {k: request.POST.get(k, "").strip() for k in START_FIELDS} if request.method == "POST" else {
        "person_id": str(parse_id(request.GET.get("person_id") or request.GET.get("person")) or ""),
        "against_person_id": str(parse_id(request.GET.get("against_person_id")) or ""), "months": "12"}
    if request.method == "POST":
        m = _start(request, values, errors)
        if m is not None:
            kind = "仮支援措置" if m.provisional else "支援措置"
            messages.success(request, f"{kind}を登録しました（{format_date(m.start_date)}から{format_date(m.end_date)}まで）。")
            return HttpResponseRedirect(reverse("registry:support_detail", args=[m.pk]))
    measures = list(SupportMeasure.objects.order_by("ended_at", "-end_date", "pk"))
    names = display.load_names({m.person_id for m in measures}, staff=request.user, screen="支援措置管理")
    rows = [{
        "m": m, "name": names.get(m.person_id, "（記録なし）"), "state": _state(m),
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


def _case_form(m: SupportMeasure) -> dict[str, Any]:
    """The stored [160] items as the form shows them (dates in 和暦, [90])."""
    import datetime as dt

    case = dict(m.case or {})
    for key, (_, kind) in support_case.CASE_FIELDS.items():
        if kind == "date" and case.get(key):
            case[key] = format_date(dt.date.fromisoformat(case[key]))
    return case


def _detail(request: HttpRequest, m: SupportMeasure, errors: Errors | None = None, status: int = 200) -> HttpResponse:
    joint = list(m.joint.order_by("pk"))
    names = display.load_names({m.person_id, *(j.person_id for j in joint)}, staff=request.user, screen="支援措置管理")
    support.alert_access(m.person_id, screen="支援措置管理", function="support.detail", detail={"measure": m.pk})
    return render_page(request, "registry/support_detail.html", {
        "m": m, "name": names.get(m.person_id, "（記録なし）"), "state": _state(m), "alert": support.period_alert(m),
        "opens": support.extension_opens(m), "items": support_case.case_items(m), "case": _case_form(m),
        "fields": support_case.CASE_FIELDS, "affairs": support_case.AFFAIRS,
        "joint": [(j, names.get(j.person_id, "（記録なし）")) for j in joint], "end_reasons": support.END_REASONS,
        "errors": errors or Errors(),
    }, status=status)


@require_GET
@requires_capability(SUPPORT)
def support_detail_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    return _detail(request, _measure_or_404(measure_id))


def _case_values(request: HttpRequest, errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    known = tuple(support_case.CASE_FIELDS)
    for key, (label, kind) in support_case.CASE_FIELDS.items():
        text = request.POST.get(key, "").strip()
        values[key] = _date(errors, {key: text}, key, label, known) if kind == "date" else text
    return values


def _missing(errors: Errors, label: str, name: str) -> None:
    if name not in errors.by_field:
        errors.add(f"{label}を入力してください。", name, (name,))


def _update(request: HttpRequest, m: SupportMeasure, action: str, errors: Errors) -> str:
    """One change of the measure's page; returns the success message ("" when refused)."""
    post, staff = request.POST, request.user
    if action == "end_date":
        end = _date(errors, {"end_date": post.get("end_date", "")}, "end_date", "終了年月日", ("end_date",))
        if end is None:
            _missing(errors, "終了年月日", "end_date")
            return ""
        m = support.set_end_date(m.pk, end=end, staff=staff)
        return f"終了年月日を{format_date(m.end_date)}にしました。"
    if action == "confirm":
        start = _date(errors, {"start_date": post.get("start_date", "")}, "start_date", "開始年月日", ("start_date",))
        if start is None:
            _missing(errors, "開始年月日", "start_date")
            return ""
        m = support.confirm_measure(m.pk, start=start, staff=staff)
        return f"支援措置を開始しました（{format_date(m.start_date)}から{format_date(m.end_date)}まで）。"
    if action == "case":
        values = _case_values(request, errors)
        if errors:
            return ""
        support_case.update_case(m.pk, values=values, affairs=post.getlist("affairs"), staff=staff)
        return "支援対象者管理の項目を保存しました。"
    if action == "joint":
        pid = parse_id(post.get("joint_person_id"))
        if pid is None:
            errors.add("併せて支援を求める者の住民IDを数字で入力してください。", "joint_person_id", ("joint_person_id",))
            return ""
        support_case.add_joint(m.pk, person_id=pid, relation=post.get("relation", ""), staff=staff)
        return "併せて支援を求める者を登録しました（同じ期間の支援措置）。"
    if action == "release_issuance":
        m = support.release_issuance(m.pk, staff=staff, reason=post.get("release_reason", ""))
        until = timezone.localtime(m.issuance_released_until)
        return f"審査の結果により、{until:%H時%M分}まで窓口での交付を認めました（自動で元に戻ります）。"
    if action == "release_inspection":
        m = support.release_inspection(m.pk, staff=staff, reason=post.get("release_reason", ""))
        until = timezone.localtime(m.inspection_released_until)
        return (f"審査の結果により、{until:%H時%M分}までに作成する住民基本台帳の一部の写し（閲覧用）に"
                "この方を含めます（自動で元に戻ります）。")
    raise Http404("操作が見つかりません。")


@require_POST
@requires_capability(SUPPORT_MANAGE)
def support_update_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    m = _measure_or_404(measure_id)
    errors = Errors()
    try:
        done = _update(request, m, request.POST.get("action", ""), errors)
    except RegistryError as exc:
        for v in exc.violations:
            errors.add(v.message, v.field, (v.field,))
        done = ""
    if not done:
        return _detail(request, _measure_or_404(measure_id), errors, status=400)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("registry:support_detail", args=[m.pk]))


@require_POST
@requires_capability(SUPPORT_MANAGE)
def support_extend_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    m = _measure_or_404(measure_id)
    try:
        m = support.extend_measure(m.pk, staff=request.user)
    except RegistryError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"支援措置を延長しました（{format_date(m.end_date)}まで）。")
    return HttpResponseRedirect(reverse("registry:support_detail", args=[m.pk]))


@require_POST
@requires_capability(SUPPORT_MANAGE)
def support_end_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    """[440]#6 終了: the reason first, then a confirmation page, then the end (two POSTs)."""
    m = _measure_or_404(measure_id)
    reason = request.POST.get("end_reason", "")
    if m.ended_at is not None:
        messages.error(request, "この支援措置は既に終了しています。")
    elif reason not in support.END_REASONS:
        errors = Errors()
        errors.add("終了理由を選んでください。", "end_reason", ("end_reason",))
        return _detail(request, m, errors, status=400)
    elif not request.POST.get("confirm"):
        names = display.load_names({m.person_id}, staff=request.user, screen="支援措置管理")
        return render_page(request, "registry/support_end_confirm.html", {
            "m": m, "name": names.get(m.person_id, "（記録なし）"), "reason": reason,
            "reason_label": support.END_REASONS[reason]})
    else:
        try:
            support.end_measure(m.pk, staff=request.user, reason=reason)
        except RegistryError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"支援措置を終了しました（終了理由：{support.END_REASONS[reason]}）。")
    return HttpResponseRedirect(reverse("registry:support_detail", args=[m.pk]))
