"""住民データ抽出 (export of the register, e.g. for another system or a survey list).

Reads only approved state (projections, or the log folded at a date), so a provisional event is
never exported. The export is logged as one operation entry with its row count; it deliberately
does not log a read per person (it shows nothing on a screen) — that is the audited exemption.
個人番号 is never exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jichitai.audit.recording import record

from . import services
from .models import Household, Person, PersonStatus

COLUMNS = (
    ("atena_no", "宛名番号"), ("household_no", "世帯番号"), ("family_name", "氏"), ("given_name", "名"),
    ("family_name_kana", "氏（ふりがな）"), ("given_name_kana", "名（ふりがな）"),
    ("birth_date", "生年月日"), ("sex", "性別"), ("relationship", "続柄"), ("address", "住所"),
    ("became_resident_on", "住民となった年月日"), ("status", "状態"),
)
_REASON = "住民データ抽出（件数を操作ログに記録）"


def _address(hh: dict[str, Any] | None, towns: dict[int, str]) -> str:
    if not hh:
        return ""
    town = towns.get(hh.get("address_id") or 0, "")
    katagaki = hh.get("katagaki") or ""
    return f"{town}{hh.get('banchi') or ''}{('　' + katagaki) if katagaki else ''}"


def export_residents(*, as_of: dt.date | None = None, include_removed: bool = False) -> Iterator[dict[str, Any]]:
    """Rows of the register (current, or as it stood on ``as_of``), ordered by 宛名番号."""
    from .models import AddressEntry

    towns = dict(AddressEntry.objects.values_list("pk", "name"))
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
            hh = households.get(p.household_id)
            count += 1
            yield _row({f: getattr(p, f) for f in services.PERSON_FIELDS}, hh, towns)
    else:
        state = services.replay_all(until=as_of)
        persons = sorted(
            (row for (entity, _), row in state.items() if entity == "person"),
            key=lambda r: r.get("atena_no") or "",
        )
        for row in persons:
            status = row.get("status")
            if status in (None, PersonStatus.VOID) or (status != "resident" and not include_removed):
                continue
            hh = state.get(("household", row.get("household_id")))
            count += 1
            yield _row(row, hh, towns)
    record("operation", "registry.export", detail={
        "rows": count, "as_of": as_of.isoformat() if as_of else None, "include_removed": include_removed,
    })


def _row(person: dict[str, Any], hh: dict[str, Any] | None, towns: dict[int, str]) -> dict[str, Any]:
    out = {f: person.get(f) for f, _ in COLUMNS if f in person}
    out["household_no"] = (hh or {}).get("household_no") or ""
    out["address"] = _address(hh, towns)
    for f in ("birth_date", "became_resident_on"):
        v = out.get(f)
        out[f] = v.isoformat() if isinstance(v, dt.date) else (v or "")
    return out
