"""画面の印刷 ([1420]#5, #7): the screen's 「画面の印刷」 button logs who printed which screen, then
the browser prints. The print stylesheet hides every screen printed any other way.

The page tells which municipality it was shown for; a page left open across a switch of 団体 is
refused (409) and not printed, so the log never names the wrong municipality's chain.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from jichitai.accounts.decorators import tenant_required
from jichitai.audit.models import Category
from jichitai.audit.recording import record

ACTION = "screen.print"
FUNCTION = "1420"  # 印刷
BAD_SCREEN = "印刷する画面が分かりません。"
OTHER_MUNICIPALITY = "業務対象団体が切り替わっています。画面を開き直してから印刷してください。"


def _screen(value: str) -> str | None:
    """The printed screen's path (no query: a search's words stay out of the log)."""
    path = value.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or path.startswith("//") or len(path) > 300:
        return None
    return path if path.isprintable() else None


@require_POST
@tenant_required
def screen_print(request: HttpRequest) -> HttpResponse:
    """Log the print (who and when come from the tenant context and the chain); 204 to print."""
    screen = _screen(str(request.POST.get("screen", "")))
    if screen is None:
        return JsonResponse({"error": BAD_SCREEN}, status=400)
    ctx = request.tenant_context  # type: ignore[attr-defined]
    if str(request.POST.get("municipality", "")) != str(ctx.municipality_id):
        return JsonResponse({"error": OTHER_MUNICIPALITY}, status=409)
    title = str(request.POST.get("title", "")).strip()[:200]
    record(
        Category.PRINT,
        ACTION,
        screen=screen,
        function=FUNCTION,
        detail={"title": title, "kind": "hard_copy"},
    )
    return HttpResponse(status=204)
