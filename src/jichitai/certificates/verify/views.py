"""The public verification page and API: ``/verify/<code>`` (GET), and POST with a PDF to compare.

No login and no tenant: the answer is built from :class:`VerificationCode` only, which holds no
personal data. ``?format=json`` (or ``Accept: application/json``) gives the API form.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html, format_html_join
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .codes import Verdict, verify

MAX_UPLOAD = 20 * 1024 * 1024  # a certificate is a few hundred KB; refuse anything absurd


def _wants_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    )


def _html(v: Verdict) -> HttpResponse:
    if not v.genuine:
        rows = [("結果", "この照合番号の証明書は発行されていません。")]
    else:
        rows = [
            (
                "結果",
                "真正な証明書です。" if not v.revoked else "発行されましたが、失効しています。",
            ),
            ("証明書", v.title),
            ("発行日", v.issued_on),
            ("発行者", v.issuer),
            ("失効", f"失効（{v.revoked_on}）" if v.revoked else "失効していません"),
        ]
        if v.matches is not None:
            rows.append(("PDFの照合", "一致します" if v.matches else "一致しません（改変の疑い）"))
    body = format_html(
        '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>証明書の照合</title>'
        "</head><body><h1>証明書の照合</h1><dl>{}</dl>"
        '<form method="post" enctype="multipart/form-data"><label>PDFファイル '
        '<input type="file" name="pdf" accept="application/pdf"></label>'
        "<button>照合する</button></form></body></html>",
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
    )
    return HttpResponse(body, status=200 if v.genuine else 404)


@csrf_exempt  # public and read-only: the upload is only hashed, nothing is stored
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest, code: str) -> HttpResponse:
    pdf = None
    if request.method == "POST":
        upload = request.FILES.get("pdf")
        if upload is None or upload.size > MAX_UPLOAD:
            return JsonResponse({"error": "PDFファイルを指定してください"}, status=400)
        pdf = upload.read()
    verdict = verify(code[:64], pdf)
    if _wants_json(request):
        return JsonResponse(verdict.as_dict(), status=200 if verdict.genuine else 404)
    return _html(verdict)
