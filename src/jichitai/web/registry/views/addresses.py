"""住所辞書の検索 ([250]): 住所カナ入力 (「ト ヒ シ」), 郵便番号, and 都道府県 → 市区町村 → 大字 → 小字
level by level; the 住居表示・地番 ([240]) and 方書 ([260]) of a 町字. Maintenance is ``jichitai registry addresses``."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jichitai.accounts.decorators import requires_capability
from jichitai.registry import address_book as book
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import AddressEntry

from .common import READ, Errors, parse_id, render_page

TARGET = re.compile(r"^f-[A-Za-z0-9_-]{1,80}$")


@require_GET
@requires_capability(READ)
def addresses_view(request: HttpRequest) -> HttpResponse:
    errors = Errors()
    kana, postal = request.GET.get("kana", "").strip(), request.GET.get("postal", "").strip()
    prefix = "".join(c for c in request.GET.get("prefix", "") if c.isdigit())[:11]
    found: list[book.AddressDictionary] = []
    try:
        if kana:
            found = book.by_kana(kana)
        elif postal:
            found = book.by_postal_code(postal)
    except RegistryError as exc:
        for v in exc.violations:
            errors.add(v.message, v.field, ("kana", "postal_code"))
    level = {0: "pref", 2: "city", 5: "oaza", 8: "koaza"}.get(len(prefix))
    levels = book.choices(level, prefix) if level else []
    town = parse_id(request.GET.get("town"))
    katagaki = book.katagaki_for(town) if town else []
    lots = book.lots(town) if town else []
    return render_page(request, "registry/addresses.html", {
        "errors": errors, "kana": kana, "postal": postal, "found": found, "prefix": prefix, "levels": levels,
        "towns": list(AddressEntry.objects.order_by("town_code").values_list("pk", "name")), "town": town,
        "katagaki": katagaki, "lots": lots, "searched": bool(kana or postal),
    }, status=400 if errors else 200)


@require_GET
@requires_capability(READ)
def address_pick_view(request: HttpRequest) -> HttpResponse:
    """住所カナ入力 or 郵便番号 → buttons that fill the 異動 form's address input (``target``)."""
    q = request.GET.get("q", "").strip()[:50]
    target = request.GET.get("target", "")
    if not TARGET.match(target):
        return HttpResponse("入力欄が正しくありません。", status=400, content_type="text/plain; charset=utf-8")
    if "browse" in request.GET:
        return _browse(request, target)
    found: list[book.AddressDictionary] = []
    message = ""
    if q:
        try:
            digits = book.normalize_postal(q)
            # [510]#2: a 本籍 may be written with a (旧)町名, so its picker offers former names too
            former = request.GET.get("former") == "1"
            found = book.by_postal_code(digits) if digits.isdigit() else book.by_kana(q, include_former=former)
        except RegistryError as exc:
            message = exc.violations[0].message
        if not found and not message:
            message = "該当する住所はありません。"
    return render(request, "registry/_address_picks.html", {"found": found, "target": target, "message": message})


def _browse(request: HttpRequest, target: str) -> HttpResponse:
    """一覧からの選択 ([250]#7): 都道府県 → 市区町村 → 大字 → 小字, then 「この住所を引用」."""
    prefix = "".join(c for c in request.GET.get("prefix", "") if c.isdigit())[:11]
    level = {0: "pref", 2: "city", 5: "oaza", 8: "koaza"}.get(len(prefix))
    levels = book.choices(level, prefix) if level else []
    here = ""
    if len(prefix) >= 5:
        row = book.AddressDictionary.objects.filter(code__startswith=prefix, former=False).order_by("code").first()
        if row is not None:
            parts = (row.pref_name, row.city_name, row.oaza_name if len(prefix) >= 8 else "",
                     row.koaza_name if len(prefix) == 11 else "")
            here = "".join(parts)
    return render(request, "registry/_address_browse.html", {"levels": levels, "target": target, "here": here,
                                                              "prefix": prefix})
