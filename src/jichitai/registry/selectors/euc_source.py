"""EUC のデータソース ([1360]#1, #3): a virtual data source over the whole register — current
persons, 除票, every history row (snapshots.build) and households — read only through this layer.

支援措置: for staff without need-to-know a protected person is *not in the source at all* (no row,
no mask, not counted: a count of a small group would otherwise reveal them), a household with a
protected current member is left out of the household source, and a co-resident's address items
and 世帯主氏名 read 「（非表示）」, so conditions see only what the staff member sees. Staff with
need-to-know get every row; each protected person they extract is alerted. Items under a 表示権限
([1390]) the staff member lacks are dropped from every row. The one audit entry of the extraction
is written by the caller (registry.euc.run) with the criteria and the row count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from ..conventions import full_kana, full_name
from ..euc import catalogue, specs
from ..models import AddressEntry, Household, Person, PersonStatus
from . import access, move_outs
from .addresses import HIDDEN, address_line
from .snapshots import build
from .visibility import withheld_fields

CHUNK = 1000
_REASON = "EUC（データ抽出として1件の操作ログに記録）"
_TYPE = {"japanese": "1", "foreign": "2"}
_ADDRESS_ITEMS = ("address", "town", "banchi", "katagaki", "postal_code")
_PERSON_ITEMS = (
    "atena_no", "relationship", "family_name", "given_name", "birth_date", "sex", "honseki", "hittousha",
    "resident_code", "nationality", "residence_status", "residence_period", "residence_end_date",
    "residence_card_no", "alias", "former_surname", "became_resident_on", "address_set_on", "reported_on",
    "previous_address", "move_out_destination", "move_out_planned_on", "removed_on", "alphabet_name",
    "foreign_category", "alias_kana", "alias_recorded_on", "former_surname_kana", "name_priority", "birth_date_text",
    "previous_address_postal_code", "move_out_confirmed_destination", "became_foreign_resident_on",
)


@dataclass
class Shield:
    """The 支援措置 and 表示権限 decision for one extraction by ``staff``."""

    staff: Any
    may_see: bool = False
    households: set[int] = field(default_factory=set)  # with a protected current member
    persons: set[int] = field(default_factory=set)  # protected
    withheld: frozenset[str] = frozenset()
    excluded: set[int] = field(default_factory=set)
    alerted: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, staff: Any) -> Shield:
        households, persons = access.shielded()
        return cls(staff, access.need_to_know(staff), households, persons, withheld_fields(staff))

    def admits(self, person_id: int) -> bool:
        if person_id not in self.persons:
            return True
        if not self.may_see:
            self.excluded.add(person_id)
            return False
        if person_id not in self.alerted:
            self.alerted.add(person_id)
            access.alert_access(person_id, screen="EUC", function="euc", detail={"masked": False})
        return True

    def hides(self, household_id: Any) -> bool:
        return not self.may_see and household_id in self.households

    def finish(self, row: dict[str, Any], household_id: Any, head_id: Any) -> dict[str, Any]:
        if self.hides(household_id):
            row.update(dict.fromkeys(_ADDRESS_ITEMS, HIDDEN))
        if not self.may_see and head_id in self.persons:
            row["head_name"] = HIDDEN
        specs.encode(row, catalogue.CODED)  # [1360]#3: the layout's codes, labels beside them
        for key in self.withheld:
            row.pop(key, None)
            row.pop(f"{key}_label", None)
        return row


def _towns() -> dict[int, tuple[str, str]]:
    return {pk: (name, postal) for pk, name, postal in AddressEntry.objects.values_list("pk", "name", "postal_code")}


def _households(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    qs = Household.objects.filter(pk__in=sorted(set(ids)))
    return {h["pk"]: h for h in qs.values("pk", "household_no", "address_id", "banchi", "katagaki", "head_id",
                                          "active")}


def _chunks(rows: Iterable[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _head_names(ids: set[int]) -> dict[int, str]:
    rows = Person.objects.without_read_log(_REASON).filter(pk__in=sorted(ids)).values(
        "pk", "family_name", "given_name")
    return {r["pk"]: full_name(r) for r in rows}


def _address(hh: dict[str, Any] | None, towns: dict[int, tuple[str, str]]) -> dict[str, Any]:
    if not hh:
        return dict.fromkeys(_ADDRESS_ITEMS, "")
    town, postal = towns.get(hh.get("address_id") or 0, ("", ""))
    return {"address": address_line(town, hh.get("banchi"), hh.get("katagaki")), "town": town,
            "banchi": hh.get("banchi") or "", "katagaki": hh.get("katagaki") or "", "postal_code": postal}


def _persons(include_removed: bool) -> Any:
    qs = Person.objects.without_read_log(_REASON).exclude(status=PersonStatus.VOID)
    if not include_removed:
        qs = qs.filter(move_outs.current())  # [50]#1: a 転出予定日 that has come is a 転出者
    return qs.order_by("atena_no", "pk")


def person_rows(shield: Shield, *, include_removed: bool = False) -> Iterator[dict[str, Any]]:
    """Current 住民票 rows (and 除票 when asked), ordered by 宛名番号, read in chunks: each chunk's
    households and 世帯主 are read with it, so a run that stops early has read little."""
    towns = _towns()
    for chunk in _chunks(_persons(include_removed).iterator(chunk_size=CHUNK)):
        households = _households(p.household_id for p in chunk)
        heads = _head_names({h["head_id"] for h in households.values() if h["head_id"]})
        for p in chunk:
            if not shield.admits(p.pk):
                continue
            hh = households.get(p.household_id)
            head_id = (hh or {}).get("head_id")
            row = {f: getattr(p, f) for f in _PERSON_ITEMS}
            now = move_outs.effective({"status": p.status, "move_out_planned_on": p.move_out_planned_on,
                                       "removed_on": p.removed_on})  # [50]#1
            if "removed_on" in row:
                row["removed_on"] = now["removed_on"]
            row.update(name=full_name(row), name_kana=full_kana({"family_name_kana": p.family_name_kana,
                                                                 "given_name_kana": p.given_name_kana}),
                       resident_type=_TYPE.get(p.resident_type, ""), status=now["status"] or p.status,
                       household_no=(hh or {}).get("household_no", ""), head_name=heads.get(head_id, ""),
                       **_address(hh, towns))
            yield shield.finish(row, p.household_id, head_id)


def history_rows(shield: Shield, *, include_removed: bool = True) -> Iterator[dict[str, Any]]:
    """Every history row ([200] full rows) of every person, oldest first per person."""
    towns = _towns()
    for p in _persons(include_removed).only("pk").iterator(chunk_size=CHUNK):
        if not shield.admits(p.pk):
            continue
        snaps = build(p.pk)
        for n, s in enumerate(snaps, start=1):
            r = s.row
            hh = {"address_id": r.get("address_id"), "banchi": r.get("banchi"), "katagaki": r.get("katagaki")}
            row = {f: r.get(f) for f in _PERSON_ITEMS}
            for f in ("birth_date", "residence_end_date", "became_resident_on", "address_set_on", "reported_on",
                      "move_out_planned_on", "removed_on", "alias_recorded_on", "became_foreign_resident_on"):
                row[f] = _as_date(row[f])
            row.update(name=full_name(r), name_kana=full_kana(r), resident_type=_TYPE.get(r.get("resident_type"), ""),
                       status=r.get("status") or "",
                       household_no=r.get("household_no") or "", head_name=r.get("head_name") or "",
                       **_address(hh if r.get("household_no") else None, towns),
                       history_no=s.history_no, latest="1" if n == len(snaps) else "0",
                       effective_date=_as_date(s.effective_date), event_reported_on=_as_date(s.reported_date),
                       reason=s.reason, division=s.division, processed_at=_as_date(s.processed_at[:10]),
                       reissued="1" if s.reissued else "0")
            yield shield.finish(row, r.get("household_id"), r.get("head_id"))


def household_rows(shield: Shield) -> Iterator[dict[str, Any]]:
    """Households that stand, with their resident members counted, ordered by 世帯番号. A household
    with a protected current member is not in the source for staff without need-to-know (so no
    count of theirs includes a protected person); for staff with it, each such member is alerted."""
    towns = _towns()
    members = Person.objects.without_read_log(_REASON).filter(move_outs.current())
    qs = Household.objects.filter(active=True).order_by("household_no", "pk").values(
        "pk", "household_no", "address_id", "banchi", "katagaki", "head_id")
    for chunk in _chunks(qs.iterator(chunk_size=CHUNK)):
        ids = [h["pk"] for h in chunk]
        counts = dict(members.filter(household_id__in=ids).values("household_id").annotate(n=Count("pk"))
                      .values_list("household_id", "n"))
        heads = _head_names({h["head_id"] for h in chunk if h["head_id"]})
        for hh in chunk:
            hid = hh["pk"]
            if not counts.get(hid) or shield.hides(hid):
                continue
            if shield.may_see and hid in shield.households:
                for pid in members.filter(household_id=hid, pk__in=sorted(shield.persons)).values_list("pk", flat=True):
                    shield.admits(pid)
            row = {"household_no": hh["household_no"], "head_name": heads.get(hh["head_id"], ""),
                   "member_count": counts[hid], **_address(hh, towns)}
            yield shield.finish(row, hid, hh["head_id"])


def _as_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def today() -> dt.date:
    return timezone.localdate()


def subjects(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """宛名番号 and 氏名 of the persons ``ids`` (any 状態), for another package's source (交付履歴);
    the caller decides with its :class:`Shield` who is admitted."""
    rows = Person.objects.without_read_log(_REASON).filter(pk__in=sorted(set(ids))).values(
        "pk", "atena_no", "family_name", "given_name")
    return {r["pk"]: {"atena_no": r["atena_no"], "name": full_name(r)} for r in rows}
