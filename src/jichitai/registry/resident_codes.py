"""住民票コードの付番 ([870]): the local stock of codes for new numbering, drawn at random.

[870]#1 「CSから取得でき、蓄積できること」: the CS is the national network (not here yet); its file
of codes is taken in by :func:`stock` (the ``jichitai-registry resident-codes`` command). Each code
is 11 ASCII digits whose last is the check digit (our synthetic rule, ``codes.py``: the simulated
CS issues only such codes). [870]#2: a new person written without a 住民票コード (未付番者), and a
住民票コードの変更請求, take one from the stock; [870]#3 at random among the unused ones; [870]#4:
when fewer than the municipality's threshold (団体別設定 ``registry.resident_code_alert_below``)
remain, the clerk sees an alert. A code is used once any person row (a 除票 too) holds it.

[870]#5 (must not): no list of the codes given to persons is produced; nothing here reads which
person holds which code, only whether a code is taken.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jichitai.codes import is_valid_resident_code

from .errors import RuleViolation
from .models import Person
from .resident_code_models import ResidentCodeStock

ALERT_SETTING = "registry.resident_code_alert_below"  # 団体別設定 (tenancy.MunicipalSetting)
DEFAULT_ALERT_BELOW = 100
LOW_RULE = "resident_code_stock_low"
_INTERNAL = "住民票コードの付番（空き番の確認、画面表示なし）"


@dataclass
class Intake:
    """What a stock file gave: codes added, codes already held, lines refused (line no, reason)."""

    added: int = 0
    already: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


def code_problem(code: str) -> str | None:
    if not (len(code) == 11 and code.isascii() and code.isdigit()):
        return "住民票コードは11桁の半角数字です。"
    if not is_valid_resident_code(code):
        return "住民票コードの検査数字が正しくありません。"
    return None


def stock(lines: Iterable[str], *, source: str = "") -> Intake:
    """[870]#1: take in a file of codes (one per line; blank lines and ``#`` comments skipped).
    A file with any bad line adds nothing (the clerk fixes the file and runs it again)."""
    out = Intake()
    found: list[str] = []
    for no, raw in enumerate(lines, start=1):
        code = raw.strip()
        if not code or code.startswith("#"):
            continue
        problem = code_problem(code)
        if problem:
            out.refused.append((no, problem))
        else:
            found.append(code)
    if out.refused:
        return out
    held = set(ResidentCodeStock.objects.filter(code__in=found).values_list("code", flat=True))
    new = list(dict.fromkeys(c for c in found if c not in held))
    ResidentCodeStock.objects.bulk_create(
        [ResidentCodeStock(code=c, source=source[:100]) for c in new]
    )
    out.added, out.already = len(new), len(found) - len(new)
    return out


def unused(exclude: Iterable[str] = ()) -> list[str]:
    """The stock's codes no person row holds (and not in ``exclude``, drawn earlier in one event)."""
    taken = Person.objects.without_read_log(_INTERNAL).filter(
        resident_code__in=ResidentCodeStock.objects.values("code")
    )
    skip = set(taken.values_list("resident_code", flat=True)) | set(exclude)
    return [
        c
        for c in ResidentCodeStock.objects.order_by("code").values_list("code", flat=True)
        if c not in skip
    ]


def alert_below() -> int:
    from jichitai.tenancy.models import MunicipalSetting

    value = (
        MunicipalSetting.objects.filter(key=ALERT_SETTING).values_list("value", flat=True).first()
    )
    return int(value) if isinstance(value, int) and value >= 0 else DEFAULT_ALERT_BELOW


def draw(exclude: Iterable[str] = ()) -> tuple[str | None, RuleViolation | None]:
    """[870]#2/#3: a random unused code (None: the stock is empty), and [870]#4's alert when the
    codes left after it fall below the threshold."""
    free = unused(exclude)
    if not free:
        return None, low_alert(0)
    code = secrets.choice(free)
    left = len(free) - 1
    return code, (low_alert(left) if left < alert_below() else None)


def low_alert(left: int) -> RuleViolation:
    return RuleViolation(
        LOW_RULE,
        f"新規付番用の住民票コードの空き番が残り{left}件です（設定値 {alert_below()}件を"
        "下回りました）。CSから住民票コードを取得してください。",
        "resident_code",
    )


def draw_for(
    spec: Mapping[str, Any], rows: Iterable[Mapping[str, Any]], warnings: list[RuleViolation]
) -> dict[str, Any]:
    """A new person's spec with a code from the stock (unchanged when the stock is empty: the
    rule that a 住民票コード is required then speaks); the low-stock alert joins ``warnings``."""
    code, alert = draw(str(r.get("resident_code")) for r in rows if r.get("resident_code"))
    if code is None:
        return dict(spec)
    if alert is not None:
        warnings.append(alert)
    return {**spec, "resident_code": code}


def has_stock() -> bool:
    """Whether the municipality keeps a stock at all (a blank code may then be left to the draw)."""
    return ResidentCodeStock.objects.exists()
