"""住民検索 ([340]), also the picker of the 異動 forms: ``?pick=household|person&field=…&next=…``
puts a 「選ぶ」 link on every row that may be picked (never on a masked one).

Each new search's conditions go to the staff member's 検索履歴 ([320], registry/search_history.py);
``?history=ID`` re-runs one, ``?history=ID&fill=1`` puts its conditions into the form only.
There is no 絞込み ([340]#11 must-not): every search runs over the whole register, never over the
list shown, and no parameter carries a previous result into the next search.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from jichitai.accounts.decorators import requires_capability
from jichitai.registry import holds, search_history, selectors
from jichitai.registry.errors import RegistryError
from jichitai.registry.selectors.search import MAX_PAGE
from jichitai.registry.selectors.search_items import BLANKS, MATCHES, REMOVALS

from .. import search_form
from .common import READ, Errors, options_html, parse_id, render_page, safe_next, with_params

KNOWN = (*search_form.TEXT, "blank")
PICK_FIELDS = {"household": ("household", "to_household_id", "existing_household_id"),
               "person": ("person_id", "person", "against_person_id")}


def _picker(request: HttpRequest) -> dict[str, str] | None:
    g = request.GET
    kind, target = g.get("pick", ""), safe_next(request, g.get("next"))
    field = g.get("field", "") or ("household" if kind == "household" else "person_id")
    if kind not in PICK_FIELDS or field not in PICK_FIELDS[kind] or not target:
        return None
    return {"kind": kind, "field": field, "next": target}


def _from_history(request: HttpRequest) -> HttpResponse | dict | None:
    """``?history=ID``: a redirect that re-runs it, or (``fill=1``) its values for the form."""
    entry_id = parse_id(request.GET.get("history"))
    if entry_id is None:
        return None
    entry = search_history.entry(request.user, entry_id)
    if entry is None:  # not this staff member's, or another municipality's: as if it never was
        return None
    if request.GET.get("fill"):
        return search_form.values_of(entry.params)
    params = [(k, v) for k, v in entry.params.items() if k != "blank"]
    params += [("blank", b) for b in entry.params.get("blank", [])]
    return HttpResponseRedirect(f"{reverse('registry:search')}?{urlencode(params)}")


def _run(request: HttpRequest, values: dict, errors: Errors) -> selectors.SearchPage | None:
    number = parse_id(request.GET.get("page")) or 1
    query, problems = search_form.to_query(values, address_id=parse_id(values["address_id"]),
                                           page=min(number, MAX_PAGE))
    for message, field in problems:
        errors.add(message, field, KNOWN)
    if query is None:
        return None
    try:
        page = selectors.search(query, staff=request.user)
    except RegistryError as exc:
        for v in exc.violations:
            errors.add(v.message, v.field, KNOWN)
        return None
    if number == 1:  # a new search, not a turn of the page
        towns = {str(pk): name for pk, name in selectors.address_choices()}
        search_history.record(request.user, search_form.params_of(values), search_form.describe(values, towns))
    return page


@require_GET
@requires_capability(READ)
def search_view(request: HttpRequest) -> HttpResponse:
    errors = Errors()
    from_history = _from_history(request)
    if isinstance(from_history, HttpResponse):
        return from_history
    values = from_history or search_form.values_of(request.GET)
    # ?fill=1 (文字選択's link, [340]#7): put the values into the form, do not search yet
    submitted = from_history is None and not request.GET.get("fill") and search_form.submitted(values)
    picker = _picker(request)
    page = _run(request, values, errors) if submitted else None
    params = [(k, v) for k, v in search_form.params_of(values).items() if k != "blank"]
    params += [("blank", b) for b in values["blank"]]
    if picker:
        params += [("pick", picker["kind"]), ("field", picker["field"]), ("next", picker["next"])]
    picks = {}
    if page and picker:
        for r in page.results:
            target = r.household_id if picker["kind"] == "household" else r.id
            if not r.masked and target:
                picks[r.id] = with_params(picker["next"], {picker["field"]: target})
    return render_page(request, "registry/search.html", {
        "values": values, "page": page, "errors": errors, "submitted": submitted,
        "address_options": options_html([("", "指定しない"), *selectors.address_choices()], values["address_id"]),
        "sex_options": options_html([("", "指定しない"), *search_form.SEXES.items()], values["sex"]),
        "removal_options": options_html([("", "指定しない"), *REMOVALS.items()], values["removal"]),
        "matches": list(MATCHES.items()), "blanks": [(k, v[1]) for k, v in BLANKS.items()],
        "history": search_history.recent(request.user),
        "base_query": urlencode(params), "picker": picker, "picks": picks,
        # [410]#7: who is under a hold (a masked row has no id, so no mark either)
        "held": holds.marks(r.id for r in page.results if r.id) if page else set(),
    })
