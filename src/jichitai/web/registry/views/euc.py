"""EUC の画面 ([1360]): a wizard (データソース → 項目 → 条件 → 分析と出力) for staff without special
knowledge, or a condition written directly; the result as a list or 宛名 labels on screen (printed
with the browser), or a CSV / XML download. The choices travel as form fields; only the run (POST)
reads the register. A run beyond the online limits shows the spec to run in batch instead.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.views.decorators.http import require_GET, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.certificates import euc_output
from jichitai.certificates.render import RenderError, UndrawableCharactersError
from jichitai.registry.euc import catalogue, output
from jichitai.registry.euc.expr import FUNCTIONS, ExprError
from jichitai.registry.euc.logs import CAPABILITY as LOGS_CAPABILITY
from jichitai.registry.euc.run import (
    ANALYSES,
    CAPABILITY,
    FORMATS,
    ONLINE_ROWS,
    ONLINE_SCAN,
    OPERATORS,
    EucError,
    conditions_text,
    parse_spec,
    run,
)
from jichitai.registry.selectors.visibility import withheld_fields

from .common import render_page

CONDITION_ROWS = 5
STEPS = ((1, "データソース"), (2, "出力する項目"), (3, "抽出の条件"), (4, "分析と出力"))
FIELD_LABELS = {"source": "データソース", "items": "出力する項目", "where": "条件式", "conditions": "抽出の条件",
                "analysis": "分析", "group_by": "集計する項目", "total": "合計する式", "base_date": "基準日",
                "output": "出力形式"}


STEP_FIELDS = {1: ("source", "mode"), 2: ("items", "include_removed"), 3: ("combine", "where"),
               4: ("analysis", "group_by", "total", "base_date", "output")}


def _owned(step: int, key: str) -> bool:
    """Whether ``key`` is a field of ``step``'s form (the others travel as hidden fields)."""
    return key in STEP_FIELDS[step] or (step == 3 and key[:1] == "c" and key[1:2].isdigit())


def _conditions(q: QueryDict) -> list[dict[str, str]]:
    out = []
    for n in range(1, CONDITION_ROWS + 1):
        item = q.get(f"c{n}_item", "").strip()
        if item:
            out.append({"item": item, "op": q.get(f"c{n}_op", "="), "value": q.get(f"c{n}_value", "")})
    return out


def spec_data(q: QueryDict) -> dict[str, Any]:
    """The spec as plain data (what the batch's SPEC.json holds)."""
    data: dict[str, Any] = {"source": q.get("source", ""), "items": q.getlist("items"),
                            "analysis": q.get("analysis", "rows"), "output": q.get("output", "list"),
                            "include_removed": q.get("include_removed") == "1"}
    if q.get("mode") == "direct":
        data["where"] = q.get("where", "")
    else:
        data["conditions"] = _conditions(q)
        data["combine"] = "or" if q.get("combine") == "or" else "and"
    for name in ("total", "base_date"):
        if q.get(name, "").strip():
            data[name] = q.get(name, "").strip()
    if q.getlist("group_by"):
        data["group_by"] = q.getlist("group_by")
    return data


def _step(q: QueryDict) -> int:
    raw = q.get("step", "1")
    return int(raw) if raw in ("1", "2", "3", "4") else 1


LOGS = "access_log"  # the access log: its own screens, for auditors ([1370]#2)


def _sources(logs: bool) -> dict[str, str]:
    return {LOGS: catalogue.SOURCES[LOGS]} if logs else {k: v for k, v in catalogue.SOURCES.items() if k != LOGS}


def _context(request: HttpRequest, q: QueryDict, step: int, logs: bool = False) -> dict[str, Any]:
    sources = _sources(logs)
    source = LOGS if logs else q.get("source", "")
    if source not in sources:
        source, step = "", 1
    items = catalogue.offered(source, withheld_fields(request.user)) if source else []
    conditions = _conditions(q)
    rows = conditions + [{"item": "", "op": "=", "value": ""}] * (CONDITION_ROWS - len(conditions))
    keep = [(k, v) for k in q for v in q.getlist(k)
            if k not in ("step", "csrfmiddlewaretoken") and not _owned(step, k)]
    return {
        "step": step, "steps": STEPS, "q": q, "source": source, "sources": sources.items(), "logs": logs,
        "form_url": "registry:euc_logs" if logs else "registry:euc",
        "run_url": "registry:euc_logs_run" if logs else "registry:euc_run",
        "item_specs": [i.spec for i in items],
        "items": items, "chosen": set(q.getlist("items")), "grouped": set(q.getlist("group_by")),
        "rows": [(n, r) for n, r in enumerate(rows, start=1)], "operators": OPERATORS.items(),
        "analyses": ANALYSES.items(), "formats": FORMATS.items(), "functions": [f.help for f in FUNCTIONS.values()],
        "keep": keep, "mode": "direct" if q.get("mode") == "direct" else "wizard",
        "criteria": q.get("where", "") if q.get("mode") == "direct" else _criteria(conditions, q),
        "online_rows": ONLINE_ROWS, "online_scan": ONLINE_SCAN,
    }


