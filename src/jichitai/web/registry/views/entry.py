"""異動入力: the menu, one form per 異動事由, and the htmx row. The form builds the kind's typed
request and submits it (仮登録); every input, shape and row error is shown at once."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from jichitai.accounts.decorators import requires_capability
from jichitai.registry import events, resident_codes, rules, selectors
from jichitai.registry.errors import AlertsRaised, RegistryError, RuleViolation
from jichitai.registry.events import provisional

from ..amend import amendable, default_reported, prefill
from ..forms import (
    FORMS,
    MAX_PERSON_ROWS,
    PERSON_ROWS,
    RELATIONSHIPS,
    Built,
    KindForm,
    build_request,
    person_rows,
)
from . import csv_intake, ex_officio_entry
from .common import ENTER, Errors, parse_id, render_page
from .entry_aids import SAME_HONSEKI, form_aids, submit_same_honseki
from .entry_page import add_all, build_page, known_names, person_row_widgets

# Items a form may be opened with (from the person and household screens, or the pickers).
PREFILL = ("person_id", "to_household_id", "existing_household_id")


@require_GET
@requires_capability(ENTER)
def event_menu_view(request: HttpRequest) -> HttpResponse:
    hh = parse_id(request.GET.get("household"))
    return render_page(request, "registry/event_menu.html", {"forms": list(FORMS.values()), "household": hh or ""})


def _row_violations(form: KindForm, built: Built) -> list[RuleViolation]:
    """Each new person checked on its own, every rule, so that all messages land on its row."""
    out = []
    specs: list[tuple[str, Mapping[str, Any]]] = []
    if form.persons == "rows":
        specs = [(f"persons.{i}.", s) for i, s in enumerate(built.request.get("persons") or [])]
    elif form.persons == "one" and built.request.get("person"):
        eff = built.effective_date.isoformat() if built.effective_date else None
        specs = [("person.", {**built.request["person"], "birth_date": eff})]
    defaulted = set(form.extra.get("defaulted", ()))
    if specs and resident_codes.has_stock():  # [870]#2: a blank 住民票コード is drawn from the stock
        defaulted.add("resident_code")
    for prefix, spec in specs:
        if spec.get("returning_person_id"):
            continue  # [600]: a 再転入者's blank items are his 除票's; the planner checks the merged row
        quoted = ("honseki", "hittousha") if built.request.get("koseki_from_id") else ()  # [770]#2: the planner's
        out += [RuleViolation(v.rule, v.message, prefix + v.field if v.field else "")
                for v in rules.new_person_violations(spec)
                if v.field not in quoted and not (v.rule == "required" and v.field in defaulted)]
    return out


def _confirmed(post: Any) -> bool:
    """The form's one checkbox confirms every alert it showed (named for duplicates when those
    were all it showed, as before alerts were generalized)."""
    return bool(post.get("confirm_alerts") or post.get("confirm_duplicates"))


def _household(request: HttpRequest, form: KindForm) -> tuple[str, selectors.HouseholdDetail | None]:
    raw = (request.POST.get("household") if request.method == "POST" else request.GET.get("household")) or ""
    if not form.needs_household or not raw.strip():
        return raw.strip(), None
    hid = parse_id(raw)
    if hid is None:
        raise Http404("世帯が見つかりません。")
    try:
        hh = selectors.household_detail(hid, staff=request.user, screen="異動入力")
    except RegistryError:
        raise Http404("世帯が見つかりません。") from None
    if not hh.active:
        raise Http404("世帯が見つかりません。")
    return str(hid), hh


def _submit(request: HttpRequest, form: KindForm, built: Built, key: str, errors: Errors,
            known: set[str]) -> tuple[HttpResponse | None, list[RuleViolation]]:
    post = request.POST
    try:
        typed = events.parse_request(form.kind, built.request)
    except RegistryError as exc:
        add_all(errors, exc.violations, form, known, built, skip_taken=True)
        typed = None
    add_all(errors, _row_violations(form, built), form, known, built, skip_taken=True)
    if errors or typed is None or built.effective_date is None:
        return None, []
    if form.kind == "ex_officio_correction" and post.get(SAME_HONSEKI):  # [510]#3
        done, refused = submit_same_honseki(request, typed, built, key)
        add_all(errors, refused, form, known, built)
        return done, []
    amend = parse_id(post.get("amend"))
    try:
        if amend is not None:  # [530]#3, [540]#1: the 仮登録 corrected (the old one 取下げ with it)
            sub = provisional.amend_event(amend, typed, staff=request.user, effective_date=built.effective_date,
                                          reported_date=built.reported_date, confirm_alerts=_confirmed(post))
        elif (post.get("basis") or "").strip():  # [750]–[790]: a 職権 異動 with its 職権記録書
            sub = ex_officio_entry.submit(form.kind, typed, post, built, request.user, key, _confirmed(post), errors)
            if sub is None:
                return None, []
        else:
            sub = events.submit_event(
                form.kind, typed, effective_date=built.effective_date, reported_date=built.reported_date,
                entered_by=request.user, confirm_alerts=_confirmed(post), idempotency_key=key,
            )
    except AlertsRaised as exc:  # shown above the form with one checkbox that confirms them
        return None, exc.violations
    except RegistryError as exc:
        add_all(errors, exc.violations, form, known, built)
        return None, []
    if sub.replayed:
        messages.info(request, f"この届出は既に仮登録されています（受付番号 {sub.event.pk}）。")
    else:
        messages.success(request, f"{form.label}を仮登録しました（受付番号 {sub.event.pk}）。"
                                  "決裁者が決裁すると住民記録に反映されます。")
    return HttpResponseRedirect(reverse("registry:event_menu")), []


@require_http_methods(["GET", "POST"])
@requires_capability(ENTER)
def event_form_view(request: HttpRequest, kind: str) -> HttpResponse:
    form = FORMS.get(kind)
    if form is None:
        raise Http404("異動事由が見つかりません。")
    hid, hh = _household(request, form)
    members = [m for m in hh.members if not m.masked] if hh else []
    errors = Errors()
    warnings: list[RuleViolation] = []
    post = request.POST
    rows = person_rows(post) if request.method == "POST" else PERSON_ROWS
    key = post.get("idempotency_key") or uuid.uuid4().hex
    amending = amendable(parse_id(request.GET.get("amend") or post.get("amend")), form.kind, request.user)
    draft = csv_intake.load(request, "event", request.GET["intake"]) if "intake" in request.GET else None
    if request.method == "GET" and amending is not None:
        filled = prefill(form, amending)
        values: dict[str, Any] = filled.values
        checked, rows = filled.checked, max(rows, filled.rows)
    elif request.method == "GET" and draft is not None and draft.kind == form.kind:  # [1430]#1
        values = {"reported_date": default_reported(form.kind), **draft.values}
        checked, rows = set(draft.checked), min(max(rows, draft.rows), MAX_PERSON_ROWS)
    elif request.method == "GET":
        values = {"reported_date": default_reported(form.kind), "effective_date": "",
                  **ex_officio_entry.initial_dates(form)}  # [570], [780]#2, [790]#3
        for name in PREFILL:
            if parse_id(request.GET.get(name)):
                values[name] = request.GET[name]
        person = parse_id(request.GET.get("person"))
        values.setdefault("person_id", str(person) if person else "")
        checked = {str(person)} if person else set()
    else:
        values = {k: post.get(k, "") for k in post}
        checked = set(post.getlist("person_ids"))
        if post.get("_action", "submit") == "add_row":
            rows = min(rows + 1, MAX_PERSON_ROWS)
        elif form.needs_household and hh is None:
            # a submission without its household (the form asks for one first): refused, not a 200
            errors.add("対象の世帯IDを入力してください。", "household", ("household",))
        else:
            built = build_request(form, post, post.getlist)
            known = known_names(form, rows, members)
            add_all(errors, built.errors, form, known, built)
            done, warnings = _submit(request, form, built, key, errors, known)
            if done is not None:
                return done
    page = build_page(form, values, errors, members, selectors.address_choices(), rows, checked)
    if request.method == "POST" and post.get("_action") == "add_row" and page.rows:
        for w in page.head + [w for r in page.rows for w in r["fields"]]:
            w.autofocus = False
        page.rows[-1]["fields"][0].autofocus = True
    return render_page(request, "registry/event_form.html", {
        "page": page, "form": form, "errors": errors, "warnings": warnings, "idempotency_key": key,
        "rows": rows, "household": hh, "household_id": hid, "relationship_choices": RELATIONSHIPS,
        "max_rows": MAX_PERSON_ROWS, "confirm_duplicates": _confirmed(post),
        "only_duplicates": all(w.rule == "duplicate_suspected" for w in warnings),
        "masked_members": sum(1 for m in (hh.members if hh else []) if m.masked),
        "picker_next": request.path, "amending": amending, **form_aids(form, values, hh, request.user),
    }, status=400 if errors else 200)


@require_GET
@requires_capability(ENTER)
def person_row_view(request: HttpRequest, kind: str) -> HttpResponse:
    """htmx: one more new-person row (the "行を追加" button works without JavaScript too)."""
    form = FORMS.get(kind)
    if form is None or form.persons != "rows":
        raise Http404("異動事由が見つかりません。")
    index = max(1, min(parse_id(request.GET.get("index")) or 1, MAX_PERSON_ROWS))
    row = person_row_widgets(index, {}, Errors())
    row["fields"][0].autofocus = True
    return render(request, "registry/_person_row_htmx.html", {
        "row": row, "form": form, "next_index": index + 1, "max_rows": MAX_PERSON_ROWS,
        "relationship_choices": RELATIONSHIPS,
    })
