"""EUC の大量抽出の画面 ([1360]#4, #5): hand an extraction to the batch worker, list one's own
batches with their state, and download one's own file. The request only records and queues."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.jobs.models import Run
from jichitai.jobs.runner import start
from jichitai.registry.euc import batch
from jichitai.registry.euc.run import CAPABILITY, EucError
from jichitai.registry.selectors.visibility import withheld_fields

from .common import render_page
from .euc import FIELD_LABELS, LOGS, _context, spec_data


@require_POST
@requires_capability(CAPABILITY)
def euc_batch_view(request: HttpRequest) -> HttpResponse:
    data = spec_data(request.POST)
    if data.get("source") == LOGS:
        raise Http404("アクセスログの抽出はバッチ処理にできません。")
    try:
        queued = batch.request(data, staff=request.user, withheld=withheld_fields(request.user))
    except EucError as exc:
        errors = [f"{FIELD_LABELS.get(f.split('.')[0], f)}: {m}" for f, m in exc.errors]
        return render_page(
            request,
            "registry/euc.html",
            {**_context(request, request.POST, 4), "errors": errors},
            status=400,
        )
    run = start(batch.JOB, {"batch_id": queued.pk}, staff=request.user)
    type(queued).objects.filter(pk=queued.pk).update(run_id=run.pk)
    return redirect("registry:euc_batches")


@require_GET
@requires_capability(CAPABILITY)
def euc_batches_view(request: HttpRequest) -> HttpResponse:
    mine = batch.mine(request.user)
    runs = {r.pk: r for r in Run.objects.filter(pk__in=[b.run_id for b in mine if b.run_id])}
    rows: list[dict[str, Any]] = [{"batch": b, "run": runs.get(b.run_id)} for b in mine]
    return render_page(request, "registry/euc_batches.html", {"rows": rows})


@require_POST  # a button, not a link: the handing out is an act that is logged
@requires_capability(CAPABILITY)
def euc_batch_file_view(request: HttpRequest, batch_id: int) -> HttpResponse:
    found = batch.download(batch_id, staff=request.user)
    if found is None:
        raise Http404("ファイルが見つかりません。")
    name, content = found
    kind = "text/csv; charset=utf-8" if name.endswith(".csv") else "application/xml; charset=utf-8"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name, safe='')}"
    return response
