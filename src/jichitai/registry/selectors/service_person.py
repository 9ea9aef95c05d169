"""One person as a service outside the register sees them (印鑑登録, and next certificates).

Not a screen row: the few items a service decides on (name, birth date, status as it reads today,
成年被後見人の該当有無). The read is logged with the caller's screen; a person under 支援措置 is
refused to staff without need-to-know (an alert is written either way); another municipality's
persons are not found (the scoped manager).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..conventions import full_kana, full_name
from ..errors import violation
from ..models import Person, PersonStatus
from . import access
from .persons import person_values

NOT_FOUND = "住民が見つかりません。"


@dataclass(frozen=True)
class ServicePerson:
    id: int
    name: str
    kana: str
    birth_date: dt.date | None
    status: str  # as it reads today: a 転出予定日 that has come reads as moved_out ([50]#1)
    adult_ward: bool  # 成年被後見人の該当有無 = 有
    protected: bool  # under an active 支援措置 (only ever returned to staff with need-to-know)


def service_person(
    person_id: int, *, staff: Any, screen: str, function: str = "service"
) -> ServicePerson:
    """The person ``person_id`` for ``staff``, or a violation (not found / 支援措置 refusal)."""
    measure = access.active_measure(person_id)
    if measure is not None and not access.need_to_know(staff):
        exists = (
            Person.objects.without_read_log("支援措置の確認（表示なし）")
            .filter(pk=person_id)
            .exclude(status=PersonStatus.VOID)
            .exists()
        )
        if not exists:
            raise violation("not_found", NOT_FOUND, "person_id")
        access.alert_access(person_id, screen=screen, function=function, detail={"masked": True})
        raise violation("support_measure", access.REFUSED, "person_id")
    p = (
        Person.objects.for_read(screen=screen, function=function)
        .exclude(status=PersonStatus.VOID)
        .filter(pk=person_id)
        .first()
    )
    if p is None:
        raise violation("not_found", NOT_FOUND, "person_id")
    if measure is not None:
        access.alert_access(person_id, screen=screen, function=function, detail={"masked": False})
    row = person_values(p)
    return ServicePerson(
        id=p.pk,
        name=full_name(row),
        kana=full_kana(row),
        birth_date=p.birth_date,
        status=str(row.get("status") or ""),
        adult_ward=p.adult_ward == "yes",
        protected=measure is not None,
    )


def statuses(person_ids: list[int]) -> dict[int, str]:
    """Each person's status as it reads today, and nothing else (no name, no address): for a
    service that ends what a person leaving the register ends (印鑑登録の職権抹消). Nothing of a
    person is shown, so the load is not a read and 支援措置 does not mask it."""
    found = Person.objects.without_read_log("住民でなくなった者の確認（状態のみ）").filter(
        pk__in=sorted(set(person_ids))
    )
    return {p.pk: str(person_values(p).get("status") or "") for p in found}
