"""監査ログ検索画面 (/audit/): parse the query, call ``search``, render. Nothing else."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
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
    from .retention import policy

    return render(request, "audit/search.html", {
        "base_template": _base_template(), "form": form, "result": result,
        "query": query.urlencode(), "retention": policy(),
    })


# ---- ログの分析 ([1370]#4) ---------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[dt.date, dt.date, str]:
    """[since, until] as dates from ?since=&until= (西暦 YYYY-MM-DD); default: the last 30 days."""
    from django.utils import timezone

    today = timezone.localdate()
    try:
        since = dt.date.fromisoformat(request.GET.get("since") or (today - dt.timedelta(days=30)).isoformat())
        until = dt.date.fromisoformat(request.GET.get("until") or today.isoformat())
    except ValueError:
        return today - dt.timedelta(days=30), today, "期間は 2026-04-01 の形式で入力してください。"
    if since > until:
        return until, until, "開始日は終了日以前にしてください。"
    return since, until, ""


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime.combine(since, dt.time()))
    return start, timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))


@requires_capability("audit.search")
def reports_view(request: HttpRequest) -> HttpResponse:
    """監査ログの分析: pick an analysis and a period; the table on screen, or its CSV."""
    from .reports import REPORTS, run

    since, until, error = _period(request)
    kind = request.GET.get("kind", "")
    report = run(kind, *_bounds(since, until)) if kind in REPORTS and not error else None
    return render(request, "audit/reports.html", {
        "base_template": _base_template(), "reports": [(k, v[0]) for k, v in REPORTS.items()],
        "kind": kind, "since": since.isoformat(), "until": until.isoformat(), "error": error,
        "report": report, "query": request.GET.urlencode(),
    }, status=400 if error else 200)


@requires_capability("audit.search")
def report_csv_view(request: HttpRequest, report: str) -> HttpResponse:
    from .reports import REPORTS, run

    kind = report
    if kind not in REPORTS:
        raise Http404("分析の種類が見つかりません。")
    since, until, error = _period(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    result = run(kind, *_bounds(since, until))
    # BOM: a spreadsheet opens the Japanese headers correctly
    response = HttpResponse("\ufeff" + result.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}_{since:%Y%m%d}_{until:%Y%m%d}.csv"'
    return response
