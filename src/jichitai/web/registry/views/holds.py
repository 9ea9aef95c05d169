"""抑止管理 ([410] 3.1): the holds that stand, setting one, 解除 and 一時解除 — each its own right."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from jichitai.accounts.decorators import has_capability, requires_capability
from jichitai.registry import holds
from jichitai.registry.errors import RegistryError
from jichitai.registry.holds_models import Hold, HoldLevel, HoldProcess
from jichitai.registry.models import Household
from jichitai.registry.selectors import MASK
from jichitai.registry.selectors.access import hidden_addresses
from jichitai.wareki import DateInputError, format_date, parse_date

from .. import display
from .common import Errors, parse_id, render_page

FIELDS = ("person_id", "household_id", "process", "level", "start_date", "end_date", "reason")


def _set(request: HttpRequest, values: dict[str, str], errors: Errors) -> Hold | None:
    dates = {}
    for name, label in (("start_date", "開始日"), ("end_date", "終了日")):
        try:
            dates[name] = parse_date(values[name])
        except DateInputError:
            errors.add(f"{label}の形式が正しくありません（例: 令和6年4月1日、2024-04-01）。", name, FIELDS)
    if "start_date" in dates and dates["start_date"] is None:
        errors.add("開始日を入力してください。", "start_date", FIELDS)
    pid, hid = parse_id(values["person_id"]), parse_id(values["household_id"])
    for name, value, label in (("person_id", pid, "住民ID"), ("household_id", hid, "世帯ID")):
        if values[name] and value is None:
            errors.add(f"{label}は数字で入力してください。", name, FIELDS)
    if errors:
        return None
    try:
        return holds.set_hold(process=values["process"], level=values["level"], person_id=pid, household_id=hid,
                              start=dates["start_date"], end=dates.get("end_date"), reason=values["reason"],
                              staff=request.user)
    except RegistryError as exc:
        for v in exc.violations:
            errors.add(v.message, v.field, FIELDS)
    return None


def rows(found: list[Hold], *, staff: Any, screen: str) -> list[dict[str, Any]]:
    """Holds as table rows: a protected person's name masked and no id of them shown."""
    names = display.load_names({h.person_id for h in found if h.person_id}, staff=staff, screen=screen)
    hids = {h.household_id for h in found if h.household_id}
    numbers = dict(Household.objects.filter(pk__in=hids).values_list("pk", "household_no"))
    # a hold's free-text reason about a protected person or household is theirs too
    hidden = hidden_addresses(hids, staff=staff, screen=screen, function="holds")
    out = []
    for h in found:
        if h.person_id:
            name = names.get(h.person_id, "（記録なし）")
            secret = name == MASK
            subject = name if secret else f"{name}（住民ID {h.person_id}）"
        else:
            secret = h.household_id in hidden
            subject = "（非表示）" if secret else f"世帯番号 {numbers.get(h.household_id, '')}"
        out.append({"h": h, "subject": subject, "state": holds.status_of(h),
                    "reason": "（非表示）" if secret else h.reason})
    return out


@require_http_methods(["GET", "POST"])
@requires_capability(holds.SET)
def holds_view(request: HttpRequest) -> HttpResponse:
    errors = Errors()
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in FIELDS}
        hold = _set(request, values, errors)
        if hold is not None:
            messages.success(request, f"抑止を設定しました（{hold.get_process_display()}・{hold.get_level_display()}・"
                                      f"{format_date(hold.start_date)}から）。")
            return HttpResponseRedirect(reverse("registry:holds"))
    else:
        g = request.GET  # from the person / household page, or back from the search picker
        values = {"person_id": str(parse_id(g.get("person_id") or g.get("person")) or ""),
                  "household_id": str(parse_id(g.get("household")) or "")}
    found = list(Hold.objects.filter(released_at__isnull=True).order_by("start_date", "pk"))
    return render_page(request, "registry/holds.html", {
        "rows": rows(found, staff=request.user, screen="抑止管理"), "errors": errors, "values": values,
        "processes": HoldProcess.choices, "levels": HoldLevel.choices, "relock": holds.relock_minutes(),
        "can_release": has_capability(request, holds.RELEASE),
        "can_temporary": has_capability(request, holds.TEMPORARY),
    }, status=400 if errors else 200)


def _after(request: HttpRequest, done: str, exc: RegistryError | None) -> HttpResponse:
    if exc is not None:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("registry:holds"))


@require_POST
@requires_capability(holds.RELEASE)
def hold_release_view(request: HttpRequest, hold_id: int) -> HttpResponse:
    try:
        holds.release_hold(hold_id, staff=request.user, reason=request.POST.get("release_reason", ""))
    except RegistryError as exc:
        return _after(request, "", exc)
    return _after(request, "抑止を解除しました。", None)


@require_POST
@requires_capability(holds.TEMPORARY)
def hold_temporary_view(request: HttpRequest, hold_id: int) -> HttpResponse:
    text = request.POST.get("minutes", "").strip()
    minutes = int(text) if text.isdigit() and len(text) <= 5 else (None if not text else -1)
    try:
        hold = holds.release_temporarily(hold_id, staff=request.user, minutes=minutes)
    except RegistryError as exc:
        return _after(request, "", exc)
    local = hold.relock_at.astimezone() if hold.relock_at else None
    return _after(request, f"抑止を一時解除しました（{local:%H時%M分}に自動で抑止状態に戻ります）。" if local else "", None)
