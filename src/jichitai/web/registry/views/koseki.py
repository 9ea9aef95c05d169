"""戸籍通知の取込 ([770]#1): a 本籍地's notice file uploaded, each notice entered as a 職権 異動 (仮登録),
the 確認 list shown (or given as CSV). The list states only what the notices say, never register data."""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from jichitai.accounts.decorators import requires_capability
from jichitai.registry import koseki_intake

from .common import ENTER, render_page

MAX_BYTES = 5 * 1024 * 1024


def _csv(result: koseki_intake.IntakeResult) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(result.CONFIRM_HEADER)
    writer.writerows(result.confirm_rows())
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="koseki_confirm.csv"'
    return response


@require_http_methods(["GET", "POST"])
@requires_capability(ENTER)
def koseki_intake_view(request: HttpRequest) -> HttpResponse:
    error = ""
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "戸籍通知ファイル（JSON）を選んでください。"
        elif upload.size > MAX_BYTES:
            error = "ファイルが大きすぎます（5MBまで）。分けて取り込んでください。"
        else:
            try:
                with transaction.atomic():
                    result = koseki_intake.run(upload.read(), staff=request.user)
            except koseki_intake.IntakeFormatError as exc:
                error = str(exc)
        if result is not None and request.POST.get("as_csv") == "1":
            return _csv(result)
    return render_page(
        request,
        "registry/koseki_intake.html",
        {"result": result, "error": error},
        status=400 if error else 200,
    )
