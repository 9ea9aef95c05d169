"""課税情報の照会・入力 ([docs/tax.md]): one person's record for one 年度, its versions, the form.

The person is reached through the register's read layer (``jichitai.tax.services.reach``): a
protected person is refused (403, no name) to staff without need-to-know, and alerted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jichitai.accounts.decorators import requires_capability
from jichitai.tax import services
from jichitai.tax.models import AMOUNT_FIELDS, TaxStatus
from jichitai.tax.rules import AmountError, fiscal_year_text, normalize_amount, parse_fiscal_year

from ..registry.views.common import Errors, render_page

TEMPLATE = "tax/person.html"
FIELDS = tuple(f for f, _ in AMOUNT_FIELDS)


def _this_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1  # 年度 starts in April


def yen(value: int | None) -> str:
    return "—" if value is None else f"{value:,}円"


def _items(a: Any) -> list[tuple[str, str]]:
    return [(label, yen(getattr(a, f))) for f, label in AMOUNT_FIELDS]


def _years(around: int) -> list[tuple[int, str]]:
    return [(y, fiscal_year_text(y)) for y in range(around + 1, around - 8, -1)]


def _page(
    request: HttpRequest,
    person_id: int,
    year: int,
    errors: Errors | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        data = services.person_tax(person_id, year, staff=request.user)
    except services.Protected as exc:
        return render_page(
            request, TEMPLATE, {"masked": True, "refusal": exc.messages[0]}, status=403
        )
    except services.UnknownPerson:
        raise Http404("住民が見つかりません。") from None
    current = data.current
    if form is None:
        form = {
            "status": current.status if current else TaxStatus.TAXABLE,
            **{f: (getattr(current, f) if current else None) for f in FIELDS},
            "reason": "",
        }
    rows = [{"field": f, "label": label, "value": form.get(f)} for f, label in AMOUNT_FIELDS]
    return render_page(
        request,
        TEMPLATE,
        {
            "data": data,
            "year": year,
            "year_text": fiscal_year_text(year),
            "person_id": person_id,
            "years": _years(max(_this_year(), year)),
            "statuses": TaxStatus.choices,
            "form": form,
            "rows": rows,
            "current_items": _items(current) if current else [],
            "history": [
                {
                    "a": a,
                    "total": yen(a.total_income),
                    "income_levy": yen(a.income_levy),
                    "per_capita": yen(a.per_capita_levy),
                }
                for a in data.versions
            ],
            "errors": errors or Errors(),
            "other_years": [(y, fiscal_year_text(y)) for y in data.years],
        },
        status=status,
    )


def _year_or_error(text: str | None, errors: Errors) -> int:
    if not text:
        return _this_year()
    try:
        return parse_fiscal_year(text)
    except AmountError as exc:
        errors.add(exc.ja, "year", ("year",))
        return _this_year()


@require_GET
@requires_capability(services.MANAGE)
def person_view(request: HttpRequest, person_id: int) -> HttpResponse:
    errors = Errors()
    year = _year_or_error(request.GET.get("year"), errors)
    return _page(request, person_id, year, errors, status=400 if errors else 200)


@require_POST
@requires_capability(services.MANAGE)
def person_enter(request: HttpRequest, person_id: int) -> HttpResponse:
    p = request.POST
    errors = Errors()
    year = _year_or_error(p.get("year"), errors)
    form: dict[str, Any] = {"status": p.get("status", ""), "reason": p.get("reason", "")}
    amounts: dict[str, int | None] = {}
    for f, label in AMOUNT_FIELDS:
        form[f] = p.get(f, "")
        try:
            amounts[f] = normalize_amount(p.get(f, ""))
        except AmountError as exc:
            errors.add(f"{label}：{exc.ja}", f, FIELDS)
    if not errors:
        try:
            services.record(
                person_id, year, form["status"], amounts, staff=request.user, reason=form["reason"]
            )
        except services.Protected as exc:
            return render_page(
                request, TEMPLATE, {"masked": True, "refusal": exc.messages[0]}, status=403
            )
        except services.UnknownPerson:
            raise Http404("住民が見つかりません。") from None
        except services.TaxError as exc:
            by_label = {label: f for f, label in AMOUNT_FIELDS} | {
                "理由": "reason",
                "課税区分": "status",
            }
            for problem in exc.problems:
                prefix = f"{problem.field}：" if problem.field else ""
                errors.add(
                    prefix + problem.ja,
                    by_label.get(problem.field, ""),
                    (*FIELDS, "reason", "status"),
                )
    if errors:
        return _page(request, person_id, year, errors, form, status=400)
    messages.success(request, f"{fiscal_year_text(year)}の課税情報を登録しました。")
    return HttpResponseRedirect(reverse("tax:person", args=[person_id]) + f"?year={year}")
