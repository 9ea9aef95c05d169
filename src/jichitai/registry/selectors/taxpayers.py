"""Taxpayers as 個人住民税 (jichitai.tax) sees them: one person by id, and 宛名番号 → id for an import.

A tax record belongs to whoever the register names, resident or not (課税 follows the residence
on 1 January, so a person who moved out or died since still has 課税・所得証明書). A person under
支援措置 reaches staff without need-to-know only as a refusal with no name; the access is alerted
either way, as every reader of the register does (``access``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ..conventions import full_kana, full_name
from ..errors import violation
from ..models import Person, PersonStatus
from ..written_dates import birth_text
from . import access


@dataclass(frozen=True)
class Taxpayer:
    id: int
    atena_no: str
    name: str
    kana: str
    birth_text: str
    status: str


@dataclass(frozen=True)
class TaxpayerAnswer:
    taxpayer: Taxpayer | None
    masked: bool
    refusal: str = ""


def taxpayer(person_id: int, *, staff: Any, screen: str, function: str = "tax") -> TaxpayerAnswer:
    """The person ``person_id`` for ``staff``: masked (``refusal`` says why) when protected and
    ``staff`` has no need-to-know. Raises ``not_found`` for an unknown id (or 記載取消)."""
    measure = access.active_measure(person_id)
    if measure is not None and not access.need_to_know(staff):
        exists = (
            Person.objects.without_read_log("支援措置の確認（表示なし）")
            .filter(pk=person_id)
            .exclude(status=PersonStatus.VOID)
            .exists()
        )
        if not exists:
            raise violation("not_found", "住民が見つかりません。", "person_id")
        access.alert_access(person_id, screen=screen, function=function, detail={"masked": True})
        return TaxpayerAnswer(None, True, access.REFUSED)
    p = (
        Person.objects.for_read(screen=screen, function=function)
        .exclude(status=PersonStatus.VOID)
        .filter(pk=person_id)
        .first()
    )
    if p is None:
        raise violation("not_found", "住民が見つかりません。", "person_id")
    if measure is not None:
        access.alert_access(person_id, screen=screen, function=function, detail={"masked": False})
    row = {f.attname: getattr(p, f.attname) for f in p._meta.concrete_fields}
    return TaxpayerAnswer(
        Taxpayer(
            p.pk,
            p.atena_no,
            full_name(row),
            full_kana(row),
            birth_text(row),
            p.get_status_display(),
        ),
        False,
    )


def ids_by_atena(atena_nos: Collection[str]) -> dict[str, int]:
    """宛名番号 → person id for a 課税 import (not shown to anyone: the import reports the file's
    own values), every status but 記載取消."""
    rows = (
        Person.objects.without_read_log("課税情報の取込（表示なし）")
        .exclude(status=PersonStatus.VOID)
        .filter(atena_no__in=sorted(set(atena_nos)))
        .values_list("atena_no", "pk")
    )
    return dict(rows)
