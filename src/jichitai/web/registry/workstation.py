"""The session's 入力場所・入力端末 ([230]): chosen on 「入力場所・端末の設定」, put into each request's
unit of work so every 異動 entered and every operation-log entry records them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from jichitai.registry import workstation
from jichitai.tenancy.context import current_or_none

SESSION_KEY = "registry.workstation"


def remember(request: HttpRequest, ws: workstation.Workstation) -> None:
    ctx = current_or_none()
    request.session[SESSION_KEY] = {
        "municipality_id": ctx.municipality_id if ctx else None, "place_id": ws.place_id,
        "terminal_id": ws.terminal_id, "place": ws.place, "terminal": ws.terminal,
        "place_name": ws.place_name, "terminal_name": ws.terminal_name,
    }


def from_session(request: HttpRequest) -> workstation.Workstation | None:
    """The session's choice, if it was made for the municipality now worked in."""
    data: Any = getattr(request, "session", {}).get(SESSION_KEY)
    ctx = current_or_none()
    if not isinstance(data, dict) or ctx is None or data.get("municipality_id") != ctx.municipality_id:
        return None
    return workstation.Workstation(*(data.get(k) for k in ("place_id", "terminal_id")),
                                   *(str(data.get(k) or "") for k in ("place", "terminal", "place_name",
                                                                      "terminal_name")))


class WorkstationMiddleware:
    """After the tenant context: the unit of work learns the session's workstation."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ws = from_session(request) if current_or_none() is not None else None
        if ws is not None:
            workstation.use(ws)
        return self.get_response(request)
