"""住民記録の画面: thin views over ``jichitai.registry`` (services, search, support).

Every view runs under the request's TenantContext (``tenant_required`` / ``requires_role``); ids of
another municipality are simply not found by the tenant-scoped domain (RegistryError "not_found")
and answer 404, exactly like ids that do not exist.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jichitai.accounts.decorators import has_role, requires_role
from jichitai.accounts.models import Role
from jichitai.registry import rules, services, support
from jichitai.registry.errors import DuplicateSuspected, RegistryError, RuleViolation
from jichitai.registry.models import (
    AddressEntry,
    Household,
    Person,
    PersonStatus,
    RegistryEvent,
    SupportMeasure,
)
from jichitai.registry.search import (
    MY_NUMBER_ROLE,
    PersonSummary,
    SearchQuery,
    address_text,
    person_detail,
    search,
)

from . import display
from .forms import (
    CHANGE_ROWS,
    CORRECTABLE,
    EVENT_FIELDS,
    FOREIGN_FIELDS,
    FORMS,
    MAX_PERSON_ROWS,
    PERSON_FIELDS,
    PERSON_ROWS,
    RELATIONSHIPS,
    Field,
    KindForm,
    build_request,
    person_rows,
    row_prefix,
)
from .wareki import DateInputError, parse_date

# The register's business roles read residents; admins and auditors do not (need to know).
READ_ROLES = (Role.CLERK, Role.APPROVER, Role.MY_NUMBER_ACCESS, Role.SUPPORT_MEASURE)
ENTRY_ROLES = (Role.CLERK,)
APPROVER_ROLES = (Role.APPROVER,)
SUPPORT_ROLES = (Role.SUPPORT_MEASURE,)


def _not_found(exc: RegistryError) -> bool:
    return any(v.rule == "not_found" for v in exc.violations)


def _nav(request: HttpRequest) -> dict[str, bool]:
    return {
        "can_read": has_role(request, *READ_ROLES),
        "can_enter": has_role(request, *ENTRY_ROLES),
        "can_approve": has_role(request, *APPROVER_ROLES),
        "can_support": has_role(request, *SUPPORT_ROLES),
        "can_my_number": has_role(request, MY_NUMBER_ROLE),
    }


_ACTIVE = {"search": "search", "person": "search", "household": "search", "event_form": "events",
           "event_menu": "events", "approvals": "approvals", "support": "support"}


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    page = template.rsplit("/", 1)[-1].removesuffix(".html")
    return render(request, template, {"nav": _nav(request), "active": _ACTIVE.get(page, ""), **context},
                  status=status)


@dataclass
class Errors:
    """Messages per field id (shown next to the field, aria-describedby) and a summary list."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)  # (message, anchor id or "")

    def add(self, message: str, anchor_name: str = "", known: Iterable[str] = ()) -> None:
        name = anchor_name if anchor_name in set(known) else ""
        if name:
            self.by_field.setdefault(name, []).append(message)
        self.summary.append((message, f"f-{name}" if name else ""))

    def __bool__(self) -> bool:
        return bool(self.summary)


def _address_choices() -> list[tuple[int, str]]:
    return [(a.pk, f"{a.name}（{a.town_code}）") for a in AddressEntry.objects.order_by("town_code")]


# ---------------------------------------------------------------------------------------------
# 住民検索


@require_GET
@requires_role(*READ_ROLES)
def search_view(request: HttpRequest) -> HttpResponse:
    g = request.GET
    errors = Errors()
    known = ("name", "kana", "birth_date", "address_id", "banchi", "my_number", "resident_code")
    values = {k: g.get(k, "").strip() for k in known}
    page = None
    submitted = any(values.values())
    if submitted:
        birth = None
        try:
            birth = parse_date(values["birth_date"])
        except DateInputError:
            errors.add("生年月日の形式が正しくありません（例: 1980-05-01、昭和55年5月1日）。", "birth_date", known)
        address_id = int(values["address_id"]) if values["address_id"].isdigit() else None
        try:
            number = int(g.get("page", "1"))
        except ValueError:
            number = 1
        query = SearchQuery(
            name=values["name"], kana=values["kana"], birth_date=birth, address_id=address_id,
            banchi=values["banchi"], my_number=values["my_number"],
            resident_code=values["resident_code"], include_removed=bool(g.get("include_removed")),
            page=number,
        )
        if not errors:
            try:
                page = search(query, staff=request.user)
            except RegistryError as exc:
                for v in exc.violations:
                    errors.add(v.message, v.field, known)
    params = {k: v for k, v in values.items() if v}
    if g.get("include_removed"):
        params["include_removed"] = "1"
    return _render(request, "registry/search.html", {
        "values": values, "include_removed": bool(g.get("include_removed")), "page": page,
        "errors": errors, "addresses": _address_choices(), "submitted": submitted,
        "base_query": urlencode(params),
    })


