"""Readable Japanese renderings of register data: record items, history, and an event's request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jichitai.registry.labels import (
    HIDDEN,
    REQUEST_LABELS,
    VALUE_DATE_FIELDS,
    WITHHELD,
    label,
    value_text,
)
from jichitai.registry.models import Person, PersonStatus
from jichitai.registry.selectors import MASK, screen_persons
from jichitai.registry.selectors.addresses import address_line
from jichitai.registry.written_dates import (
    ALWAYS_SHOWN,
    FOREIGN_ITEMS,
    ITEM_RECORD_ITEMS,
    shown_as_written,
)

DATE_FIELDS = VALUE_DATE_FIELDS
# The items of a 住民票, in the order a clerk reads them.
RECORD_ITEMS = (
    "atena_no", "family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date",
    "sex", "relationship", "resident_type", "status", "honseki", "hittousha", "my_number",
    "resident_code", "nationality", "residence_status", "residence_period", "residence_end_date",
    "residence_card_no", "alias", "former_surname", "became_resident_on", "address_set_on",
    "reported_on", "previous_address", "move_out_destination", "move_out_planned_on", "removed_on",
    *ITEM_RECORD_ITEMS,
)
FOREIGN_ONLY = {"nationality", "residence_status", "residence_period", "residence_end_date",
                "residence_card_no", "alias"} | FOREIGN_ITEMS
JAPANESE_ONLY = {"honseki", "hittousha", "former_surname_kana", "former_surname_kana_confirmed"}


@dataclass(frozen=True)
class Item:
    field: str
    label: str
    text: str


def record_items(row: Mapping[str, Any], *, my_number_shown: bool,
                 withheld: frozenset[str] = frozenset()) -> list[Item]:
    """Every item of a record (a Person's values or an ``as_of`` row), foreign/Japanese-only items
    left out when they do not apply; ``withheld`` items ([1390]) read 「（表示権限なし）」."""
    foreign = row.get("resident_type") == "foreign"
    out = []
    for f in RECORD_ITEMS:
        if (f in FOREIGN_ONLY and not foreign) or (f in JAPANESE_ONLY and foreign):
            continue
        if f in withheld:
            out.append(Item(f, label(f), WITHHELD))
            continue
        if f not in row or (f in ITEM_RECORD_ITEMS and row.get(f) in (None, "") and f not in ALWAYS_SHOWN):
            continue
        written = shown_as_written(f, row, foreign=foreign)
        out.append(Item(f, label(f), written or value_text(
            f, row.get(f), precision=row.get("birth_date_precision") or "day",
            my_number_shown=my_number_shown, foreign=foreign)))
    return out


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class TimelineEntry:
    history_no: int
    event_id: int | None
    kind: str
    effective_date: str
    reported_date: str | None
    processed_at: str | None
    changes: list[Change]
    effective_date_text: str = ""  # [80]#1: a 出生・死亡's 異動日 as written (不詳日)


SKIP_IN_TIMELINE = {"household_id"}


def timeline(history: list[dict[str, Any]], *, my_number_shown: bool,
             withheld: frozenset[str] = frozenset()) -> list[TimelineEntry]:
    """``services.history`` snapshots as before → after per changed item, newest first; a
    ``withheld`` item ([1390]) shows that it changed, not its values."""
    out = []
    previous: dict[str, Any] = {}
    for snap in history:
        row = snap.get("row") or {}
        precision = row.get("birth_date_precision") or "day"
        foreign = row.get("resident_type") == "foreign"
        changes = []
        for f in snap.get("changed", []):
            if f in SKIP_IN_TIMELINE or f == "birth_date_precision":
                continue
            if f in withheld:
                changes.append(Change(label(f), WITHHELD, WITHHELD))
                continue
            # a date kept as written ([80]) reads as written, never as its internal date ([80]#4)
            changes.append(Change(
                label(f),
                shown_as_written(f, previous, foreign=foreign) or value_text(
                    f, previous.get(f), precision=precision, my_number_shown=my_number_shown, foreign=foreign),
                shown_as_written(f, row, foreign=foreign) or value_text(
                    f, row.get(f), precision=precision, my_number_shown=my_number_shown, foreign=foreign),
            ))
        if "household_id" in snap.get("changed", []):
            changes.append(Change("世帯", str(previous.get("household_id") or "—"),
                                  str(row.get("household_id") or "—")))
        out.append(TimelineEntry(
            snap["history_no"], snap.get("event_id"), snap.get("kind", ""), snap["effective_date"],
            snap.get("reported_date"), snap.get("processed_at"), changes, snap.get("effective_date_text") or "",
        ))
        previous = dict(row)
    return list(reversed(out))


# ---------------------------------------------------------------------------------------------
# An event's request, for the approval queue


NEW_PERSON_COLUMNS = ("family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date",
                      "sex", "relationship", "resident_type", "honseki", "hittousha", "nationality",
                      "residence_status", "my_number", "resident_code")


@dataclass
class RequestView:
    rows: list[tuple[str, str]]
    new_persons: list[list[str]]
    new_person_headers: list[str]


def _ids_in(req: Mapping[str, Any]) -> tuple[set[int], set[int]]:
    persons: set[int] = set()
    addresses: set[int] = set()
    for key in ("person_id", "new_head_id", "remaining_head_id"):
        if isinstance(req.get(key), int):
            persons.add(req[key])
    persons.update(i for i in req.get("person_ids") or [] if isinstance(i, int))
    persons.update(int(k) for k in (req.get("relationships") or {}) if str(k).isdigit())
    for ch in req.get("changes") or []:
        if isinstance(ch, Mapping) and ch.get("entity") == "person" and isinstance(ch.get("entity_id"), int):
            persons.add(ch["entity_id"])
    for addr in ((req.get("household") or {}).get("new"), req.get("address")):
        if isinstance(addr, Mapping) and isinstance(addr.get("address_id"), int):
            addresses.add(addr["address_id"])
    return persons, addresses


def load_names(person_ids: Iterable[int], *, staff: Any, screen: str) -> dict[int, str]:
    """Names of existing persons (a logged read; masked under 支援措置 for staff without the role)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    hidden = screen_persons(ids, staff=staff, screen=screen, function="names")
    out = {}
    for p in Person.objects.for_read(screen=screen, function="names").filter(pk__in=ids).exclude(
        status=PersonStatus.VOID
    ):
        out[p.pk] = MASK if p.pk in hidden else p.full_name
    return out


def describe_request(kind: str, req: Mapping[str, Any], names: Mapping[int, str],
                     addresses: Mapping[int, str]) -> RequestView:
    def person(pid: Any) -> str:
        try:
            pid = int(pid)
        except (TypeError, ValueError):
            return str(pid)
        return f"{names.get(pid, '（不明）')}（住民ID {pid}）"

    def address(a: Mapping[str, Any]) -> str:
        town = addresses.get(a.get("address_id"), f"町字ID {a.get('address_id')}")  # type: ignore[arg-type]
        return address_line(town, a.get("banchi"), a.get("katagaki"))

    rows: list[tuple[str, str]] = []
    new_persons: list[list[str]] = []
    specs: list[Mapping[str, Any]] = []
    for key, value in req.items():
        lab = REQUEST_LABELS.get(key, key)
        if key == "persons":
            specs = list(value or [])
            continue
        if key == "person":
            specs = [value or {}]
            continue
        if key == "household":
            if "existing_id" in (value or {}):
                rows.append(("世帯", f"既存の世帯（世帯ID {value['existing_id']}）に入る"))
            else:
                rows.append(("世帯", f"新しい世帯: {address((value or {}).get('new') or {})}"))
        elif key == "address":
            rows.append((lab, address(value or {})))
        elif key in ("person_id", "new_head_id", "remaining_head_id"):
            rows.append((lab, person(value)))
        elif key == "person_ids":
            rows.append((lab, "、".join(person(v) for v in value or []) or "—"))
        elif key == "relationships":
            rows.append((lab, "、".join(f"{person(k)} → {v}" for k, v in (value or {}).items()) or "—"))
        elif key in ("household_id", "from_household_id", "to_household_id"):
            rows.append((lab, f"世帯ID {value}"))
        elif key == "head_ref":
            continue
        elif key == "changes":
            if isinstance(value, Mapping):
                # the read layer's allow-list already hid what this approver may not see
                items = [f"{label(f)}: {value_text(f, v, my_number_shown=True)}" for f, v in value.items()]
            else:
                items = [
                    f"{person(c.get('entity_id')) if c.get('entity') == 'person' else '世帯ID ' + str(c.get('entity_id'))}"
                    f" の {label(c.get('field', ''))} → {value_text(c.get('field', ''), c.get('value'), my_number_shown=True)}"
                    for c in value or []
                ]
            rows.append((lab, "、".join(items) or "—"))
        elif key in DATE_FIELDS:
            rows.append((lab, value_text(key, value)))
        else:
            rows.append((lab, "—" if value in (None, "") else str(value)))
    headers = [label(c) for c in NEW_PERSON_COLUMNS]
    for spec in specs:
        new_persons.append([
            value_text(c, spec.get(c), my_number_shown=False,
                       foreign=spec.get("resident_type") == "foreign") if c != "my_number"
            else ("入力あり（非表示）" if spec.get(c) == HIDDEN else spec.get(c) or "—")
            for c in NEW_PERSON_COLUMNS
        ])
    if kind == "birth" and new_persons:
        headers[NEW_PERSON_COLUMNS.index("birth_date")] = "生年月日（＝異動日）"
    return RequestView(rows, new_persons, headers)


def request_ids(req: Mapping[str, Any]) -> tuple[set[int], set[int]]:
    return _ids_in(req)
