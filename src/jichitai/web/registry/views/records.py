"""異動履歴・統合記載欄・メモ・改製 of one person ([200], [140], [150], [40]), and the choice of
入力場所・入力端末 for the session ([230])."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.registry import notes, workstation
from jichitai.registry.errors import RegistryError
from jichitai.registry.labels import HOUSEHOLD_LABELS, label
from jichitai.registry.move_notes import de_facto_head_note
from jichitai.registry.records_models import InputTerminal
from jichitai.registry.selectors.snapshots import COMMON_FIELDS, snapshots
from jichitai.wareki import DateInputError, parse_date

from .. import display
from ..workstation import remember
from .common import ENTER, READ, Errors, not_found, parse_id, render_page

SCREEN = "異動履歴・統合記載欄"
ROW_EXTRA = (("household_no", HOUSEHOLD_LABELS["household_no"]), ("address", "住所"),
             ("head_name", "世帯主"))


def _rows(result: Any) -> list[dict[str, Any]]:
    out = []
    for s in result.rows:
        items = display.record_items(s.row, my_number_shown=False)
        extra = [(lbl, s.row.get(f) or "—") for f, lbl in ROW_EXTRA]
        out.append({"s": s, "items": items, "extra": extra,
                    "changed": [label(f) for f in s.changed if f not in ("version",)]})
    return out


def _page(request: HttpRequest, person_id: int, errors: Errors | None = None, status: int = 200) -> HttpResponse:
    try:
        result = snapshots(person_id, staff=request.user, screen=SCREEN)
        if result.masked:
            return render_page(request, "registry/person_records.html",
                               {"masked": True, "refusal": result.refusal, "person_id": person_id}, status=403)
        remarks, bikos = notes.remarks_and_notes(person_id, staff=request.user, screen=SCREEN)
        memos = notes.memos(person_id, staff=request.user, screen=SCREEN)
    except RegistryError as exc:
        if not_found(exc):
            raise Http404("住民が見つかりません。") from None
        raise
    rows = _rows(result)
    return render_page(request, "registry/person_records.html", {
        "person_id": person_id, "rows": rows, "remarks": remarks, "bikos": bikos, "memos": memos,
        "reissues": notes.reissues(person_id), "errors": errors or Errors(),
        "de_facto_head": de_facto_head_note(rows[-1]["s"].row.get("de_facto_head")) if rows else None,  # [740]
        "events": [(r["s"].event_id, f"履歴{r['s'].history_no} {r['s'].reason}") for r in rows if r["s"].event_id],
        "name": rows[-1]["s"].row.get("family_name", "") + "\u3000" + (rows[-1]["s"].row.get("given_name") or "")
        if rows else "", "common_fields": COMMON_FIELDS,
    }, status=status)


@require_GET
@requires_capability(READ)
def person_records_view(request: HttpRequest, person_id: int) -> HttpResponse:
    return _page(request, person_id)


def _act(request: HttpRequest, person_id: int, action: Any, done: str) -> HttpResponse:
    errors = Errors()
    try:
        action()
    except RegistryError as exc:
        if not_found(exc) and any(v.field == "person_id" for v in exc.violations):
            raise Http404("住民が見つかりません。") from None
        for v in exc.violations:
            errors.add(v.message, v.field, ("text", "event_id", "reissued_on", "reason", "topic"))
        return _page(request, person_id, errors, status=400)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("registry:person_records", args=[person_id]))


@require_POST
@requires_capability(ENTER)
def person_records_post(request: HttpRequest, person_id: int) -> HttpResponse:
    """One form per action: 留意事項, 備考・メモ (入力・修正・削除), 改製."""
    p = request.POST
    action = p.get("action", "")
    note_id = parse_id(p.get("note_id"))
    if action == "remark":
        event_id = parse_id(p.get("event_id")) or 0
        return _act(request, person_id, lambda: notes.add_remark(event_id, person_id, p.get("text", ""),
                                                                 staff=request.user), "留意事項を登録しました。")
    if action in ("biko", "memo"):
        return _act(request, person_id, lambda: notes.add_note(person_id, action, p.get("text", ""),
                                                               staff=request.user, topic=p.get("topic", "")),
                    f"{'備考' if action == 'biko' else 'メモ'}を登録しました。")
    if action in ("edit", "delete") and note_id is not None:
        _owned_note(note_id, person_id)
        if action == "edit":
            return _act(request, person_id, lambda: notes.edit_note(note_id, p.get("text", ""), staff=request.user,
                                                                    topic=p.get("topic", "")), "修正しました。")
        return _act(request, person_id, lambda: notes.delete_note(note_id, staff=request.user), "削除しました。")
    if action == "reissue":
        return _act(request, person_id, lambda: notes.reissue(person_id, _date(p.get("reissued_on", "")),
                                                              staff=request.user, reason=p.get("reason", "")),
                    "改製しました。")
    raise Http404("操作が見つかりません。")


def _owned_note(note_id: int, person_id: int) -> None:
    from jichitai.registry.records_models import PersonNote

    if not PersonNote.objects.filter(pk=note_id, person_id=person_id).exists():
        raise Http404("備考・メモが見つかりません。")


def _date(text: str) -> Any:
    from jichitai.registry.errors import violation

    try:
        day = parse_date(text)
    except DateInputError:
        raise violation("date", "改製年月日の形式が正しくありません（例: 令和6年8月1日、2024-08-01）。",
                        "reissued_on") from None
    if day is None:
        raise violation("required", "改製年月日を入力してください。", "reissued_on")
    return day


@require_http_methods(["GET", "POST"])
@requires_capability(READ)
def workstation_view(request: HttpRequest) -> HttpResponse:
    """入力場所・入力端末の設定: the session's terminal, recorded on every 異動 and in the log."""
    errors = Errors()
    if request.method == "POST":
        tid = parse_id(request.POST.get("terminal_id"))
        try:
            ws = workstation.choose(tid or 0)
        except RegistryError as exc:
            for v in exc.violations:
                errors.add(v.message, "terminal_id", ("terminal_id",))
        else:
            remember(request, ws)
            messages.success(request, "入力場所・入力端末を設定しました。")
            return HttpResponseRedirect(reverse("registry:workstation"))
    terminals = list(InputTerminal.objects.filter(active=True, place__active=True).select_related("place")
                     .order_by("place__code", "code"))
    return render_page(request, "registry/workstation.html", {
        "terminals": terminals, "current": workstation.current(), "errors": errors,
    }, status=400 if errors else 200)