# ---------------------------------------------------------------------------------------------
# 住民照会


def _person_context(request: HttpRequest, person_id: int, *, show_my_number: bool) -> dict[str, Any]:
    try:
        detail = person_detail(person_id, staff=request.user, show_my_number=show_my_number)
    except RegistryError as exc:
        if _not_found(exc):
            raise Http404("住民が見つかりません。") from None
        raise
    ctx: dict[str, Any] = {"detail": detail, "person_id": person_id, "errors": Errors()}
    if detail.masked or detail.person is None:
        return ctx
    p = detail.person
    shown = detail.my_number_shown
    ctx["items"] = display.record_items(display.person_row(p), my_number_shown=shown)
    ctx["address"] = address_text(p.household)
    ctx["timeline"] = display.timeline(detail.history, my_number_shown=shown)
    as_of_text = request.GET.get("as_of", "").strip()
    ctx["as_of_text"] = as_of_text
    if as_of_text:
        try:
            day = parse_date(as_of_text)
        except DateInputError:
            ctx["errors"].add("基準日の形式が正しくありません（例: 2019-04-01、平成31年4月1日）。", "as_of", ("as_of",))
            day = None
        if day is not None:
            row = services.as_of(person_id, day)
            ctx["as_of_date"] = day
            ctx["as_of_items"] = display.record_items(row, my_number_shown=shown) if row else None
            if row and row.get("household_id"):
                hh = services.household_as_of(int(row["household_id"]), day)
                if hh:
                    ctx["as_of_address"] = _address_of_row(hh)
    return ctx


def _address_of_row(row: Mapping[str, Any]) -> str:
    name = AddressEntry.objects.filter(pk=row.get("address_id")).values_list("name", flat=True).first() or ""
    katagaki = row.get("katagaki") or ""
    return f"{name}{row.get('banchi') or ''}{('　' + katagaki) if katagaki else ''}"


@require_GET
@requires_role(*READ_ROLES)
def person_view(request: HttpRequest, person_id: int) -> HttpResponse:
    return _render(request, "registry/person.html", _person_context(request, person_id, show_my_number=False))


@require_POST
@requires_role(MY_NUMBER_ROLE)
def person_my_number_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """「個人番号を表示」: a separate POST; the read is logged with my_number_shown."""
    return _render(request, "registry/person.html", _person_context(request, person_id, show_my_number=True))


# ---------------------------------------------------------------------------------------------
# 世帯照会


def _members(household_id: int, *, staff: Any, screen: str) -> list[PersonSummary]:
    members = list(
        Person.objects.for_read(screen=screen, function="household.members")
        .filter(household_id=household_id, status=PersonStatus.RESIDENT)
        .select_related("household", "household__address")
        .order_by("pk")
    )
    hidden = support.screen_persons([m.pk for m in members], staff=staff, screen=screen,
                                    function="household.members")
    out = []
    for m in members:
        if m.pk in hidden:
            out.append(PersonSummary(m.pk, m.atena_no, support.MASK, "", None, "", m.status,
                                     m.get_status_display(), display.HIDDEN, None, "", masked=True))
        else:
            out.append(PersonSummary(
                m.pk, m.atena_no, m.full_name, f"{m.family_name_kana}\u3000{m.given_name_kana}".strip(),
                m.birth_date, m.get_sex_display(), m.status, m.get_status_display(),
                address_text(m.household), m.household_id, m.relationship,
            ))
    out.sort(key=lambda s: (s.relationship != services.HEAD, s.id))
    return out


def _household(household_id: int) -> Household:
    try:
        return Household.objects.select_related("address").get(pk=household_id)
    except Household.DoesNotExist:
        raise Http404("世帯が見つかりません。") from None


@require_GET
@requires_role(*READ_ROLES)
def household_view(request: HttpRequest, household_id: int) -> HttpResponse:
    hh = _household(household_id)
    members = _members(hh.pk, staff=request.user, screen="世帯照会")
    kinds = [f for f in FORMS.values() if f.needs_household]
    return _render(request, "registry/household.html", {
        "household": hh, "address": address_text(hh), "members": members, "kinds": kinds,
    })


