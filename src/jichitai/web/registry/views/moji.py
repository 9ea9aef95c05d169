"""[370] 文字コード照会: a name's characters enlarged, with their code points and MJ文字図形名.

``/registry/moji/?text=髙`` for any characters typed (no person data), and
``/registry/persons/ID/moji/`` for one person's 氏名・旧氏・通称, read through the register's read
layer: a person under 支援措置 is refused to staff without need-to-know exactly as on 住民照会.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from jichitai import moji
from jichitai.accounts.decorators import requires_capability
from jichitai.registry import selectors
from jichitai.registry.errors import RegistryError

from .common import READ, not_found, render_page

MAX_TEXT = 50


@dataclass(frozen=True)
class Glyph:
    char: str
    codepoints: str  # "U+9AD9" (a variation selector after its base: "U+845B U+E0100")
    mj: str  # MJ文字図形名 or "—"
    juki: str  # 住基ネット統一文字コード or "—"


def glyphs(text: str) -> list[Glyph]:
    out = []
    for info in moji.identify(text):
        if info.char.isspace():
            continue
        out.append(Glyph(info.char, " ".join(info.codepoints), info.mj or "—", info.juki or "—"))
    return out


@require_GET
@requires_capability(READ)
def moji_view(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("text", "").strip()[:MAX_TEXT]
    rows = [("入力した文字", glyphs(text))] if text else []
    return render_page(request, "registry/moji.html", {"text": text, "rows": rows, "person_id": None})


@require_GET
@requires_capability(READ)
def person_moji_view(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        detail = selectors.person_detail(person_id, staff=request.user, screen="文字情報")
    except RegistryError as exc:
        if not_found(exc):
            raise Http404("住民が見つかりません。") from None
        raise
    if detail.masked:
        return render_page(request, "registry/moji.html", {"refusal": detail.refusal, "rows": []}, status=403)
    rec = detail.record
    rows = [(label, glyphs(str(rec.get(f) or ""))) for f, label in
            (("family_name", "氏"), ("given_name", "名"), ("former_surname", "旧氏"), ("alias", "通称"))
            if rec.get(f)]
    return render_page(request, "registry/moji.html", {
        "rows": rows, "person_id": person_id, "name": detail.summary.name, "text": ""})
