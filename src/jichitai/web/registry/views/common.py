"""What every register screen shares: the navigation from the capability table, the error list,
bounded id parsing, and 404 for ids the tenant-scoped domain cannot find."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe

from jichitai.accounts.decorators import has_capability
from jichitai.registry.errors import RegistryError
from jichitai.registry.events.requests import MAX_ID

READ = "registry.read"
ENTER = "registry.enter"
APPROVE = "registry.approve"
MY_NUMBER = "registry.my_number"
SUPPORT = "registry.support_measure"
SUPPORT_MANAGE = "registry.support_manage"


def not_found(exc: RegistryError) -> bool:
    return any(v.rule == "not_found" for v in exc.violations)


def nav(request: HttpRequest) -> dict[str, bool]:
    return {
        "can_read": has_capability(request, READ),
        "can_enter": has_capability(request, ENTER),
        "can_approve": has_capability(request, APPROVE),
        "can_support": has_capability(request, SUPPORT),
        "can_support_manage": has_capability(request, SUPPORT_MANAGE),
        "can_my_number": has_capability(request, MY_NUMBER),
        "can_hold": has_capability(request, "registry.hold_set"),
        "can_euc": has_capability(request, "registry.euc"),
        "can_statistics": has_capability(request, "registry.statistics"),
        "can_batch": has_capability(request, "registry.batch"),
        "can_tax": has_capability(request, "tax.manage"),
        "can_seals": has_capability(request, "seals.manage"),  # 印鑑登録 (docs/seals.md)
        "can_issue": has_capability(request, "certificates.issue"),
    }


_ACTIVE = {"search": "search", "person": "search", "household": "search", "event_form": "events",
           "event_menu": "events", "koseki_intake": "events", "approvals": "approvals", "support": "support",
           "support_detail": "support", "support_end_confirm": "support", "support_ending": "support", "holds": "holds",
           "euc": "euc", "euc_result": "euc", "statistics": "statistics", "batch": "batch", "batch_job": "batch",
           "batch_confirm": "batch", "batch_runs": "batch", "batch_run": "batch", "removed_search": "removed",
           "seals": "seals", "seal_register": "seals"}


def render_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    page = template.rsplit("/", 1)[-1].removesuffix(".html")
    return render(request, template, {"nav": nav(request), "active": _ACTIVE.get(page, ""), **context},
                  status=status)


@dataclass
class Errors:
    """Messages per field id (shown next to the field, aria-describedby) and a summary list."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)  # (message, anchor id or "")

    def add(self, message: str, anchor_name: str = "", known: Iterable[str] = ()) -> None:
        name = anchor_name if anchor_name in set(known) else ""
        if name:
            self.by_field.setdefault(name, []).append(message)
        self.summary.append((message, f"f-{name}" if name else ""))

    def __bool__(self) -> bool:
        return bool(self.summary)


def parse_id(text: str | None) -> int | None:
    """An id typed or sent by the browser, or None: never a number the database cannot hold."""
    import unicodedata

    text = unicodedata.normalize("NFKC", (text or "").strip())
    if not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def id_or_404(text: str | None, what: str) -> int:
    value = parse_id(text)
    if value is None:
        raise Http404(f"{what}が見つかりません。")
    return value


def safe_next(request: HttpRequest, value: str | None) -> str:
    """A return address for the pickers: only this site's register screens."""
    value = (value or "").strip()
    if value.startswith("/registry/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def with_params(url: str, params: Mapping[str, Any]) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


_SELECTED = mark_safe(" selected")


def options_html(options: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """``<option>`` elements, escaped, built in Python: a city's 住所辞書 has hundreds of 町字,
    and a template loop over them was a good share of a search page's CPU."""
    chosen = "" if selected is None else str(selected)
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((v, _SELECTED if str(v) == chosen else "", t) for v, t in options))