# ---------------------------------------------------------------------------------------------
# 異動入力


@require_GET
@requires_role(*ENTRY_ROLES)
def event_menu_view(request: HttpRequest) -> HttpResponse:
    hh = request.GET.get("household", "")
    return _render(request, "registry/event_menu.html", {
        "forms": list(FORMS.values()), "household": hh if hh.isdigit() else "",
    })


@dataclass
class Widget:
    """One rendered input: its Field, POST name, id, value, errors, options."""

    f: Field
    name: str
    id: str
    value: Any = ""
    errors: list[str] = field(default_factory=list)
    autofocus: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)

    @property
    def described_by(self) -> str:
        ids = []
        if self.f.help:
            ids.append(f"{self.id}-help")
        if self.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


def _widget(f: Field, name: str, values: Mapping[str, Any], errors: Errors, **kw: Any) -> Widget:
    value = values.get(name, "")
    if not value and f.name == "resident_type":
        value = "japanese"
    return Widget(f, name, f"f-{name}", value, errors.by_field.get(name, []), **kw)


@dataclass
class FormPage:
    form: KindForm
    head: list[Widget]
    rows: list[dict[str, Any]]  # persons rows: {"index", "fields": [Widget], "foreign": [Widget]}
    members: list[PersonSummary]
    changes: list[dict[str, Any]]
    relationships: list[tuple[PersonSummary, Widget]]


def _member_options(members: list[PersonSummary]) -> list[tuple[str, str]]:
    return [("", "選択してください")] + [
        (str(m.id), f"{m.name}（{m.relationship or '—'}・住民ID {m.id}）") for m in members
    ]


def _build_page(form: KindForm, values: Mapping[str, Any], errors: Errors, members: list[PersonSummary],
                addresses: list[tuple[int, str]], rows: int, checked: set[str]) -> FormPage:
    head = []
    for f in form.fields:
        options: list[tuple[str, str]] = list(f.choices)
        if f.widget == "address":
            options = [("", "選択してください")] + [(str(pk), name) for pk, name in addresses]
        elif f.widget == "member":
            options = _member_options(members)
        head.append(_widget(f, f.name, values, errors, options=options))
    person_rows_: list[dict[str, Any]] = []
    if form.persons == "rows":
        for i in range(1, rows + 1):
            prefix = row_prefix(i)
            person_rows_.append({
                "index": i, "prefix": prefix,
                "fields": [_widget(f, prefix + f.name, values, errors, options=list(f.choices))
                           for f in PERSON_FIELDS],
                "foreign": [_widget(f, prefix + f.name, values, errors) for f in FOREIGN_FIELDS],
            })
    elif form.persons == "one":
        from .forms import BIRTH_FIELDS

        person_rows_.append({
            "index": 1, "prefix": "person-",
            "fields": [_widget(f, "person-" + f.name, values, errors, options=list(f.choices))
                       for f in BIRTH_FIELDS],
            "foreign": [],
        })
    changes = []
    if form.changes:
        choices = CORRECTABLE if form.changes == "person" else EVENT_FIELDS
        for i in range(1, CHANGE_ROWS + 1):
            changes.append({
                "index": i,
                "field": _widget(Field(f"change-{i}-field", f"項目{i}", "select"), f"change-{i}-field", values, errors,
                                 options=[("", "選択してください"), *choices]),
                "entity_id": _widget(Field(f"change-{i}-entity_id", f"対象の住民ID・世帯ID{i}"),
                                     f"change-{i}-entity_id", values, errors),
                "value": _widget(Field(f"change-{i}-value", f"修正後の値{i}"), f"change-{i}-value", values, errors),
            })
    rel = []
    if any(f.widget == "relationships" for f in form.fields):
        for m in members:
            rel.append((m, _widget(Field(f"rel-{m.id}", f"{m.name}の続柄"), f"rel-{m.id}", values, errors)))
    page = FormPage(form, head, person_rows_, members, changes, rel)
    # autofocus: the first field with an error, else the first field
    all_widgets = [*(w for w in head if w.f.widget not in ("members", "relationships")), *(w for r in person_rows_ for w in r["fields"] + r["foreign"])]
    target = next((w for w in all_widgets if w.errors), None) if errors.by_field else None
    if target is None and all_widgets and not errors:
        target = all_widgets[0]
    if target is not None:
        target.autofocus = True
    page.checked = checked  # type: ignore[attr-defined]
    return page


