"""データ移行 screens for the 団体管理者: upload → 検証 (dry run) → 取込 of the same files → 照合表.

The files are checked whole; problems are grouped by rule, each with a link to its line. Nothing
is written unless every record passes (``importer.migration_files``). Large migrations (hundreds
of thousands of residents) are run with ``jichitai import`` on the server; the screen takes files up
to MAX_BYTES in all (docs/migration.md).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jichitai.accounts.decorators import requires_capability

from . import uploads

CAPABILITY = "migration.run"
MAX_BYTES = 200 * 1024 * 1024
MAX_SHOWN = 500  # problems listed on the page (the counts per rule cover all of them)
RULE_LABELS = {
    "encoding": "文字コード",
    "columns": "項目数",
    "header": "見出し行",
    "required": "必須項目",
    "length": "桁数",
    "type.date": "日付の形式",
    "type.number": "数値",
    "type.flag": "フラグ",
    "type.time": "時刻",
    "code.unknown": "コード表にないコード",
    "code.unmapped": "住民記録に対応のないコード",
    "checkdigit": "検査数字",
    "era": "元号",
    "gaiji.unknown": "文字情報基盤にない文字",
    "gaiji.unmapped": "外字対応表にない外字",
    "duplicate": "重複",
}


def _own(request: HttpRequest) -> Any:
    """The municipality of the request: a migration is never 代行 business."""
    from jichitai.tenancy.models import Municipality

    ctx = request.tenant_context  # type: ignore[attr-defined]
    if ctx.municipality_id != ctx.acting_municipality_id:
        raise PermissionDenied("データ移行は自団体でのみ行えます。")
    return Municipality.objects.get(pk=ctx.municipality_id)


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)  # residents' data: never in a shared cache
    return response


def _choices() -> dict[str, Any]:
    from jichitai.layouts import ENCODINGS, available_layouts, load_layout

    layouts = [(i, load_layout(i).title) for i in available_layouts()]
    return {"layouts": layouts, "encodings": sorted(ENCODINGS)}


def _form_errors(
    request: HttpRequest, layouts: list[tuple[str, str]], encodings: list[str]
) -> list[str]:
    errors = []
    files = request.FILES.getlist("files")
    if not files:
        errors.append("移行ファイルを選択してください。")
    if request.POST.get("layout") not in {i for i, _ in layouts}:
        errors.append("レイアウトを選んでください。")
    encoding = request.POST.get("encoding", "")
    if encoding and encoding not in encodings:
        errors.append("文字コードの指定が正しくありません。")
    if sum(f.size for f in files) > MAX_BYTES:
        errors.append(
            f"ファイルが大きすぎます（合計{MAX_BYTES // 1024 // 1024}MBまで）。"
            "これより大きい移行はサーバで jichitai import を使います。"
        )
    return errors


@require_http_methods(["GET", "POST"])
@requires_capability(CAPABILITY)
def index(request: HttpRequest) -> HttpResponse:
    m = _own(request)
    from jichitai.importer import gaiji_worklist

    ctx = {**_choices(), "worklist": gaiji_worklist.load(m.code)}
    if request.method != "POST":
        return _private(render(request, "migration/index.html", ctx))
    errors = _form_errors(request, ctx["layouts"], ctx["encodings"])
    if errors:
        return _private(
            render(request, "migration/index.html", {**ctx, "errors": errors}, status=400)
        )
    upload = uploads.save(
        m.code,
        request.FILES.getlist("files"),
        request.FILES.get("gaiji"),
        layout=request.POST["layout"],
        encoding=request.POST.get("encoding", ""),
    )
    return _check(request, m, upload, dry_run=True)


@require_POST
@requires_capability(CAPABILITY)
def run(request: HttpRequest, token: str) -> HttpResponse:
    m = _own(request)
    upload = uploads.load(m.code, token)
    if upload is None:
        raise Http404("この取込はありません（1日を過ぎたものは削除されます）。")
    return _check(request, m, upload, dry_run=False)


def _grouped(problems: list[Any], upload: uploads.Upload) -> list[dict[str, Any]]:
    names = {str(p): (n, upload.names[n]) for n, p in enumerate(upload.paths)}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in problems[:MAX_SHOWN]:
        file_no, name = names.get(p.file, (None, p.file))
        groups[p.rule].append(
            {
                "file_no": file_no,
                "name": name,
                "line": p.line,
                "item": p.item,
                "value": p.value,
                "message": p.message_ja,
            }
        )
    counts: dict[str, int] = defaultdict(int)
    for p in problems:
        counts[p.rule] += 1
    return [
        {
            "rule": rule,
            "label": RULE_LABELS.get(rule, rule),
            "count": counts[rule],
            "problems": groups.get(rule, []),
        }
        for rule in sorted(counts, key=lambda r: -counts[r])
    ]


def _check(request: HttpRequest, m: Any, upload: uploads.Upload, *, dry_run: bool) -> HttpResponse:
    from jichitai.importer.migration_files import import_files
    from jichitai.importer.reconcile import reconciliation
    from jichitai.layouts import LayoutError
    from jichitai.moji.errors import MojiError

    try:
        result = import_files(
            upload.paths,
            layout=upload.layout,
            municipality=m,
            staff=request.user,
            dry_run=dry_run,
            gaiji_table=upload.gaiji_path,
            encoding=upload.encoding or None,
        )
    except (MojiError, LayoutError) as exc:
        ctx = {**_choices(), "errors": [f"取り込めませんでした：{exc}"]}
        return _private(render(request, "migration/index.html", ctx, status=400))
    done = not dry_run and result.ok and result.result is not None
    report = None
    if done:
        upload.remove()
        report = reconciliation(expected=result.expected, gaiji_mapped=result.result.gaiji_mapped)
    ctx = {
        "upload": upload,
        "run": result,
        "groups": _grouped(result.problems, upload),
        "shown": min(len(result.problems), MAX_SHOWN),
        "dry_run": dry_run,
        "done": done,
        "report": report,
        "worklist": (result.result.gaiji_unmapped if result.result else []),
    }
    return _private(render(request, "migration/result.html", ctx, status=200 if result.ok else 400))


@require_GET
@requires_capability(CAPABILITY)
def line(request: HttpRequest, token: str, file_no: int, line: int) -> HttpResponse:
    """One line of an uploaded file: its items as read, and what is wrong with it."""
    from jichitai.layouts import Problem, decode_row, load_layout, read_rows

    m = _own(request)
    upload = uploads.load(m.code, token)
    if upload is None or file_no >= len(upload.names):
        raise Http404("この取込はありません。")
    layout = load_layout(upload.layout)
    path = upload.paths[file_no]
    found: Any = None
    problems: list[Any] = []
    for row in read_rows(path, layout, encoding=upload.encoding or None):
        if isinstance(row, Problem):
            if row.line == line:
                problems.append(row)
            continue
        if row.line == line:
            found = row
            problems += decode_row(row, layout, gaiji=_gaiji(upload))[1]
            break
        if row.line > line:
            break
    if found is None and not problems:
        raise Http404("この行はありません。")
    items = [(i.name, found.values.get(i.key, "")) for i in layout.items] if found else []
    ctx = {
        "upload": upload,
        "name": upload.names[file_no],
        "line": line,
        "items": items,
        "problems": problems,
    }
    return _private(render(request, "migration/line.html", ctx))


def _gaiji(upload: uploads.Upload) -> Any:
    from jichitai.moji.errors import MojiError
    from jichitai.moji.gaiji import load_gaiji_table

    if upload.gaiji_path is None:
        return None
    try:
        return load_gaiji_table(upload.gaiji_path)
    except MojiError:
        return None


@require_GET
@requires_capability(CAPABILITY)
def reconciliation_pdf(request: HttpRequest) -> HttpResponse:
    """The 照合表 of the register as it stands, to print and sign."""
    from jichitai.importer.reconcile import reconciliation, report_pdf

    m = _own(request)
    response = HttpResponse(report_pdf(reconciliation()), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="reconciliation-{m.code}.pdf"'
    return _private(response)


@require_GET
@requires_capability(CAPABILITY)
def gaiji_worklist_csv(request: HttpRequest) -> HttpResponse:
    """The 外字同定 worklist as a 外字対応表 to fill in (MJ文字図形名 blank)."""
    from jichitai.importer import gaiji_worklist

    m = _own(request)
    body = gaiji_worklist.as_table_csv(gaiji_worklist.load(m.code))
    response = HttpResponse(body.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gaiji-worklist-{m.code}.csv"'
    return _private(response)
