"""Setting the fees and the 減免事由 (the admin screen and tests call these; every change is a
設定変更ログ through the models' signals)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from .. import kinds
from .models import FeeExemption, FeeRate

MAX_FEE = 100_000
FEE_MESSAGE = "{title}の手数料は0から{max}までの整数（円）で入力してください。"
LABEL_MESSAGE = "減免事由を入力してください（50文字まで）。"
BASIS_MESSAGE = "減免の根拠（条例・規則の条項など）を入力してください（200文字まで）。"
DUPLICATE_MESSAGE = "同じ名前の減免事由がすでにあります。"


def _amount(text: str) -> int | None:
    text = text.strip().replace(",", "").removesuffix("円")
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        return None
    value = int(text)
    return value if value <= MAX_FEE else None


def set_rates(values: Mapping[str, str], *, staff: Any) -> list[str]:
    """``values``: kind code → amount text ("" = not set). All or nothing; returns the problems."""
    problems: list[str] = []
    wanted: dict[str, int | None] = {}
    for kind in kinds.all_kinds():
        text = str(values.get(kind.code, "")).strip()
        amount = _amount(text) if text else None
        if text and amount is None:
            problems.append(FEE_MESSAGE.format(title=kind.title, max=f"{MAX_FEE:,}"))
        wanted[kind.code] = amount
    if problems:
        return problems
    current = {r.kind: r for r in FeeRate.objects.all()}
    with transaction.atomic():
        for code, amount in wanted.items():
            row = current.get(code)
            if amount is None:
                if row is not None:
                    row.delete()
            elif row is None or row.amount != amount:
                FeeRate.objects.update_or_create(
                    kind=code, defaults={"amount": amount, "updated_by": staff}
                )
    return []


def add_exemption(label: str, basis: str) -> list[str]:
    label, basis = label.strip(), basis.strip()
    problems = []
    if not label or len(label) > 50:
        problems.append(LABEL_MESSAGE)
    if not basis or len(basis) > 200:
        problems.append(BASIS_MESSAGE)
    if not problems and FeeExemption.objects.filter(label=label).exists():
        problems.append(DUPLICATE_MESSAGE)
    if not problems:
        FeeExemption.objects.create(label=label, basis=basis)
    return problems


def set_exemption_active(exemption_id: int, active: bool) -> bool:
    row = FeeExemption.objects.filter(pk=exemption_id).first()
    if row is None:
        return False
    if row.active != active:
        row.active = active
        row.save(update_fields=["active"])
    return True
