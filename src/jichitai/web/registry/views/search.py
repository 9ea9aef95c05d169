"""住民検索 ([340]), also the picker of the 異動 forms: ``?pick=household|person&field=…&next=…``
puts a 「選ぶ」 link on every row that may be picked (never on a masked one)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from jichitai.accounts.decorators import requires_capability
from jichitai.registry import holds, selectors
from jichitai.registry.errors import RegistryError
from jichitai.registry.selectors.search import MAX_PAGE
from jichitai.wareki import DateInputError, parse_date

from .common import READ, Errors, options_html, parse_id, render_page, safe_next, with_params

KNOWN = ("name", "kana", "birth_date", "address_id", "banchi", "my_number", "resident_code")
PICK_FIELDS = {"household": ("household", "to_household_id", "existing_household_id"),
               "person": ("person_id", "person", "against_person_id")}


def _picker(request: HttpRequest) -> dict[str, str] | None:
    g = request.GET
    kind, target = g.get("pick", ""), safe_next(request, g.get("next"))
    field = g.get("field", "") or ("household" if kind == "household" else "person_id")
    if kind not in PICK_FIELDS or field not in PICK_FIELDS[kind] or not target:
        return None
    return {"kind": kind, "field": field, "next": target}


@require_GET
@requires_capability(READ)
def search_view(request: HttpRequest) -> HttpResponse:
    g = request.GET
    errors = Errors()
    values = {k: g.get(k, "").strip() for k in KNOWN}
    page = None
    submitted = any(values.values())
    picker = _picker(request)
    if submitted:
        birth = None
        try:
            birth = parse_date(values["birth_date"])
        except DateInputError:
            errors.add("生年月日の形式が正しくありません（例: 1980-05-01、昭和55年5月1日）。", "birth_date", KNOWN)
        number = parse_id(g.get("page")) or 1
        query = selectors.SearchQuery(
            name=values["name"], kana=values["kana"], birth_date=birth, address_id=parse_id(values["address_id"]),
            banchi=values["banchi"], my_number=values["my_number"], resident_code=values["resident_code"],
            include_removed=bool(g.get("include_removed")), page=min(number, MAX_PAGE),
        )
        if not errors:
            try:
                page = selectors.search(query, staff=request.user)
            except RegistryError as exc:
                for v in exc.violations:
                    errors.add(v.message, v.field, KNOWN)
    params = {k: v for k, v in values.items() if v}
    if g.get("include_removed"):
        params["include_removed"] = "1"
    if picker:
        params.update({"pick": picker["kind"], "field": picker["field"], "next": picker["next"]})
    picks = {}
    if page and picker:
        for r in page.results:
            target = r.household_id if picker["kind"] == "household" else r.id
            if not r.masked and target:
                picks[r.id] = with_params(picker["next"], {picker["field"]: target})
    return render_page(request, "registry/search.html", {
        "values": values, "include_removed": bool(g.get("include_removed")), "page": page,
        "errors": errors, "submitted": submitted,
        "address_options": options_html([("", "指定しない"), *selectors.address_choices()], values["address_id"]),
        "base_query": urlencode(params), "picker": picker, "picks": picks,
        # [410]#7: who is under a hold (a masked row has no id, so no mark either)
        "held": holds.marks(r.id for r in page.results if r.id) if page else set(),
    })
