"""The public verification page and API: ``/verify/`` (type a code) and ``/verify/<code>`` (GET;
POST with a PDF to compare its hash). See docs/certificates.md "検証コード".

No login and no tenant: the answer is built from :class:`VerificationCode` only, which holds no
personal data. ``?format=json`` (or ``Accept: application/json``) gives the API form. Guessing is
braked per client address (django-ratelimit): every look-up, and more tightly look-ups of codes
that do not exist; a braked client gets 429 with a Japanese message.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage

from .codes import GARBLED, Verdict, normalize, verify

MAX_UPLOAD = 20 * 1024 * 1024  # a certificate is a few hundred KB; refuse anything absurd
TEMPLATE = "verify/verify.html"
THROTTLED = "照合の回数が多すぎます。しばらく時間をおいてから、もう一度お試しください。"
NO_FILE = "照合するPDFファイルを指定してください（20MBまで）。"
ALL, MISSES = "verify", "verify-miss"


def _wants_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    )


def _count(request: HttpRequest, group: str, *, increment: bool) -> bool:
    """True when this client has used up ``group``'s rate (counting this request if asked)."""
    rate = settings.JICHITAI_VERIFY_RATE if group == ALL else settings.JICHITAI_VERIFY_MISS_RATE
    usage = get_usage(request, group=group, key="ip", rate=rate, increment=increment)
    if usage is None:  # RATELIMIT_ENABLE off
        return False
    return bool(usage["should_limit"] if increment else usage["count"] >= usage["limit"])


def _answer(
    request: HttpRequest, verdict: Verdict, status: int, code: str | None
) -> HttpResponse:
    if _wants_json(request):
        body = verdict.as_dict()
        if code:
            body["code"] = code
        return JsonResponse(body, status=status)
    context = {"verdict": verdict, "code": code, "code_ok": verdict.genuine}
    return render(request, TEMPLATE, context, status=status)


@csrf_exempt  # public and read-only: the upload is only hashed, nothing is stored
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest, code: str) -> HttpResponse:
    if _count(request, ALL, increment=True) or _count(request, MISSES, increment=False):
        return _answer(request, Verdict(genuine=False, message=THROTTLED), 429, None)
    typed = normalize(code[:64])
    pdf = None
    if request.method == "POST":
        upload = request.FILES.get("pdf")
        if upload is None or upload.size > MAX_UPLOAD:
            return _answer(request, Verdict(genuine=False, message=NO_FILE), 400, typed)
        pdf = upload.read()
    verdict = verify(code, pdf)
    if verdict.genuine:
        return _answer(request, verdict, 200, typed)
    _count(request, MISSES, increment=True)  # an unknown or garbled code is a guess
    return _answer(request, verdict, 400 if verdict.message == GARBLED else 404, typed)


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    """The form to type a code; a typed code leads to its page (forgiving case, spaces, O/0)."""
    typed = request.GET.get("code", "").strip()[:64]
    if not typed:
        return render(request, TEMPLATE, {"verdict": None})
    code = normalize(typed)
    if code is None:
        return render(request, TEMPLATE, {"verdict": Verdict(genuine=False, message=GARBLED)},
                      status=400)
    return HttpResponseRedirect(reverse("verify:certificate", args=[code]))
