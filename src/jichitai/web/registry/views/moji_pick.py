"""文字選択 ([340]#7): find a 外字 by 読み, 部首 + 画数 or as a 異体字, then put it into a form field.

``/registry/moji/pick/?target=f-name&reading=へん`` renders the whole page; with ``HX-Request`` only
the candidates (the panel on 住民検索 loads them in place). Each candidate is a link that fills the
住民検索 form by query parameter (``/registry/?name=…&fill=1``), which works without JavaScript;
static/jichitai/moji_picker.js turns the click into an insertion at the cursor when the field is on
the page. Reads only the MJ tables: no person data, so only registry.read.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from jichitai.accounts.decorators import requires_capability
from jichitai.moji import picker

from .common import READ, Errors, render_page

TARGET = re.compile(r"^f-[A-Za-z0-9_-]{1,80}$")
# 住民検索's fields a 外字 can be wanted in, with their labels (the fill link's query parameter).
SEARCH_FIELDS = {"name": "氏名", "given_name": "名のみ", "alias": "通称", "former_surname": "旧氏"}
MOJI_FIELD = "text"  # 文字情報's input ([370]#1): the link shows the character's codes there
MAX_VALUE = 50


def _number(raw: str, field: str, label: str) -> int | None:
    raw = raw.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 4:
        raise picker.PickQueryError(field, f"{label}は数字で入力してください。")
    return int(raw)


def _query(request: HttpRequest) -> tuple[dict[str, str], picker.PickResult | None, Errors]:
    g = request.GET
    values = {k: g.get(k, "")[:MAX_VALUE] for k in ("reading", "radical", "strokes", "variant")}
    errors = Errors()
    if not any(v.strip() for v in values.values()):
        return values, None, errors
    try:
        result = picker.pick(reading=values["reading"], radical=_number(values["radical"], "radical", "部首"),
                             inner_strokes=_number(values["strokes"], "strokes", "部首以外の画数"),
                             variant_of=values["variant"])
    except picker.PickQueryError as exc:
        errors.add(exc.message, exc.field, tuple(values))
        return values, None, errors
    return values, result, errors


def _fills(result: picker.PickResult | None, field: str, value: str) -> list[tuple[picker.Pick, str]]:
    """Each candidate with its no-JavaScript link: 住民検索 with ``field`` = ``value`` + the character
    (``fill=1``: not searched yet), or 文字情報 showing ``value`` + the character."""
    if field == MOJI_FIELD:
        base, extra = reverse("registry:moji"), {}
    else:
        base, extra = reverse("registry:search"), {"fill": "1"}
    return [(p, f"{base}?{urlencode({field: value + p.char, **extra})}" if field else "")
            for p in (result.picks if result else [])]


@require_GET
@requires_capability(READ)
def moji_pick_view(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("target", "f-name")
    if not TARGET.match(target):
        return HttpResponse("入力欄が正しくありません。", status=400, content_type="text/plain; charset=utf-8")
    # only 住民検索's own fields get a fill link; an 異動 form's field (form=entry) is filled by the JS
    name = target.removeprefix("f-")
    field = name if name in (*SEARCH_FIELDS, MOJI_FIELD) and request.GET.get("form") != "entry" else ""
    value = request.GET.get("value", "")[:MAX_VALUE]
    values, result, errors = _query(request)
    context = {"values": values, "result": result, "errors": errors, "target": target, "field": field,
               "field_label": SEARCH_FIELDS.get(field, "文字情報" if field == MOJI_FIELD else "入力欄"), "value": value,
               "fills": _fills(result, field, value), "radicals": picker.radicals()}
    if request.headers.get("HX-Request"):  # htmx swaps only 2xx, and the message must show in the panel
        return render(request, "registry/_moji_picks.html", context)
    return render_page(request, "registry/moji_pick.html", context, status=400 if errors else 200)
