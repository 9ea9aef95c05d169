"""バッチ処理 ([1280]): the jobs and their schedules, a direct start with the last parameters
offered again and the changes marked before it starts, the run history with each run's result
and files. The screens only record and queue: the worker runs the job (the counter never waits).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jichitai.accounts.capabilities import CAPABILITIES
from jichitai.accounts.decorators import has_capability, requires_capability
from jichitai.audit.recording import record
from jichitai.jobs import catalogue, params, runner, schedules
from jichitai.jobs.models import WEEKDAYS, Run, RunFile, Schedule, ScheduleKind
from jichitai.registry.errors import RegistryError
from jichitai.wareki import DateInputError, parse_date

from .common import Errors, render_page

BATCH = "registry.batch"
# what the parameters mean, for the jobs' usual keys (a key not listed shows as it is)
PARAM_LABELS = {
    "years": "経過年数（年）",
    "batch_size": "1回に処理する件数",
    "base_date": "基準日（空欄は当日）",
    "ward": "行政区",
    "date": "基準日",
}
SCHEDULE_FIELDS = ("kind", "on_date", "at_time", "weekday", "day_of_month")


def _job(request: HttpRequest, name: str) -> Any:
    try:
        job = catalogue.get(name)
    except catalogue.UnknownJob:
        raise Http404("バッチ処理が見つかりません。") from None
    if not has_capability(request, job.capability):  # a job may ask a right beyond registry.batch
        raise PermissionDenied(CAPABILITIES[job.capability].label)
    return job


def _fields(job: Any, shown: dict[str, Any], last: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "key": k,
            "label": PARAM_LABELS.get(k, k),
            "value": shown.get(k, ""),
            "last": last.get(k, ""),
            "bool": isinstance(d, bool),
            "changed": shown.get(k) != last.get(k),
        }
        for k, d in job.defaults.items()
    ]


@require_GET
@requires_capability(BATCH)
def batch_view(request: HttpRequest) -> HttpResponse:
    sched = list(Schedule.objects.order_by("-active", "next_run_at", "pk")[:200])
    jobs = catalogue.jobs()
    return render_page(
        request,
        "registry/batch.html",
        {
            "jobs": list(jobs.values()),
            "schedules": [
                {
                    "s": s,
                    "when": schedules.describe(s),
                    "title": getattr(jobs.get(s.job_name), "title", s.job_name),
                }
                for s in sched
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@requires_capability(BATCH)
def batch_job_view(request: HttpRequest, job: str) -> HttpResponse:
    """GET: the last parameters offered again. POST confirm: the changes marked. POST run: queued."""
    j = _job(request, job)
    last = params.last_params(j)
    errors = Errors()
    if request.method == "POST":
        raw = {k: request.POST.get(k, "") for k in j.defaults}
        try:
            chosen = params.coerce(j, raw)
        except RegistryError as exc:
            for v in exc.violations:
                errors.add(v.message, v.field, tuple(j.defaults))
        else:
            if request.POST.get("action") == "run":
                try:
                    run = runner.start(j.name, chosen, staff=request.user)
                except RegistryError as exc:
                    for v in exc.violations:
                        errors.add(v.message, v.field, tuple(j.defaults))
                else:
                    messages.success(
                        request, f"「{j.title}」の実行を受け付けました（受付番号 {run.pk}）。"
                    )
                    return HttpResponseRedirect(reverse("registry:batch_run", args=[run.pk]))
            if not errors:
                return render_page(
                    request,
                    "registry/batch_confirm.html",
                    {
                        "job": j,
                        "fields": _fields(j, chosen, last),
                        "changed": params.changed_keys(last, chosen),
                    },
                )
        shown = raw
    else:
        shown = last
    return render_page(
        request,
        "registry/batch_job.html",
        {
            "job": j,
            "fields": _fields(j, shown, last),
            "errors": errors,
            "kinds": ScheduleKind.choices,
            "weekdays": WEEKDAYS,
            "schedule": {},
            "recent": Run.objects.filter(job_name=j.name).order_by("-pk")[:5],
        },
        status=400 if errors else 200,
    )


def _schedule_values(post: Any, errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {"kind": post.get("kind", "")}
    try:
        values["on_date"] = parse_date(post.get("on_date", ""))
    except DateInputError:
        errors.add(
            "年月日の形式が正しくありません（例: 令和9年5月10日、2027-05-10）。",
            "on_date",
            SCHEDULE_FIELDS,
        )
    try:
        values["at_time"] = dt.time.fromisoformat(post.get("at_time", "").strip())
    except ValueError:
        errors.add("時分は 02:30 の形で入力してください。", "at_time", SCHEDULE_FIELDS)
    for name, label in (("weekday", "曜日"), ("day_of_month", "日")):
        text = post.get(name, "").strip()
        if text and not (text.isascii() and text.isdigit() and len(text) <= 2):
            errors.add(f"{label}は数字で入力してください。", name, SCHEDULE_FIELDS)
        values[name] = int(text) if text.isascii() and text.isdigit() and len(text) <= 2 else None
    return values


@require_POST
@requires_capability(BATCH)
def batch_schedule_view(request: HttpRequest, job: str) -> HttpResponse:
    j = _job(request, job)
    errors = Errors()
    values = _schedule_values(request.POST, errors)
    if not errors:
        try:
            s = schedules.add(
                j.name,
                staff=request.user,
                values={k: request.POST.get(k, "") for k in j.defaults},
                **values,
            )
        except RegistryError as exc:
            for v in exc.violations:
                errors.add(v.message, v.field, SCHEDULE_FIELDS + tuple(j.defaults))
        else:
            messages.success(
                request, f"「{j.title}」のスケジュール（{schedules.describe(s)}）を登録しました。"
            )
            return HttpResponseRedirect(reverse("registry:batch"))
    last = params.last_params(j)
    return render_page(
        request,
        "registry/batch_job.html",
        {
            "job": j,
            "fields": _fields(j, {k: request.POST.get(k, "") for k in j.defaults}, last),
            "errors": errors,
            "kinds": ScheduleKind.choices,
            "weekdays": WEEKDAYS,
            "schedule": request.POST,
            "recent": [],
        },
        status=400,
    )


@require_POST
@requires_capability(BATCH)
def batch_schedule_stop_view(request: HttpRequest, schedule_id: int) -> HttpResponse:
    try:
        schedules.stop(schedule_id, staff=request.user)
    except RegistryError:
        raise Http404("スケジュールが見つかりません。") from None
    messages.success(request, "スケジュールを停止しました。")
    return HttpResponseRedirect(reverse("registry:batch"))


@require_GET
@requires_capability(BATCH)
def batch_runs_view(request: HttpRequest) -> HttpResponse:
    titles = {n: j.title for n, j in catalogue.jobs().items()}
    runs = [
        {"r": r, "title": titles.get(r.job_name, r.job_name)}
        for r in Run.objects.order_by("-pk")[:200]
    ]
    return render_page(request, "registry/batch_runs.html", {"runs": runs})


@require_GET
@requires_capability(BATCH)
def batch_run_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = Run.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404("実行結果が見つかりません。")
    job = catalogue.jobs().get(run.job_name)
    rows = [
        {"key": k, "label": PARAM_LABELS.get(k, k), "value": v, "changed": k in run.changed}
        for k, v in run.params.items()
    ]
    return render_page(
        request,
        "registry/batch_run.html",
        {
            "run": run,
            "title": job.title if job else run.job_name,
            "params": rows,
            "files": RunFile.objects.filter(run=run).values("pk", "name", "size").order_by("pk"),
        },
    )


@require_GET
@requires_capability(BATCH)
def batch_run_file_view(request: HttpRequest, run_id: int, file_id: int) -> HttpResponse:
    f = RunFile.objects.filter(pk=file_id, run_id=run_id).first()
    if f is None:
        raise Http404("ファイルが見つかりません。")
    # the file may list residents: its handing out is logged (the job masked what it had to)
    record(
        "print",
        "jobs.file.download",
        subject_type="batch_run",
        subject_id=run_id,
        screen="バッチ処理の実行結果",
        function=f.name,
        detail={"size": f.size},
    )
    kind = "text/csv; charset=utf-8" if f.name.endswith(".csv") else "application/octet-stream"
    response = HttpResponse(bytes(f.content), content_type=kind)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quoted(f.name)}"
    return response


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
