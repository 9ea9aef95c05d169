"""The numbers a link to other systems names persons and households by ([420]#1 抑止の連携):
宛名番号 and 世帯番号, the read logged (the caller decided the reader may know each one)."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Household, Person


def numbers_of(
    person_ids: Iterable[int], household_ids: Iterable[int]
) -> dict[str, dict[int, str]]:
    pids, hids = sorted(set(person_ids)), sorted(set(household_ids))
    persons = (
        dict(
            Person.objects.for_read(screen="抑止の連携", function="holds.feed")
            .filter(pk__in=pids)
            .values_list("pk", "atena_no")
        )
        if pids
        else {}
    )
    households = (
        dict(Household.objects.filter(pk__in=hids).values_list("pk", "household_no"))
        if hids
        else {}
    )
    return {"person": persons, "household": households}
