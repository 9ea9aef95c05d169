"""TenantContext: who acts, for which municipality, why — set once per unit of work.

A context is immutable and cannot be replaced while active (OneGov's changelog records a CLI loop
that tagged data with the wrong tenant because "current tenant" was mutable). Code that needs a
different municipality starts a new unit of work. Nothing here may fall back to "all tenants".
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class NoTenantContext(RuntimeError):
    """Tenant data was touched outside a TenantContext (fail closed)."""

    def __init__(self) -> None:
        super().__init__("テナントコンテキストが設定されていません / no tenant context is active")


class TenantContextAlreadySet(RuntimeError):
    """A second context was activated inside a unit of work."""

    def __init__(self) -> None:
        super().__init__(
            "テナントコンテキストは処理単位の途中で変更できません / "
            "the tenant context cannot change inside a unit of work"
        )


@dataclass(frozen=True, slots=True)
class TenantContext:
    """Acting municipality, the municipality whose data is touched, staff and purpose.

    ``municipality_id`` is the data owner. It differs from ``acting_municipality_id`` only under a
    delegation grant (代行), whose id is then required.
    """

    municipality_id: int
    acting_municipality_id: int
    staff_id: int | None = None
    purpose: str = ""
    legal_basis: str = ""
    grant_id: int | None = None

    def __post_init__(self) -> None:
        if self.municipality_id != self.acting_municipality_id and self.grant_id is None:
            raise ValueError("acting for another municipality requires a delegation grant")

    @property
    def is_delegated(self) -> bool:
        return self.municipality_id != self.acting_municipality_id


_current: contextvars.ContextVar[TenantContext | None] = contextvars.ContextVar(
    "jichitai_tenant_context", default=None
)


_unit_cache: contextvars.ContextVar[dict[object, object] | None] = contextvars.ContextVar(
    "jichitai_unit_cache", default=None
)


def unit_cache() -> dict[object, object]:
    """A dict that lives exactly as long as the current unit of work (e.g. a staff username
    looked up once per request, not once per audit entry). Never cache tenant data across units."""
    cache = _unit_cache.get()
    if cache is None:
        raise NoTenantContext()
    return cache


def current() -> TenantContext:
    ctx = _current.get()
    if ctx is None:
        raise NoTenantContext()
    return ctx


def current_or_none() -> TenantContext | None:
    return _current.get()


@contextmanager
def activate(ctx: TenantContext) -> Iterator[TenantContext]:
    """Run a unit of work under ``ctx``. Nested activation is refused, even with an equal ctx."""
    if _current.get() is not None:
        raise TenantContextAlreadySet()
    token = _current.set(ctx)
    cache_token = _unit_cache.set({})
    try:
        yield ctx
    finally:
        _unit_cache.reset(cache_token)
        _current.reset(token)