def _known_names(form: KindForm, rows: int, members: list[PersonSummary]) -> set[str]:
    names = {f.name for f in form.fields} | {"persons", "household"}
    if form.persons == "rows":
        for i in range(1, rows + 1):
            names |= {row_prefix(i) + f.name for f in (*PERSON_FIELDS, *FOREIGN_FIELDS)}
    elif form.persons == "one":
        names |= {"person-" + f.name for f in PERSON_FIELDS}
    names |= {f"rel-{m.id}" for m in members}
    names |= {f"change-{i}-{p}" for i in range(1, CHANGE_ROWS + 1) for p in ("field", "value", "entity_id")}
    return names


_FIELD_ALIASES = {
    "household_id": "existing_household_id", "address_id": "address_id", "head": "persons",
    "head_ref": "persons", "reason": "reason", "approver": "", "idempotency_key": "",
}


def _anchor(v: RuleViolation, form: KindForm, known: set[str]) -> str:
    name = v.field
    if name in known:
        return name
    alias = _FIELD_ALIASES.get(name, name)
    if alias in known:
        return alias
    if form.persons == "one" and f"person-{name}" in known:
        return f"person-{name}"
    if form.persons == "rows" and name in {f.name for f in (*PERSON_FIELDS, *FOREIGN_FIELDS)}:
        return "persons"
    if name in ("person_id", "new_head_id", "remaining_head_id") and "person_ids" in known:
        return "person_ids"
    return ""


def _row_violations(form: KindForm, req: Mapping[str, Any], eff: dt.date | None) -> list[RuleViolation]:
    """Each new person checked on its own, so that a message lands on its row's field."""
    out = []
    specs: list[tuple[str, Mapping[str, Any]]] = []
    if form.persons == "rows":
        specs = [(row_prefix(int(s["ref"][1:])), s) for s in req.get("persons") or []]
    elif form.persons == "one" and req.get("person"):
        specs = [("person-", {**req["person"], "birth_date": eff.isoformat() if eff else None})]
    for prefix, spec in specs:
        try:
            rules.validate_new_person(spec)
        except RegistryError as exc:
            out += [RuleViolation(v.rule, v.message, prefix + v.field if v.field else "") for v in exc.violations]
    return out


def _context_household(request: HttpRequest, form: KindForm) -> tuple[str, Household | None, list[PersonSummary]]:
    hid = (request.POST.get("household") if request.method == "POST" else request.GET.get("household")) or ""
    hid = hid.strip()
    if not form.needs_household or not hid:
        return hid, None, []
    if not hid.isdigit():
        raise Http404("世帯が見つかりません。")
    hh = _household(int(hid))
    if not hh.active:
        raise Http404("世帯が見つかりません。")
    return hid, hh, _members(hh.pk, staff=request.user, screen="異動入力")


@require_http_methods(["GET", "POST"])
@requires_role(*ENTRY_ROLES)
def event_form_view(request: HttpRequest, kind: str) -> HttpResponse:
    form = FORMS.get(kind)
    if form is None:
        raise Http404("異動事由が見つかりません。")
    hid, hh, members = _context_household(request, form)
    errors = Errors()
    warnings: list[RuleViolation] = []
    post = request.POST
    rows = person_rows(post) if request.method == "POST" else PERSON_ROWS
    values: dict[str, Any] = {}
    checked: set[str] = set()
    key = post.get("idempotency_key") or uuid.uuid4().hex
    if request.method == "GET":
        values = {"reported_date": "", "effective_date": ""}
        if request.GET.get("person", "").isdigit():
            values["person_id"] = request.GET["person"]
            checked.add(request.GET["person"])
    else:
        values = {k: post.get(k, "") for k in post}
        checked = set(post.getlist("person_ids"))
        action = post.get("_action", "submit")
        if action == "add_row":
            rows = min(rows + 1, MAX_PERSON_ROWS)
        elif not (form.needs_household and hh is None):
            built = build_request(form, post, post.getlist)
            known = _known_names(form, rows, members)
            for v in built.errors:
                errors.add(v.message, _anchor(v, form, known), known)
            if not built.errors:
                for v in _row_violations(form, built.request, built.effective_date):
                    errors.add(v.message, _anchor(v, form, known), known)
            if not errors and built.effective_date is not None:
                try:
                    sub = services.submit_event(
                        kind, built.request, effective_date=built.effective_date,
                        reported_date=built.reported_date, entered_by=request.user,
                        confirm_duplicates=bool(post.get("confirm_duplicates")), idempotency_key=key,
                    )
                except DuplicateSuspected as exc:
                    warnings = exc.violations
                except RegistryError as exc:
                    for v in exc.violations:
                        errors.add(v.message, _anchor(v, form, known), known)
                else:
                    if sub.replayed:
                        messages.info(request, f"この届出は既に仮登録されています（受付番号 {sub.event.pk}）。")
                    else:
                        messages.success(
                            request,
                            f"{form.label}を仮登録しました（受付番号 {sub.event.pk}）。"
                            "決裁者が決裁すると住民記録に反映されます。",
                        )
                    return HttpResponseRedirect(reverse("registry:event_menu"))
    page = _build_page(form, values, errors, members, _address_choices(), rows, checked)
    if request.method == "POST" and post.get("_action") == "add_row" and page.rows:
        for w in page.head + [w for r in page.rows for w in r["fields"]]:
            w.autofocus = False
        page.rows[-1]["fields"][0].autofocus = True
    status = 200 if not errors else 400
    return _render(request, "registry/event_form.html", {
        "page": page, "form": form, "errors": errors, "warnings": warnings, "idempotency_key": key,
        "rows": rows, "household": hh, "household_id": hid, "relationship_choices": RELATIONSHIPS,
        "max_rows": MAX_PERSON_ROWS, "confirm_duplicates": bool(post.get("confirm_duplicates")),
    }, status=status)


