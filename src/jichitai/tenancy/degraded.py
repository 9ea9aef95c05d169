"""縮退運転 (degraded mode) of one municipality: what its register still does (issue 14).

The mode is the municipality's own setting (``MunicipalSetting``), read once per unit of work
under the active context's data municipality — so under 代行 the stricken municipality's mode
binds its partners too. Switching it is ``jichitai.continuity.degraded``; what each mode still
allows is decided by the capability table (``accounts.capabilities``, ``Capability.kind``).
"""

from __future__ import annotations

from typing import Any

SETTING = "continuity.degraded_mode"
READ_ONLY = "read_only"
ISSUANCE_ONLY = "issuance_only"
LABELS: dict[str, str] = {READ_ONLY: "参照のみ", ISSUANCE_ONLY: "証明書交付のみ"}
_CACHE_KEY = "tenancy.degraded_mode"


def setting_of_unit() -> dict[str, Any] | None:
    """The current data municipality's degraded-mode setting (mode, reason, since, by), or None
    when the municipality runs normally or no context is active."""
    from .context import current_or_none, unit_cache
    from .models import MunicipalSetting

    ctx = current_or_none()
    if ctx is None:
        return None
    cache = unit_cache()
    key = (_CACHE_KEY, ctx.municipality_id)
    if key not in cache:
        value = MunicipalSetting.objects.filter(key=SETTING).values_list("value", flat=True).first()
        cache[key] = value if isinstance(value, dict) and value.get("mode") in LABELS else None
    found = cache[key]
    return found if isinstance(found, dict) else None


def mode_of_unit() -> str | None:
    found = setting_of_unit()
    return str(found["mode"]) if found else None


def forget() -> None:
    """A mode switched inside a unit of work counts from the next question on."""
    from .context import current_or_none, unit_cache

    ctx = current_or_none()
    if ctx is not None:
        unit_cache().pop((_CACHE_KEY, ctx.municipality_id), None)