def _criteria(conditions: list[dict[str, str]], q: QueryDict) -> str:
    try:
        return conditions_text([c for c in conditions if c["op"] in OPERATORS], q.get("combine", "and"))
    except KeyError:
        return ""


@require_GET
@requires_capability(CAPABILITY)
def euc_view(request: HttpRequest) -> HttpResponse:
    return render_page(request, "registry/euc.html", _context(request, request.GET, _step(request.GET)))


@require_GET
@requires_capability(LOGS_CAPABILITY)
def euc_logs_view(request: HttpRequest) -> HttpResponse:
    """EUC over the access log, for auditors ([1370]#2)."""
    return render_page(request, "registry/euc.html", _context(request, request.GET, _step(request.GET), logs=True))


@require_POST
@requires_capability(CAPABILITY)
def euc_run_view(request: HttpRequest) -> HttpResponse:
    if request.POST.get("source") == LOGS:
        return render_page(request, "registry/euc.html", {**_context(request, request.POST, 1),
                                                          "errors": ["データソースを選んでください。"]}, status=400)
    return _run(request, logs=False)


@require_POST
@requires_capability(LOGS_CAPABILITY)
def euc_logs_run_view(request: HttpRequest) -> HttpResponse:
    return _run(request, logs=True)


def _run(request: HttpRequest, *, logs: bool) -> HttpResponse:
    data = {**spec_data(request.POST), **({"source": LOGS} if logs else {})}
    errors: list[str] = []
    try:
        spec = parse_spec(data, withheld=withheld_fields(request.user))
        download = spec.output in ("csv", "xml")
        result = run(spec, staff=request.user, screen="EUC", max_rows=ONLINE_SCAN if download else ONLINE_ROWS)
    except EucError as exc:
        errors = [f"{FIELD_LABELS.get(f.split('.')[0], f)}: {m}" for f, m in exc.errors]
    except ExprError as exc:
        errors = [f"条件式: {exc.message}"]
    if not errors and spec.output.startswith("pdf") and not result.truncated:
        try:
            return _pdf(result)
        except UndrawableCharactersError as exc:
            errors = [f"PDF に描けない文字があります（{'、'.join(exc.codes)}）。CSV で出力してください。"]
        except RenderError:
            errors = ["PDF を作成できませんでした。管理者に連絡してください。"]
    if errors:
        ctx = _context(request, request.POST, 4, logs)
        return render_page(request, "registry/euc.html", {**ctx, "errors": errors}, status=400)
    batch = json.dumps({**data, "output": "csv" if not download else data["output"]}, ensure_ascii=False, indent=2)
    if download and not result.truncated:
        cols, rows = (result.columns, result.rows) if spec.analysis == "rows" else output.summary(result)
        chunks = output.csv_chunks(cols, rows) if spec.output == "csv" else output.xml_chunks(spec, cols, rows)
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8" if spec.output == "csv"
                                         else "application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="euc.{spec.output}"'
        return response
    return _page(request, result, batch)


def _pdf(result: Any) -> HttpResponse:
    response = HttpResponse(euc_output.result_pdf(result), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{euc_output.filename()}"'
    return response


def _page(request: HttpRequest, result: Any, batch: str) -> HttpResponse:
    spec = result.spec
    cols, rows = (result.columns, result.rows) if spec.analysis == "rows" else output.summary(result)
    table = [[output.text(r.get(k)) for k, _ in cols] for r in rows]
    return render_page(request, "registry/euc_result.html", {
        "result": result, "spec": spec, "columns": [label for _, label in cols], "table": table,
        "label": spec.output in ("label", "pdf_label") and spec.analysis == "rows", "batch": batch,
        "source_label": catalogue.SOURCES[spec.source], "analysis_label": ANALYSES[spec.analysis],
        "form_url": "registry:euc_logs" if spec.source == LOGS else "registry:euc",
        "batch_fields": [] if spec.source == LOGS else _batch_fields(request.POST, spec.output),
        "online_rows": ONLINE_ROWS, "online_scan": ONLINE_SCAN,
    })


def _batch_fields(q: QueryDict, chosen: str) -> list[tuple[str, str]]:
    """The spec's fields, for the form that hands the whole extraction to the batch worker."""
    keep = [(k, v) for k in q for v in q.getlist(k) if k not in ("csrfmiddlewaretoken", "output")]
    return [*keep, ("output", "xml" if chosen == "xml" else "csv")]
