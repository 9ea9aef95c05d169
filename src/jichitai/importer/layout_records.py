"""Rows of a 住民 layout ↔ the register's interchange records (``importer.records``).

A layout's item keys are the register's field names where the register holds the item
(layouts/defs/…/jumin.toml); what it holds in parts here (続柄コード1..4, the parts of an address,
本籍 and 筆頭者) is joined on import when the whole is not given, and derived again on export.
Rows of one 宛名番号 are that person's history in 個人履歴番号 order; the last is the current
state. Pure: no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from jichitai.layouts import Layout, PartialDate, Problem, RawRow

from .records import HOUSEHOLD_ITEMS, HistoryEntry, PersonRecord, Source, person_items

# register date items a layout may give as a 不詳 date: (date field, its 不詳表記 field)
PARTIAL_ITEMS = {
    "became_resident_on": "became_resident_on_text",
    "address_set_on": "address_set_on_text",
    "removed_on": "removed_on_text",
    "became_foreign_resident_on": "became_foreign_resident_on_text",
    "alien_registration_on": "alien_registration_on_text",
}
# a whole item → the layout's parts it is joined from when the whole is blank (in order)
JOINED = {
    "previous_address": (
        "previous_address_prefecture",
        "previous_address_city",
        "previous_address_town",
        "previous_address_banchi",
        "previous_address_katagaki",
        "previous_address_country",
        "previous_address_abroad",
    ),
    "honseki": ("honseki_prefecture", "honseki_city", "honseki_town", "honseki_lot"),
    "move_out_destination": (
        "move_out_destination_prefecture",
        "move_out_destination_city",
        "move_out_destination_town",
        "move_out_destination_banchi",
        "move_out_destination_katagaki",
        "move_out_destination_country",
        "move_out_destination_abroad",
    ),
    "move_out_confirmed_destination": (
        "move_out_confirmed_prefecture",
        "move_out_confirmed_city",
        "move_out_confirmed_town",
        "move_out_confirmed_banchi",
        "move_out_confirmed_katagaki",
        "move_out_confirmed_country",
        "move_out_confirmed_abroad",
    ),
}
RELATIONSHIP_CODES = (
    "relationship_code1",
    "relationship_code2",
    "relationship_code3",
    "relationship_code4",
)
FULL_WIDTH_SPACE = "\u3000"


def _problem(row: RawRow, layout: Layout, key: str, rule: str, ja: str, en: str) -> Problem:
    item = layout.item(key) if key in {i.key for i in layout.items} else None
    return Problem(
        file=row.file,
        line=row.line,
        column=item.no if item else None,
        item=item.name if item else key,
        key=key,
        rule=rule,
        value=str(row.values.get(key, "")),
        message_ja=ja,
        message_en=en,
    )


def _birth(value: object) -> dict[str, Any]:
    """生年月日 as the register keeps it: a date, its precision, and the 不詳表記."""
    if isinstance(value, dt.date):
        return {"birth_date": value, "birth_date_precision": "day"}
    if isinstance(value, PartialDate) and value.year:
        precision = "day" if value.month and value.day else "month" if value.month else "year"
        return {
            "birth_date": dt.date(value.year, value.month or 1, value.day or 1),
            "birth_date_precision": precision,
            "birth_date_text": value.text,
        }
    return {}


def _partial_words(value: PartialDate) -> str:
    """The known parts of a 不詳 date in 和暦, for a register item that keeps only words."""
    from jichitai.wareki import format_date

    precision = "month" if value.month else "year"
    return format_date(dt.date(value.year or 1, value.month or 1, 1), precision)


def _person(values: Mapping[str, object]) -> dict[str, Any]:
    wanted = set(person_items())
    person: dict[str, Any] = {}
    for key, value in values.items():
        if key not in wanted or value is None or key == "birth_date":
            continue
        if key in PARTIAL_ITEMS and isinstance(value, PartialDate):
            # 不詳: the register keeps no date, only the 不詳表記 (its own item, or the known parts)
            if not values.get(PARTIAL_ITEMS[key]) and value.year:
                person[PARTIAL_ITEMS[key]] = _partial_words(value)
            continue
        person[key] = value
    person.update(_birth(values.get("birth_date")))
    for whole, parts in JOINED.items():
        if not person.get(whole):
            joined = "".join(str(values.get(p) or "") for p in parts)
            if joined:
                person[whole] = joined
    if not person.get("relationship"):
        chain = [str(values.get(k) or "") for k in RELATIONSHIP_CODES]
        if any(chain):
            person["relationship"] = "の".join(c for c in chain if c)
    if not person.get("hittousha"):
        names = [
            str(values.get(k) or "") for k in ("hittousha_family_name", "hittousha_given_name")
        ]
        if any(names):
            person["hittousha"] = FULL_WIDTH_SPACE.join(n for n in names if n)
    return person


def _household(values: Mapping[str, object]) -> dict[str, Any]:
    return {k: str(values.get(k) or "") for k in HOUSEHOLD_ITEMS if values.get(k) is not None}


def _on(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def records_from_rows(
    decoded: Iterable[tuple[RawRow, Mapping[str, object]]], layout: Layout
) -> tuple[list[PersonRecord], list[Problem]]:
    """Group decoded rows into one PersonRecord per 宛名番号 (history in 個人履歴番号 order)."""
    problems: list[Problem] = []
    entries: dict[str, list[tuple[tuple[int, int], HistoryEntry]]] = {}
    first: dict[str, Source] = {}
    seen: dict[tuple[str, int, int], RawRow] = {}
    coded = [i.key for i in layout.items if i.type == "code" and i.codes]
    for row, values in decoded:
        atena = str(values.get("atena_no") or "")
        if not atena:
            problems.append(
                _problem(
                    row,
                    layout,
                    "atena_no",
                    "required",
                    "宛名番号がありません。",
                    "no 宛名番号 (person key)",
                )
            )
            continue
        order = (int(values.get("history_no") or 0), int(values.get("history_branch_no") or 0))
        if (atena, *order) in seen:
            problems.append(
                _problem(
                    row,
                    layout,
                    "history_no",
                    "duplicate",
                    f"宛名番号 {atena} の個人履歴番号 {order[0]}-{order[1]} が {seen[(atena, *order)].line} 行目と重複しています。",
                    f"宛名番号 {atena} history {order[0]}-{order[1]} repeats line {seen[(atena, *order)].line}",
                )
            )
            continue
        seen[(atena, *order)] = row
        unmapped = [k for k in coded if row.values.get(k, "").strip() and values.get(k) == ""]
        for key in unmapped:  # a code the table lists but the register has no value for
            problems.append(
                _problem(
                    row,
                    layout,
                    key,
                    "code.unmapped",
                    f"{layout.item(key).name}のこのコードは住民記録に対応する値がありません（コード表で対応先が空です）。",
                    f"{layout.item(key).name}: this code has no register value (its code table maps it to nothing)",
                )
            )
        if unmapped:
            continue
        source = Source(row.file, row.line)
        first.setdefault(atena, source)
        entries.setdefault(atena, []).append(
            (
                order,
                HistoryEntry(
                    seq=order[0] * 1000 + order[1],
                    reason=str(values.get("reason") or ""),
                    effective_on=_on(values.get("effective_on")),
                    reported_on=_on(values.get("reported_on")),
                    person=_person(values),
                    household=_household(values),
                    source=source,
                ),
            )
        )
    records = [
        PersonRecord(atena, tuple(e for _, e in sorted(rows, key=lambda r: r[0])), first[atena])
        for atena, rows in entries.items()
    ]
    return records, problems


# -- export: records → rows ------------------------------------------------------------------------


def _birth_value(person: Mapping[str, Any]) -> object:
    born = person.get("birth_date")
    if not isinstance(born, dt.date):
        return None
    precision = person.get("birth_date_precision") or "day"
    if precision == "day" and not person.get("birth_date_text"):
        return born
    return PartialDate(
        born.year,
        born.month if precision in ("day", "month") else None,
        born.day if precision == "day" else None,
        str(person.get("birth_date_text") or ""),
    )


def _relationship_codes(layout: Layout, relationship: str) -> dict[str, str]:
    """続柄コード1..4 of a 続柄 the code table spells part by part; none when a part has no code."""
    item = next((i for i in layout.items if i.key == "relationship_code1"), None)
    if item is None or not item.codes or not relationship:
        return {}
    table = layout.codes(item.codes)
    parts = relationship.split("の")
    if len(parts) > len(RELATIONSHIP_CODES) or any(table.code_of(p) is None for p in parts):
        return {}
    return {key: part for key, part in zip(RELATIONSHIP_CODES, parts, strict=False)}


def rows_from_records(
    records: Iterable[PersonRecord], layout: Layout, *, municipality_code: str = ""
) -> Iterator[dict[str, object]]:
    """One row per history entry (個人履歴番号 from 1; 最新フラグ on the last), the values a
    layout encodes: dates as dates, 不詳 as PartialDate, codes as the register's values."""
    keys = {i.key for i in layout.items}
    for record in records:
        last = len(record.history) - 1
        for n, entry in enumerate(record.history):
            person = dict(entry.person)
            row: dict[str, object] = {k: v for k, v in person.items() if k in keys}
            row.update({k: v for k, v in entry.household.items() if k in keys and v != ""})
            row.update(
                {
                    "municipality_code": municipality_code,
                    "atena_no": record.atena_no,
                    "history_no": n + 1,
                    "history_branch_no": 0,
                    "latest_flag": n == last,
                    "reason": entry.reason,
                    "effective_on": entry.effective_on,
                    "reported_on": entry.reported_on,
                    "birth_date": _birth_value(person),
                    "full_name": FULL_WIDTH_SPACE.join(
                        str(person.get(k) or "") for k in ("family_name", "given_name")
                    ).strip(FULL_WIDTH_SPACE),
                }
            )
            row["birth_date_unknown"] = isinstance(row["birth_date"], PartialDate)
            for field, text_field in PARTIAL_ITEMS.items():
                if person.get(field) is None and person.get(text_field):
                    row[field] = PartialDate(None, None, None, str(person[text_field]))
                    row[f"{field}_unknown"] = True
            row.update(_relationship_codes(layout, str(person.get("relationship") or "")))
            yield {k: v for k, v in row.items() if k in keys}
