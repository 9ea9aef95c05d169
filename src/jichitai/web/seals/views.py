"""印鑑登録の画面: 照会 (by card number), 登録, 廃止, 亡失（再交付）, 登録事項の変更.

The impression is shown only inside the 照会 page (a data: URI on a page that needs
``seals.manage`` and is never cached): there is no address that serves the image by itself.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.seals import images
from jichitai.seals.errors import SealError
from jichitai.seals.lookup import SealView, inquire
from jichitai.seals.service import abolish, change_name, register, report_lost
from jichitai.wareki import format_date

from ..registry.views.common import Errors, parse_id, render_page

CAP = "seals.manage"
FIELDS = ("card_number", "person_id", "image", "width_mm", "height_mm", "reason")


def _to_index(number: str = "") -> HttpResponseRedirect:
    url = reverse("seals:index")
    return HttpResponseRedirect(f"{url}?{urlencode({'card': number})}" if number else url)


def _when(value: Any) -> str:
    return f"{format_date(value.date())} {value:%H:%M}"


def _context(view: SealView) -> dict[str, Any]:
    reg = view.registration
    data = base64.b64encode(bytes(reg.image)).decode("ascii")
    return {
        "view": view,
        "image_src": f"data:{reg.image_type};base64,{data}",
        "registered_at": _when(reg.registered_at),
        "events": [
            {"e": e, "at": _when(e.at), "staff": e.staff.display_name if e.staff else "（職権）"}
            for e in view.events
        ],
    }


@require_http_methods(["GET"])
@requires_capability(CAP)
def index_view(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("card", "").strip()[:40]
    errors, context = Errors(), {}
    if number:
        try:
            context = _context(inquire(number, staff=request.user))
        except SealError as exc:
            errors.add(exc.message, exc.field, FIELDS)
    return render_page(request, "seals/seals.html", {"card": number, "errors": errors, **context})


def _register(request: HttpRequest, values: dict[str, str], errors: Errors) -> str:
    person_id = parse_id(values["person_id"])
    if person_id is None:
        errors.add("住民IDを数字で入力してください。", "person_id", FIELDS)
    upload = request.FILES.get("image")
    data = upload.read(images.MAX_BYTES + 1) if upload is not None else b""
    sizes = {}
    for name, label in (("width_mm", "印影の幅"), ("height_mm", "印影の高さ")):
        try:
            sizes[name] = images.parse_mm(values[name], label)
        except images.ImageProblem as exc:
            errors.add(str(exc), name, FIELDS)
    if errors or person_id is None:
        return ""
    try:
        return register(
            person_id,
            data,
            sizes["width_mm"],
            sizes["height_mm"],
            staff=request.user,
            reason=values["reason"][:200],
        ).number
    except images.ImageProblem as exc:
        errors.add(str(exc), "image" if "画像" in str(exc) else "width_mm", FIELDS)
    except SealError as exc:
        errors.add(exc.message, exc.field, FIELDS)
    return ""


@require_http_methods(["GET", "POST"])
@requires_capability(CAP)
def register_view(request: HttpRequest) -> HttpResponse:
    errors = Errors()
    values = {
        k: request.POST.get(k, request.GET.get(k, "")).strip()[:200] for k in FIELDS if k != "image"
    }
    if request.method == "POST":
        number = _register(request, values, errors)
        if number:
            messages.success(request, f"印鑑を登録しました。印鑑登録証の番号は {number} です。")
            return _to_index(number)
    return render_page(
        request,
        "seals/seal_register.html",
        {"values": values, "errors": errors, "max_kb": images.MAX_BYTES // 1024},
    )


def _act(request: HttpRequest, action: Any, done: str) -> HttpResponse:
    """Run ``action(number, reason)`` → the card number to show next ("" for none)."""
    number = request.POST.get("card_number", "").strip()[:40]
    try:
        shown = action(number, request.POST.get("reason", "").strip()[:200])
    except SealError as exc:
        errors = Errors()
        errors.add(exc.message, exc.field, FIELDS)
        return render_page(request, "seals/seals.html", {"card": number, "errors": errors})
    messages.success(request, done.format(number=shown))
    return _to_index(shown)


@require_POST
@requires_capability(CAP)
def abolish_view(request: HttpRequest) -> HttpResponse:
    def run(number: str, reason: str) -> str:
        abolish(number, staff=request.user, reason=reason)
        return ""

    return _act(request, run, "印鑑登録を廃止しました。")


@require_POST
@requires_capability(CAP)
def lost_view(request: HttpRequest) -> HttpResponse:
    again = request.POST.get("reissue") == "1"

    def run(number: str, reason: str) -> str:
        card = report_lost(number, staff=request.user, reason=reason, reissue=again)
        return card.number if card is not None else ""

    return _act(
        request,
        run,
        "亡失の届出を受け付けました。"
        + ("新しい印鑑登録証の番号は {number} です。" if again else ""),
    )


@require_POST
@requires_capability(CAP)
def change_view(request: HttpRequest) -> HttpResponse:
    def run(number: str, reason: str) -> str:
        return (
            change_name(number, staff=request.user, reason=reason).cards.get(state="active").number
        )

    return _act(request, run, "登録事項（氏名）を住民記録に合わせて変更しました。")
