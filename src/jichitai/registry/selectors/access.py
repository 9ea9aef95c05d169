"""Who may see what of a person: the 支援措置 decision and need-to-know, asked by every reader.

A person under an active 支援措置 is shown to staff without need-to-know only as a mask with no
stable identifier; the address of every household one of whose current members is protected is
hidden from them; every access to a protected person (masked or not) writes an alert. The answer
is "no" whenever anything is unclear. Getting this wrong can cost a life.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from jichitai.accounts.capabilities import has_capability
from jichitai.audit.recording import record_alert

from ..models import SupportMeasure

NEED_TO_KNOW = "registry.support_measure"
MANAGE = "registry.support_manage"  # [1380]#9: 支援対象者管理, apart from the need to know
MY_NUMBER = "registry.my_number"
MASK = "＊＊＊＊（支援措置対象）"
REFUSED = "この住民は支援措置の対象です。記録は支援措置担当の職員だけが取り扱えます。"


def need_to_know(staff: Any) -> bool:
    return has_capability(staff, NEED_TO_KNOW)


def may_manage(staff: Any) -> bool:
    return has_capability(staff, MANAGE)


def may_see_my_number(staff: Any) -> bool:
    return has_capability(staff, MY_NUMBER)


def _active(on: dt.date | None) -> Q:
    """A measure protects from its start until a person ends it ([410]#6, [440]#5): its end date
    only informs (alerts on the person's screen), it never lifts the protection by itself."""
    on = on or timezone.localdate()
    # a 仮支援措置 protects from its own start, also once confirmed with a later start ([440]#7)
    return Q(ended_at__isnull=True) & (Q(start_date__lte=on) | Q(provisional_start__lte=on))


def active_measure(person_id: int, on: dt.date | None = None) -> SupportMeasure | None:
    return SupportMeasure.objects.filter(_active(on), person_id=person_id).order_by("-end_date", "-pk").first()


def active_measures(person_ids: Iterable[int], on: dt.date | None = None) -> Any:
    """The measures protecting any of ``person_ids`` (a queryset)."""
    return SupportMeasure.objects.filter(_active(on), person_id__in=sorted(set(person_ids))).order_by("pk")


def active_measures_all(on: dt.date | None = None) -> Any:
    """Every measure protecting anyone now (a queryset)."""
    return SupportMeasure.objects.filter(_active(on)).order_by("pk")


def protected_ids(person_ids: Iterable[int], on: dt.date | None = None) -> set[int]:
    ids = sorted(set(person_ids))
    if not ids:
        return set()
    return set(SupportMeasure.objects.filter(_active(on), person_id__in=ids).values_list("person_id", flat=True))


def protected_in(
    person_ids: Iterable[int], household_ids: Iterable[int], on: dt.date | None = None
) -> dict[int, int | None]:
    """Persons under an active measure among ``person_ids`` and the current members of
    ``household_ids`` (one query): person id → household id."""
    pids, hids = sorted(set(person_ids)), sorted(set(household_ids))
    if not pids and not hids:
        return {}
    return dict(
        SupportMeasure.objects.filter(
            _active(on), Q(person_id__in=pids) | Q(person__household_id__in=hids, person__status="resident")
        ).values_list("person_id", "person__household_id")
    )


def shielded() -> tuple[set[int], set[int]]:
    """(households with a protected current member, every protected person): what an address
    search must never return to staff without need-to-know."""
    rows = SupportMeasure.objects.filter(_active(None)).values_list("person_id", "person__household_id", "person__status")
    households, persons = set(), set()
    for pid, hid, status in rows:
        persons.add(pid)
        if status == "resident" and hid is not None:
            households.add(hid)
    return households, persons


def alert_access(person_id: int, *, screen: str, function: str, detail: dict[str, Any] | None = None) -> None:
    record_alert(
        "support_measure.access", subject_type="person", subject_id=person_id, screen=screen,
        function=function, detail=detail or {},
    )


def decide(person_ids: Iterable[int], household_ids: Iterable[int | None], *, staff: Any, screen: str,
           function: str) -> tuple[frozenset[int], frozenset[int]]:
    """The one rule for showing persons and addresses: (the persons ``staff`` sees masked, the
    households whose address ``staff`` may not see). One alert per protected person concerned,
    shown masked or not; nothing is hidden from staff with need-to-know."""
    pids = set(person_ids)
    hids = {h for h in household_ids if h is not None}
    protected = protected_in(pids, hids)
    if not protected:
        return frozenset(), frozenset()
    may_see = need_to_know(staff)
    for pid, hid in sorted(protected.items()):
        alert_access(pid, screen=screen, function=function, detail={
            "masked": pid in pids and not may_see, "address_hidden": hid in hids and not may_see})
    if may_see:
        return frozenset(), frozenset()
    return (frozenset(p for p in protected if p in pids),
            frozenset(h for h in protected.values() if h is not None and h in hids))


def screen_persons(person_ids: Iterable[int], *, staff: Any, screen: str, function: str) -> frozenset[int]:
    """Which of the persons ``staff`` sees masked (each protected one alerted)."""
    return decide(person_ids, (), staff=staff, screen=screen, function=function)[0]


def hidden_addresses(household_ids: Iterable[int | None], *, staff: Any, screen: str, function: str) -> frozenset[int]:
    """Of ``household_ids``, those whose address ``staff`` may not see (each protected current
    member alerted)."""
    return decide((), household_ids, staff=staff, screen=screen, function=function)[1]

