"""Register documents as data (受理通知, 世帯主変更依頼通知書, 転出証明書, 転入通知未着照会書 …).

Chapter 4 produces the data of each document here; the certificates engine (issue 12) renders it.
A builder reads persons only through the read layer (selectors): a protected person's address,
identifiers or existence never reach a document for staff without need-to-know. Each builder
module registers its kinds with :func:`document`; ``build(kind, …)`` is the one way to make one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RegisterDocument:
    """One document's content: what the renderer prints, and nothing it must not."""

    kind: str  # e.g. "receipt_notice"
    title: str  # 様式名, e.g. 「住民異動届受理通知」
    functions: tuple[str, ...]  # the standard's function ids it serves, e.g. ("580",)
    municipality_code: str
    made_on: dt.date
    person_ids: tuple[int, ...]  # whom it is about (re-checked by the renderer before it leaves)
    fields: dict[str, Any] = field(
        default_factory=dict
    )  # label (Japanese) -> value (text, 和暦 dates)
    rows: tuple[dict[str, Any], ...] = ()  # list documents (一覧): one dict per line


Builder = Callable[..., RegisterDocument]


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    title: str
    functions: tuple[str, ...]
    builder: Builder


KINDS: dict[str, DocumentKind] = {}


def document(kind: str, *, title: str, functions: tuple[str, ...]) -> Callable[[Builder], Builder]:
    """Register a builder; a kind registered twice is refused."""

    def wrap(fn: Builder) -> Builder:
        if kind in KINDS:
            raise ValueError(f"document kind {kind} is registered twice")
        KINDS[kind] = DocumentKind(kind, title, functions, fn)
        return fn

    return wrap


def load_all() -> dict[str, DocumentKind]:
    """Every builder module of this package imported (each registers its kinds), the table."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return KINDS


def build(kind: str, /, **kwargs: Any) -> RegisterDocument:
    """The document ``kind`` made by its builder (``staff=`` is required: the read layer asks)."""
    if "staff" not in kwargs:
        raise TypeError("build() needs staff=: a document is read through the read layer")
    if kind not in KINDS:
        load_all()
    return KINDS[kind].builder(**kwargs)
