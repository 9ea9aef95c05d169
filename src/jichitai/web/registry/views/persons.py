"""住民照会 ([350]): one person's record, household, as-of record and history."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.registry import holds, selectors, support
from jichitai.registry.errors import RegistryError
from jichitai.registry.events import locks
from jichitai.registry.labels import label
from jichitai.wareki import DateInputError, parse_date

from .. import display
from .common import MY_NUMBER, READ, Errors, not_found, render_page


def _context(request: HttpRequest, person_id: int, *, show_my_number: bool) -> tuple[dict[str, Any], int]:
    errors = Errors()
    as_of_text = request.GET.get("as_of", "").strip()
    day = None
    if as_of_text:
        try:
            day = parse_date(as_of_text)
        except DateInputError:
            errors.add("基準日の形式が正しくありません（例: 2019-04-01、平成31年4月1日）。", "as_of", ("as_of",))
    held = _inquiry_hold(request, person_id)
    if held is not None:
        return held, 403 if held["hold"].refused else 200
    try:
        detail = selectors.person_detail(person_id, staff=request.user, show_my_number=show_my_number,
                                         as_of_date=day)
    except RegistryError as exc:
        if not_found(exc):
            raise Http404("住民が見つかりません。") from None
        raise
    ctx: dict[str, Any] = {"detail": detail, "person_id": person_id, "errors": errors, "as_of_text": as_of_text}
    if detail.masked:
        return ctx, 403
    shown = detail.my_number_shown
    # [440]#4/#5 and [380]: the period alert and the way to the 支援措置's own page (need-to-know only:
    # others got the mask above)
    ctx["support_alert"] = support.period_alert(detail.support_measure)
    ctx["holds"] = [(h, holds.status_of(h)) for h in holds.standing(person_id=person_id)] + [
        (h, holds.status_of(h)) for h in holds.standing(household_id=detail.person.household_id)]
    ctx["holds_reason_hidden"] = detail.address_hidden
    ctx["hold_target"] = f"person={person_id}"
    ctx["edit_lock"] = locks.lock_on(person_id)  # [1380]#8: who is entering a 異動 for this person
    withheld = detail.withheld  # [1390] 表示権限
    ctx["items"] = display.record_items(detail.record, my_number_shown=shown, withheld=withheld)
    ctx["address"] = detail.address
    ctx["timeline"] = display.timeline(detail.history, my_number_shown=shown, withheld=withheld)
    ctx["name_history"] = name_history(ctx["timeline"])
    if day is not None:
        ctx["as_of_date"] = day
        view = detail.as_of
        ctx["as_of_items"] = display.record_items(view.record, my_number_shown=shown, withheld=withheld) if view else None
        ctx["as_of_address"] = view.address if view else ""
    return ctx, 200


NAME_HISTORY_FIELDS = ("former_surname", "alias")


def name_history(timeline: list[Any]) -> list[tuple[Any, Any]]:
    """[350]#1 旧氏・通称の履歴: (history entry, change) for every change of 旧氏 or 通称, newest first."""
    labels = {label(f) for f in NAME_HISTORY_FIELDS}
    return [(h, c) for h in timeline for c in h.changes if c.label in labels]
def _inquiry_hold(request: HttpRequest, person_id: int) -> dict[str, Any] | None:
    """[410] 照会の抑止: an error hold refuses the screen, an alert hold asks to confirm first
    (?confirm=1)."""
    decision = holds.inquiry_stop(person_id, staff=request.user, confirmed=request.GET.get("confirm") == "1",
                                  screen="住民照会")
    if decision is None:
        return None
    return {"hold": decision, "person_id": person_id, "errors": Errors(), "detail": None}


@require_GET
@requires_capability(READ)
def person_view(request: HttpRequest, person_id: int) -> HttpResponse:
    ctx, status = _context(request, person_id, show_my_number=False)
    return render_page(request, "registry/person.html", ctx, status=status)


@require_POST
@requires_capability(MY_NUMBER)
def person_my_number_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """「個人番号を表示」: a separate POST; the read is logged with my_number_shown."""
    ctx, status = _context(request, person_id, show_my_number=True)
    return render_page(request, "registry/person.html", ctx, status=status)
