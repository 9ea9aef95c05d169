"""The 職権 part of a 異動 form ([750]–[790]): 職権の契機, 戸籍届出日・通知日・申出日 (first shown as the
day of processing, 和暦) and the 事項 of the 職権記録書, handed to ``registry.ex_officio``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jichitai.registry import ex_officio
from jichitai.wareki import format_date

from ..forms import EX_OFFICIO_NAMES, Built, KindForm, _date
from .common import Errors

DATES = {
    "koseki_report": "koseki_reported_on",
    "koseki_notice": "notified_on",
    "offer": "offered_on",
}


def initial_dates(form: KindForm) -> dict[str, str]:
    """[780]#2, [790]#3: the 戸籍届出・通知日 and the 申出日 start as today."""
    names = {f.name for f in form.fields} & EX_OFFICIO_NAMES
    today = format_date(timezone.localdate())
    return {n: today for n in ("koseki_reported_on", "notified_on", "offered_on") if n in names}


def submit(
    kind: str,
    typed: Any,
    post: Any,
    built: Built,
    staff: Any,
    key: str,
    confirm: bool,
    errors: Errors,
) -> Any:
    """仮登録 through ``ex_officio.submit`` with the date the basis has (the others are not kept);
    None when an input is wrong (its message is added)."""
    from jichitai.registry.errors import RuleViolation

    basis = post.get("basis", "").strip()
    found: list[RuleViolation] = []
    dates: dict[str, dt.date | None] = {}
    name = DATES.get(basis)
    if name:
        label = {
            "koseki_reported_on": "戸籍届出日",
            "notified_on": "通知日",
            "offered_on": "申出日",
        }[name]
        dates[name] = _date(post, name, label, found)
    for v in found:
        errors.add(v.message, v.field, {v.field})
    if found or built.effective_date is None:
        return None
    if built.reported_date is not None:
        errors.add(
            "職権で行う場合は届出日を入力しません（届出日は空欄にしてください）。",
            "reported_date",
            {"reported_date"},
        )
        return None
    return ex_officio.submit(
        kind,
        typed,
        effective_date=built.effective_date,
        entered_by=staff,
        basis=basis,
        matter=(post.get("matter") or "").strip(),
        idempotency_key=key,
        confirm_alerts=confirm,
        **dates,
    )
