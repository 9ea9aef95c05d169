"""除票検索 ([50]#6): one search over the 除票 of the register's database and of the 除票用データベース,
through the read layer (支援措置: masked rows, no id)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from jichitai.accounts.decorators import requires_capability
from jichitai.registry.errors import RegistryError
from jichitai.registry.selectors.removed import RemovedQuery, search_removed
from jichitai.wareki import DateInputError, parse_date

from .common import READ, Errors, render_page

FIELDS = ("name", "kana", "birth_date", "atena_no")


@require_GET
@requires_capability(READ)
def removed_search_view(request: HttpRequest) -> HttpResponse:
    values = {k: request.GET.get(k, "").strip()[:100] for k in FIELDS}
    errors = Errors()
    rows: list[dict[str, Any]] | None = None
    if any(values.values()):
        try:
            birth = parse_date(values["birth_date"])
        except DateInputError:
            errors.add(
                "生年月日の形式が正しくありません（例: 昭和55年5月1日、1980-05-01）。",
                "birth_date",
                FIELDS,
            )
            birth = None
        if not errors:
            try:
                rows = search_removed(
                    RemovedQuery(
                        name=values["name"],
                        kana=values["kana"],
                        birth_date=birth,
                        atena_no=values["atena_no"],
                    ),
                    staff=request.user,
                )
            except RegistryError as exc:
                for v in exc.violations:
                    errors.add(v.message, v.field, FIELDS)
    return render_page(
        request,
        "registry/removed_search.html",
        {"values": values, "rows": rows, "errors": errors},
        status=400 if errors else 200,
    )