@require_GET
@requires_role(*ENTRY_ROLES)
def person_row_view(request: HttpRequest, kind: str) -> HttpResponse:
    """htmx: one more new-person row (the "行を追加" button works without JavaScript too)."""
    form = FORMS.get(kind)
    if form is None or form.persons != "rows":
        raise Http404("異動事由が見つかりません。")
    try:
        index = max(1, min(int(request.GET.get("index", "1")), MAX_PERSON_ROWS))
    except ValueError:
        index = 1
    prefix = row_prefix(index)
    errors = Errors()
    row = {
        "index": index, "prefix": prefix,
        "fields": [_widget(f, prefix + f.name, {}, errors, options=list(f.choices)) for f in PERSON_FIELDS],
        "foreign": [_widget(f, prefix + f.name, {}, errors) for f in FOREIGN_FIELDS],
    }
    row["fields"][0].autofocus = True
    return render(request, "registry/_person_row_htmx.html", {
        "row": row, "form": form, "next_index": index + 1, "max_rows": MAX_PERSON_ROWS,
        "relationship_choices": RELATIONSHIPS,
    })


# ---------------------------------------------------------------------------------------------
# 決裁待ち一覧


@dataclass
class QueueItem:
    event: RegistryEvent
    view: display.RequestView | None  # None: masked (支援措置, approver without the role)
    masked_text: str
    errors: list[str]
    reason: str = ""


def _queue(request: HttpRequest, errors: Mapping[int, list[str]] | None = None,
           reasons: Mapping[int, str] | None = None) -> list[QueueItem]:
    """``services.approval_queue``: 個人番号 hidden, 支援措置 cases masked and alerted."""
    queued = services.approval_queue(staff=request.user)
    person_ids: set[int] = set()
    address_ids: set[int] = set()
    for q in queued:
        if not q.masked:
            p, a = display.request_ids(q.request)
            person_ids |= p
            address_ids |= a
    names = display.load_names(person_ids, staff=request.user, screen="決裁待ち一覧")
    addresses = display.address_names(address_ids)
    return [
        QueueItem(
            q.event,
            None if q.masked else display.describe_request(q.event.kind, q.request, names, addresses),
            str(q.request.get("masked", "")) if q.masked else "",
            list((errors or {}).get(q.event.pk, [])), (reasons or {}).get(q.event.pk, ""),
        )
        for q in queued
    ]


@require_GET
@requires_role(*APPROVER_ROLES)
def approvals_view(request: HttpRequest) -> HttpResponse:
    return _render(request, "registry/approvals.html", {"items": _queue(request)})


def _event_or_404(event_id: int) -> RegistryEvent:
    try:
        return RegistryEvent.objects.get(pk=event_id)
    except RegistryEvent.DoesNotExist:
        raise Http404("異動が見つかりません。") from None


