"""統計の画面 ([1080]): the 住民基本台帳関係年報 and the 入管 定期報告 tables for a 基準日 (和暦),
with charts drawn as server-side SVG, and the same report as CSV or XLSX. Aggregate only: the
screen links to no person and lists none."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from jichitai.accounts.decorators import requires_capability
from jichitai.audit.recording import Category, record
from jichitai.registry import statistics
from jichitai.registry.statistics import charts, export
from jichitai.tenancy.context import current
from jichitai.wareki import DateInputError, format_date, parse_date

from .common import render_page

SCREEN = "統計"


def _default_date() -> dt.date:
    """The 年報's 基準日: 1月1日 of this year."""
    return timezone.localdate().replace(month=1, day=1)


def _params(request: HttpRequest) -> tuple[dt.date | None, dt.date | None, list[str]]:
    errors: list[str] = []
    on = start = None
    for name, label in (("date", "基準日"), ("start", "集計期間の開始日")):
        raw = request.GET.get(name, "")
        try:
            value = parse_date(raw[:40])
        except DateInputError as exc:
            errors.append(
                f"{label}: {exc.message or '日付の形式が正しくありません（例: 令和7年1月1日、2025-01-01）。'}"
            )
            continue
        if name == "date":
            on = value or _default_date()
        else:
            start = value
    return on, start, errors


def _municipality() -> str:
    from jichitai.tenancy.models import Municipality

    m = Municipality.objects.filter(pk=current().municipality_id).first()
    return f"{m.name}（{m.code}）" if m else ""


def _report(request: HttpRequest) -> tuple[statistics.Report | None, list[str]]:
    on, start, errors = _params(request)
    if errors or on is None:
        return None, errors
    try:
        return statistics.report(on, start=start), []
    except statistics.StatisticsError as exc:
        return None, [exc.message]


def _log(request: HttpRequest, report: statistics.Report, output: str) -> None:
    record(
        Category.OPERATION,
        "registry.statistics",
        screen=SCREEN,
        function="registry.statistics",
        detail={
            "reference_date": report.reference_date.isoformat(),
            "start": report.start.isoformat(),
            "output": output,
        },
    )


@require_GET
@requires_capability(statistics.CAPABILITY)
def statistics_view(request: HttpRequest) -> HttpResponse:
    report, errors = _report(request)
    if report is not None:
        _log(request, report, "screen")
    return render_page(
        request,
        "registry/statistics.html",
        {
            "report": report,
            "errors": errors,
            "charts": charts.charts(report) if report else (),
            "heading": export.heading(report, _municipality()) if report else [],
            "date_text": request.GET.get("date", "")
            if errors
            else format_date(report.reference_date if report else _default_date()),
            "start_text": request.GET.get("start", "")
            if errors or not request.GET.get("start")
            else format_date(report.start if report else None),
            "query": request.GET.urlencode(),
        },
        status=400 if errors else 200,
    )


@require_GET
@requires_capability(statistics.CAPABILITY)
def statistics_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in export.FORMATS:
        return HttpResponse(
            "出力形式は csv か xlsx です。", status=404, content_type="text/plain; charset=utf-8"
        )
    report, errors = _report(request)
    if report is None:
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    _log(request, report, fmt)
    response = HttpResponse(
        export.render(report, _municipality(), fmt), content_type=export.FORMATS[fmt]
    )
    response["Content-Disposition"] = (
        f'attachment; filename="statistics-{report.reference_date.isoformat()}.{fmt}"'
    )
    return response
