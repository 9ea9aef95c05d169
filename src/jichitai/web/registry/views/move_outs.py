"""転入通知未着者一覧 ([710]): 転出予定 persons whose 転入通知 has not come N days after the 転出予定日,
on screen and as CSV, through the read layer (支援措置: masked rows)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from jichitai.accounts.decorators import requires_capability
from jichitai.registry.selectors import move_outs
from jichitai.wareki import format_date

from .common import READ, render_page

MAX_DAYS = 3650
CSV_HEADER = ("消除事由", "氏名", "ふりがな", "生年月日", "転出予定日・消除日", "転出先（予定）", "経過日数")


def _params(request: HttpRequest) -> tuple[int | None, bool, str]:
    """(days, include_deleted, error): a bad 日数 is named, never a 5xx."""
    raw = request.GET.get("days", "").strip()
    include_deleted = request.GET.get("include_deleted") == "1"
    if not raw:
        return move_outs.not_arrived_days(), include_deleted, ""
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_DAYS:
        return None, include_deleted, f"経過日数は0から{MAX_DAYS}までの数字で入力してください。"
    return int(raw), include_deleted, ""


@require_GET
@requires_capability(READ)
def not_arrived_view(request: HttpRequest) -> HttpResponse:
    days, include_deleted, error = _params(request)
    rows: list[dict[str, Any]] = [] if days is None else move_outs.not_arrived(
        staff=request.user, days=days, include_deleted=include_deleted)
    return render_page(request, "registry/not_arrived.html", {
        "rows": rows, "days": request.GET.get("days", "") if error else days, "include_deleted": include_deleted,
        "error": error,
    }, status=400 if error else 200)


@require_GET
@requires_capability(READ)
def not_arrived_csv_view(request: HttpRequest) -> HttpResponse:
    days, include_deleted, error = _params(request)
    if days is None:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in move_outs.not_arrived(staff=request.user, days=days, include_deleted=include_deleted,
                                   screen=move_outs.SCREEN + "（CSV）"):
        writer.writerow((r["reason"], r["name"], r["kana"], format_date(r["birth_date"]) if r["birth_date"] else "",
                         format_date(r["since"]) if r["since"] else "", r["destination"],
                         "" if r["overdue_days"] is None else r["overdue_days"]))
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="not_arrived.csv"'
    return response
