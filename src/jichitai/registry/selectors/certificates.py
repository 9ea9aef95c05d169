"""What the certificate path (issue 12, jichitai.certificates) asks before it shows anything:
each requested person's status and household, and a household's current members. Ids and states
only: nothing here is shown, so no read is logged (the certificate's data is read, logged and
masked through :func:`documents.document_persons`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Person
from . import move_outs


@dataclass(frozen=True)
class SubjectState:
    id: int
    status: str
    household_id: int | None
    current: bool  # 住民 today (stored resident and no 転出予定日 that has come)
    resident_type: str


def subject_states(person_ids: Iterable[int]) -> dict[int, SubjectState]:
    """``person_ids`` of this municipality → their state; ids not found are left out (another
    municipality's person is not found: the tenant scope applies)."""
    ids = sorted({int(p) for p in person_ids})
    if not ids:
        return {}
    qs = Person.objects.without_read_log("証明書請求の確認（表示なし）").filter(pk__in=ids)
    current = set(qs.filter(move_outs.current()).values_list("pk", flat=True))
    return {
        pk: SubjectState(pk, status, hid, pk in current, rtype)
        for pk, status, hid, rtype in qs.values_list(
            "pk", "status", "household_id", "resident_type"
        )
    }


def current_members(household_id: int) -> list[int]:
    """The household's current members (ids), for a 世帯全員 request."""
    return list(
        Person.objects.without_read_log("証明書請求の世帯員（表示なし）")
        .filter(move_outs.current(), household_id=household_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
