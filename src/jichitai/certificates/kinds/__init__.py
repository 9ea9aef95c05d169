"""Certificate kinds as a registry: each kind names its title, its functions of the standard, the
status its subjects must have, its own eligibility rules and how its data is built.

Issuance (eligibility, numbering, 交付履歴, finalize) is one path for every kind; a kind only adds
what is its own. A new kind is a module here registering a :class:`CertificateKind`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# (request, subject_ids, *, staff, today, municipality) -> list[CertificateData]
Builder = Callable[..., list[Any]]
# (request, states: dict[int, SubjectState], *, staff) -> None; raises IssuanceRefused
Check = Callable[..., None]
# (history: Issuance, documents: list[CertificateData]) -> None; in the issuing transaction
Recorded = Callable[..., None]

CURRENT, REMOVED, ANY = "current", "removed", "any"


@dataclass(frozen=True)
class CertificateKind:
    code: str
    title: str  # 証明書の名称 (screens, 交付履歴)
    build: Builder
    functions: tuple[str, ...] = ()
    subjects: str = CURRENT  # CURRENT: 住民 only; REMOVED: 消除された方 only; ANY
    check: Check | None = None  # the kind's own rules, after the common ones
    expands_household: bool = False  # 「世帯全員」 adds the household's current members
    register_options: bool = True  # [1000]#1 choices (世帯主・続柄, 本籍 …) apply
    requester_rules: bool = True  # 本人 / 同一世帯 / 代理人 / 第三者 / 公用 as for 住民票の写し
    order: int = 100  # place in the counter's list
    recorded: Recorded | None = None  # after the 交付履歴 is written (e.g. keep what was printed)


_KINDS: dict[str, CertificateKind] = {}
_loaded = False


def register(kind: CertificateKind) -> CertificateKind:
    if kind.code in _KINDS and _KINDS[kind.code] != kind:
        raise ValueError(f"certificate kind {kind.code} registered twice")
    _KINDS[kind.code] = kind
    return kind


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True


def get(code: str) -> CertificateKind | None:
    load_all()
    return _KINDS.get(code)


def all_kinds() -> list[CertificateKind]:
    load_all()
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.code))


def titles() -> dict[str, str]:
    return {k.code: k.title for k in all_kinds()}
