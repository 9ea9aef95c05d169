"""監査ログ検索画面 (/audit/): parse the query, call ``search``, render. Nothing else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from jichitai.accounts.decorators import requires_capability

from .forms import SearchForm
from .search import SearchCriteria, search


def _base_template() -> str:
    try:
        get_template("web/base.html")
    except TemplateDoesNotExist:  # the web shell is optional for this screen
        return "audit/base_standalone.html"
    return "web/base.html"


@requires_capability("audit.search")
def search_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        since, until = form.range()
        criteria = SearchCriteria(
            subject_type=form.cleaned_data["subject_type"].strip(),
            subject_id=form.cleaned_data["subject_id"].strip(),
            username=form.cleaned_data["username"].strip(),
            since=since, until=until, category=form.cleaned_data["category"],
        )
        try:
            page = int(request.GET.get("page", "1"))
        except ValueError:
            page = 1
        result = search(criteria, page=page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {
        "base_template": _base_template(), "form": form, "result": result,
        "query": query.urlencode(),
    })
