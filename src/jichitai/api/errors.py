"""How refusals leave the API: one JSON envelope ``{"errors": [{"rule", "field", "message"}]}``.

Messages are Japanese (the staff's language; 401 adds English for integrators). Another
municipality's ids are answered exactly like ids that do not exist (404), never with a 403 that
would confirm the row exists.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from jichitai.audit.chain import IdempotencyConflict
from jichitai.registry.errors import (
    AlertsRaised,
    ConcurrentUpdate,
    DuplicateSuspected,
    RegistryError,
)

NOT_FOUND_MESSAGE = "指定されたデータが見つかりません。"
# RegistryError rules that mean "a conflict with what is stored", not "bad input".
CONFLICT_RULES = frozenset({"idempotency_conflict", "stale"})


class ApiError(Exception):
    def __init__(self, status: int, rule: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status, self.rule, self.message, self.field = status, rule, message, field


class NotFound(ApiError):
    def __init__(self, field: str = "") -> None:
        super().__init__(404, "not_found", NOT_FOUND_MESSAGE, field)


class KeyConflict(ApiError):
    def __init__(self) -> None:
        super().__init__(
            409, "idempotency_conflict",
            "同じ冪等キー（Idempotency-Key）が別の内容・別の職員の要求に使われています。", "Idempotency-Key",
        )


def _items(violations: Any) -> list[dict[str, str]]:
    return [{"rule": v.rule, "field": v.field, "message": v.message} for v in violations]


def _violations(errors: list[dict[str, Any]]) -> list[Any]:
    """pydantic's errors in the register's words (Japanese, item by path); the body's own
    location parts and the union's kind tag are dropped from the path."""
    from jichitai.registry.events.messages import violations_from
    from jichitai.registry.models import EventKind

    cleaned = []
    for e in errors:
        loc = [x for x in (e.get("loc") or ()) if x not in ("body", "query", "payload")]
        if loc and isinstance(loc[0], str) and loc[0].endswith("Event") and loc[0] != "Event":
            loc = loc[1:]  # the discriminated union's member name
        if loc and loc[0] in EventKind.values:
            loc = loc[1:]
        if e.get("type") in ("union_tag_invalid", "union_tag_not_found"):
            loc = ["kind"]
        cleaned.append({**e, "loc": loc})
    return violations_from(cleaned)


def _body(rule: str, message: str, field: str = "") -> dict[str, Any]:
    return {"errors": [{"rule": rule, "field": field, "message": message}]}


_HTTP_RULES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn domain and framework errors into the envelope."""

    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, _body(exc.rule, exc.message, exc.field), exc.status)

    @api.exception_handler(DuplicateSuspected)
    def duplicate(request: HttpRequest, exc: DuplicateSuspected) -> HttpResponse:
        body = _body(
            "duplicate_suspected",
            "重複記載の疑いがあります。内容を確認し、confirm_duplicates を true にして再送信してください。",
            "confirm_duplicates",
        )
        body["warnings"] = _items(exc.violations)
        return respond(request, body, 409)

    @api.exception_handler(AlertsRaised)
    def alerts(request: HttpRequest, exc: AlertsRaised) -> HttpResponse:
        if isinstance(exc, DuplicateSuspected):
            return duplicate(request, exc)
        body = _body(
            "alert_confirmation_required",
            "確認が必要なアラートがあります（warnings）。内容を確認し、confirm_alerts を true にして再送信してください。",
            "confirm_alerts",
        )
        body["warnings"] = _items(exc.violations)
        return respond(request, body, 409)

    @api.exception_handler(ConcurrentUpdate)
    def concurrent(request: HttpRequest, exc: ConcurrentUpdate) -> HttpResponse:
        return respond(request, {"errors": _items(exc.violations)}, 409)

    @api.exception_handler(RegistryError)
    def registry_error(request: HttpRequest, exc: RegistryError) -> HttpResponse:
        rules = {v.rule for v in exc.violations}
        status = 409 if rules & CONFLICT_RULES else 422
        return respond(request, {"errors": _items(exc.violations)}, status)

    @api.exception_handler(IdempotencyConflict)
    def audit_key_conflict(request: HttpRequest, exc: IdempotencyConflict) -> HttpResponse:
        e = KeyConflict()
        return respond(request, _body(e.rule, e.message, e.field), 409)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        rule = _HTTP_RULES.get(exc.status_code, "http_error")
        if exc.status_code == 403 and "CSRF" in str(exc):
            rule, message = "csrf", "CSRFトークンがありません。画面から再読み込みしてください。 / CSRF check failed"
        elif exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            # django-ninja's refusal of a body that is not JSON (or not UTF-8): say it in Japanese
            rule, message = "invalid_json", "本文がJSONとして読めません。JSON（UTF-8）で送ってください。"
        else:
            message = str(exc)
        return respond(request, _body(rule, message), exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, _body("not_found", NOT_FOUND_MESSAGE), 404)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = list(exc.errors)
        where = {str((e.get("loc") or ("",))[0]) for e in errors}
        if "path" in where:  # /persons/abc, or an id no database row can have
            return respond(request, _body("not_found", NOT_FOUND_MESSAGE), 404)
        if "header" in where:
            return respond(request, _body(
                "idempotency_key_required",
                "書き込みには Idempotency-Key ヘッダー（1〜80文字の英数字・記号）が必要です。",
                "Idempotency-Key",
            ), 400)
        return respond(request, {"errors": _items(_violations(errors))}, 422)
