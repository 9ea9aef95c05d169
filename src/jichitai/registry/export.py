"""住民データ抽出 (export of the register, e.g. for another system or a survey list).

Reads only approved state (projections, or the log folded at a date), so a provisional event is
never exported. The export is logged as one operation entry with its row count; it deliberately
does not log a read per person (it shows nothing on a screen) — that is the audited exemption.
個人番号 is never exported here. 支援措置: unless the unit of work's staff member has
need-to-know, a protected person is exported as a mask with no identifier and the address of their
household is left out; each protected person exported is alerted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jichitai.audit.recording import record
from jichitai.tenancy.context import current

from .conventions import PERSON_FIELDS
from .models import Household, Person, PersonStatus
from .selectors import access
from .selectors.addresses import HIDDEN, address_line, town_names
from .selectors.history import replay_all

COLUMNS = (
    ("atena_no", "宛名番号"), ("household_no", "世帯番号"), ("family_name", "氏"), ("given_name", "名"),
    ("family_name_kana", "氏（ふりがな）"), ("given_name_kana", "名（ふりがな）"),
    ("birth_date", "生年月日"), ("birth_date_text", "生年月日（不詳の記載）"), ("sex", "性別"), ("relationship", "続柄"), ("address", "住所"),
    ("became_resident_on", "住民となった年月日"), ("status", "状態"),
)
_REASON = "住民データ抽出（件数を操作ログに記録）"


def export_residents(*, as_of: dt.date | None = None, include_removed: bool = False) -> Iterator[dict[str, Any]]:
    """Rows of the register (current, or as it stood on ``as_of``), ordered by 宛名番号."""
    towns = town_names(Household.objects.exclude(address_id=None).values_list("address_id", flat=True).distinct())
    shield = _Shield()
    count = 0
    if as_of is None:
        qs = Person.objects.without_read_log(_REASON).exclude(status=PersonStatus.VOID)
        if not include_removed:
            qs = qs.filter(status=PersonStatus.RESIDENT)
        households = {
            h.pk: {"household_no": h.household_no, "address_id": h.address_id, "banchi": h.banchi,
                   "katagaki": h.katagaki}
            for h in Household.objects.all()
        }
        for p in qs.order_by("atena_no").iterator(chunk_size=2000):
            count += 1
            yield shield.row(p.pk, {f: getattr(p, f) for f in PERSON_FIELDS}, households.get(p.household_id), towns)
    else:
        state = replay_all(until=as_of)
        persons = sorted(
            ((pk, row) for (entity, pk), row in state.items() if entity == "person"),
            key=lambda r: r[1].get("atena_no") or "",
        )
        for pk, row in persons:
            status = row.get("status")
            if status in (None, PersonStatus.VOID) or (status != "resident" and not include_removed):
                continue
            count += 1
            yield shield.row(pk, row, state.get(("household", row.get("household_id"))), towns)
    record("operation", "registry.export", detail={
        "rows": count, "as_of": as_of.isoformat() if as_of else None, "include_removed": include_removed,
        "masked": len(shield.alerted) if not shield.may_see else 0,
    })


class _Shield:
    """支援措置 for an export: who is masked, whose household's address is left out."""

    def __init__(self) -> None:
        self.may_see = access.need_to_know(current().staff_id)
        self.households, self.persons = access.shielded()
        self.alerted: set[int] = set()

    def row(self, pk: int, person: dict[str, Any], hh: dict[str, Any] | None, towns: dict[int, str]) -> dict[str, Any]:
        if pk in self.persons and pk not in self.alerted:
            self.alerted.add(pk)
            access.alert_access(pk, screen="住民データ抽出", function="export", detail={"masked": not self.may_see})
        if pk in self.persons and not self.may_see:
            return {"family_name": access.MASK, "household_no": "", "address": HIDDEN, "atena_no": ""}
        out = _row(person, hh, towns)
        if not self.may_see and person.get("household_id") in self.households:
            out["address"] = HIDDEN
        return out


def _row(person: dict[str, Any], hh: dict[str, Any] | None, towns: dict[int, str]) -> dict[str, Any]:
    out = {f: person.get(f) for f, _ in COLUMNS if f in person}
    out["household_no"] = (hh or {}).get("household_no") or ""
    out["address"] = address_line(towns.get((hh or {}).get("address_id") or 0, ""), (hh or {}).get("banchi"),
                                  (hh or {}).get("katagaki")) if hh else ""
    for f in ("birth_date", "became_resident_on"):
        v = out.get(f)
        out[f] = v.isoformat() if isinstance(v, dt.date) else (v or "")
    return out
