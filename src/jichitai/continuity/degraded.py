"""縮退運転 (degraded mode) switched on and off by the municipality's administrator (issue 14).

The mode lives in the municipality's own ``MunicipalSetting`` (``tenancy.degraded``); the
capability table enforces it on every entry point (web, API, domain) — read-only keeps the
reads, issuance-only keeps the reads and 証明書交付. Every switch is logged in the municipality's
chain (and, as a 団体別設定 change, in the consortium's).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jichitai.accounts.capabilities import require_capability
from jichitai.audit.recording import record
from jichitai.tenancy import degraded
from jichitai.tenancy.context import current
from jichitai.tenancy.models import MunicipalSetting

from .disaster import CAPABILITY, DeclarationError

MODES = degraded.LABELS


def _admin() -> Any:
    ctx = current()
    if ctx.is_delegated:
        raise DeclarationError("代行中の職員は縮退運転を切り替えられません。")
    require_capability(ctx.staff_id, CAPABILITY)
    return ctx


def current_setting() -> dict[str, Any] | None:
    return degraded.setting_of_unit()


def switch_on(mode: str, *, reason: str, username: str = "") -> dict[str, Any]:
    _admin()
    if mode not in MODES:
        raise DeclarationError("縮退運転の種類を選んでください。")
    if not (reason or "").strip():
        raise DeclarationError("縮退運転の理由を入力してください。")
    value = {
        "mode": mode,
        "reason": reason.strip()[:500],
        "since": timezone.now().isoformat(),
        "by": username,
    }
    row = MunicipalSetting.objects.filter(key=degraded.SETTING).first()
    if row is None:
        MunicipalSetting.objects.create(key=degraded.SETTING, value=value)
    else:
        row.value = value
        row.save(update_fields=["value", "updated_at"])
    degraded.forget()
    record(
        "operation",
        "continuity.degraded_on",
        screen="縮退運転",
        detail={"mode": mode, "reason": value["reason"]},
    )
    return value


def switch_off(*, note: str = "") -> None:
    _admin()
    row = MunicipalSetting.objects.filter(key=degraded.SETTING).first()
    if row is None:
        raise DeclarationError("縮退運転中ではありません。")
    before = row.value.get("mode") if isinstance(row.value, dict) else None
    row.delete()
    degraded.forget()
    record(
        "operation",
        "continuity.degraded_off",
        screen="縮退運転",
        detail={"before": before, "note": note[:200]},
    )