@require_POST
@requires_role(*APPROVER_ROLES)
def approve_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(event_id)
    try:
        services.approve_event(event.pk, approver=request.user)
    except RegistryError as exc:
        if _not_found(exc) and any(v.field == "event_id" for v in exc.violations):
            raise Http404("異動が見つかりません。") from None
        for message in exc.messages:
            messages.error(request, f"受付番号 {event.pk}（{event.get_kind_display()}）: {message}")
    else:
        messages.success(request, f"受付番号 {event.pk}（{event.get_kind_display()}）を決裁しました。住民記録に反映されました。")
    return HttpResponseRedirect(reverse("registry:approvals"))


@require_POST
@requires_role(*APPROVER_ROLES)
def approve_bulk_view(request: HttpRequest) -> HttpResponse:
    """一括決裁: the ticked events in one transaction; each refusal is reported, the rest applied."""
    ids = [int(v) for v in request.POST.getlist("event") if v.isdigit()]
    if not ids:
        messages.error(request, "一括決裁する異動を選んでください。")
        return HttpResponseRedirect(reverse("registry:approvals"))
    result = services.approve_events(ids, approver=request.user)
    kinds = dict(RegistryEvent.objects.filter(pk__in=ids).values_list("pk", "kind"))
    labels = dict(RegistryEvent._meta.get_field("kind").flatchoices)
    if result.approved:
        messages.success(request, f"{len(result.approved)}件の異動を決裁しました。住民記録に反映されました。")
    for pk, exc in result.refused.items():
        what = f"受付番号 {pk}（{labels.get(kinds[pk], '')}）" if pk in kinds else f"受付番号 {pk}"
        for message in exc.messages:
            messages.error(request, f"{what}: {message}")
    return HttpResponseRedirect(reverse("registry:approvals"))


@require_POST
@requires_role(*APPROVER_ROLES)
def reject_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(event_id)
    reason = request.POST.get("reason", "")
    try:
        services.reject_event(event.pk, approver=request.user, reason=reason)
    except RegistryError as exc:
        return _render(request, "registry/approvals.html", {
            "items": _queue(request, {event.pk: exc.messages}, {event.pk: reason}),
            "focus_event": event.pk,
        }, status=400)
    messages.success(request, f"受付番号 {event.pk}（{event.get_kind_display()}）を却下しました。")
    return HttpResponseRedirect(reverse("registry:approvals"))


# ---------------------------------------------------------------------------------------------
# 支援措置管理

SUPPORT_REASONS = ("DV（配偶者からの暴力）", "ストーカー行為等", "児童虐待等", "その他これらに準ずる")


@require_http_methods(["GET", "POST"])
@requires_role(*SUPPORT_ROLES)
def support_view(request: HttpRequest) -> HttpResponse:
    errors = Errors()
    known = ("person_id", "start_date", "reason", "months", "against_person_id", "against_name")
    values = {k: request.POST.get(k, "").strip() for k in known} if request.method == "POST" else {
        "person_id": request.GET.get("person", ""), "months": "12"}
    if request.method == "POST":
        start = None
        try:
            start = parse_date(values["start_date"])
        except DateInputError:
            errors.add("開始日の形式が正しくありません（例: 2024-04-01）。", "start_date", known)
        if start is None and "start_date" not in errors.by_field:
            errors.add("開始日を入力してください。", "start_date", known)
        pid = values["person_id"]
        if not pid.isdigit():
            errors.add("対象者の住民IDを数字で入力してください。", "person_id", known)
        months = int(values["months"]) if values["months"].isdigit() and 1 <= int(values["months"]) <= 36 else None
        if months is None:
            errors.add("期間（月数）は1〜36で入力してください。", "months", known)
        against: list[dict[str, Any]] = []
        if values["against_person_id"] or values["against_name"]:
            if values["against_person_id"] and not values["against_person_id"].isdigit():
                errors.add("加害者等の住民IDは数字で入力してください。", "against_person_id", known)
            else:
                against.append({"person_id": int(values["against_person_id"]) if values["against_person_id"] else None,
                                "name": values["against_name"]})
        if not errors and start is not None and months is not None:
            try:
                m = support.start_measure(int(pid), start=start, reason=values["reason"], against=against,
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
    return _render(request, "registry/support.html", {
        "rows": rows, "errors": errors, "values": values, "reasons": SUPPORT_REASONS,
    }, status=400 if errors else 200)


def _measure_or_404(measure_id: int) -> SupportMeasure:
    if not SupportMeasure.objects.filter(pk=measure_id).exists():
        raise Http404("支援措置が見つかりません。")
    return SupportMeasure.objects.get(pk=measure_id)


@require_POST
@requires_role(*SUPPORT_ROLES)
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
@requires_role(*SUPPORT_ROLES)
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

