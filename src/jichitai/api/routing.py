"""The API's router and how an endpoint is declared: auth and documented rights from the
permission table, ids bounded so that no path or query reaches the database out of range."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ninja import Path, Query, Router

from jichitai.registry.errors import RegistryError
from jichitai.registry.events.requests import MAX_ID

from .errors import NotFound
from .permissions import StaffSession, openapi_roles
from .schemas import ErrorOut

router = Router()

COMMON_ERRORS = {401: ErrorOut, 403: ErrorOut}
WRITE_ERRORS = {**COMMON_ERRORS, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MAX_PAGE = 10**6


def endpoint(method: str, path: str, operation_id: str, **kw: Any) -> Callable[[Any], Any]:
    """Declare an endpoint: its auth and documented rights come from the permission table."""
    return router.api_operation(
        [method.upper()], path, operation_id=operation_id, auth=StaffSession(operation_id),
        openapi_extra=openapi_roles(operation_id), **kw,
    )


def path_id() -> Any:
    return Path(..., ge=1, le=MAX_ID)


def page_query() -> Any:
    return Query(1, ge=1, le=MAX_PAGE)


@contextmanager
def missing_is_404(field: str) -> Iterator[None]:
    """The path id ``field`` the register cannot find (or that belongs to another municipality)
    → 404; anything else the request names and the register cannot find stays a 422."""
    try:
        yield
    except RegistryError as exc:
        if any(v.rule == "not_found" and v.field == field for v in exc.violations):
            raise NotFound(field) from None
        raise
