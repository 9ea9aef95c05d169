"""The register's conventions for rows and facts: which items a row has, what a creation states,
how values travel in the log, and the matching keys of a person row.

One definition shared by the event writer, the read layer and the importer: a resident migrated in
bulk and one entered at the counter must produce the same facts and the same row. Never mirror
these elsewhere; import them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from .more_items import DATE_ITEMS as MORE_DATE_ITEMS
from .more_items import MORE_ITEMS

HEAD = "世帯主"

PERSON_FIELDS = (
    "household_id", "relationship", "family_name", "given_name", "family_name_kana",
    "given_name_kana", "birth_date", "birth_date_precision", "sex", "resident_type", "status",
    "honseki", "hittousha", "my_number", "resident_code", "nationality", "residence_status",
    "residence_period", "residence_end_date", "residence_card_no", "alias", "former_surname",
    "became_resident_on", "address_set_on", "reported_on", "previous_address",
    "move_out_destination", "move_out_planned_on", "removed_on", "atena_no",
)
# Chapter 1 items added later ([10], [20], [80], [170], [180]; registry/items.py): a creation states
# them only when given, so a person without them costs no extra facts (replay and the projection
# fall back to the column's default: "", None or False).
ITEM_FIELDS = (
    "birth_date_text", "became_resident_on_text", "address_set_on_text", "removed_on_text", "name_kana_confirmed",
    "former_surname_kana", "former_surname_kana_confirmed", "previous_address_postal_code",
    "move_out_destination_postal_code", "move_out_confirmed_destination", "move_out_confirmed_postal_code",
    "foreign_category", "special_permanent_cert_no", "landing_period", "provisional_stay_period",
    "became_foreign_resident_on", "became_foreign_resident_on_text", "alien_registration_on",
    "alien_registration_on_text", "alphabet_name", "alias_kana", "alias_kana_confirmed",
    "alias_recorded_on", "alias_recorded_municipality", "alias_recorded_municipality_code",
    "alias_deleted_on", "alias_deleted_municipality", "alias_deleted_municipality_code", "name_priority",
    "mail_name_code", *MORE_ITEMS, "move_out_confirmed_on",
)
BOOL_FIELDS = frozenset({"name_kana_confirmed", "former_surname_kana_confirmed", "alias_kana_confirmed"})
PERSON_FIELDS = PERSON_FIELDS + ITEM_FIELDS
HOUSEHOLD_FIELDS = ("household_no", "address_id", "banchi", "katagaki", "head_id", "active")
DATE_FIELDS = frozenset({
    "birth_date", "residence_end_date", "became_resident_on", "address_set_on", "reported_on",
    "move_out_planned_on", "removed_on", "became_foreign_resident_on", "alien_registration_on",
    "alias_recorded_on", "alias_deleted_on", *MORE_DATE_ITEMS, "move_out_confirmed_on",
})
# Items of a new person as a request gives them (転入・出生・職権記載), in the order facts are written.
NEW_PERSON_FIELDS = (
    "family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date",
    "birth_date_precision", "sex", "relationship", "resident_type", "honseki", "hittousha",
    "my_number", "resident_code", "nationality", "residence_status", "residence_period",
    "residence_end_date", "residence_card_no", "alias", "former_surname",
)
# Items a 職権修正 / 訂正 may change directly; identity numbers have their own checks.
CORRECTABLE_PERSON_FIELDS = frozenset(PERSON_FIELDS) - {"household_id", "status", "atena_no"}
CORRECTABLE_HOUSEHOLD_FIELDS = frozenset({"address_id", "banchi", "katagaki"})
# Items a 訂正 never changes: they are the structure of the register, changed by their own 異動.
STRUCTURAL_FIELDS = frozenset({"status", "household_id", "head_id", "active"})
# Numbers given at approval; a 取消 leaves them with the (voided) record.
NUMBER_FIELDS = frozenset({"atena_no", "household_no"})


ITEM_DEFAULTS: dict[str, Any] = {
    f: False if f in BOOL_FIELDS else None if f in DATE_FIELDS else "" for f in ITEM_FIELDS
}


def iso(value: Any) -> Any:
    """A value as the log stores it: dates as ISO text, everything else unchanged."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_python(field: str, value: Any) -> Any:
    """A logged value as its column holds it."""
    if field in DATE_FIELDS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return iso(value)


def _new_person_default(field: str) -> Any:
    if field == "birth_date_precision":
        return "day"
    if field in BOOL_FIELDS:
        return False
    return None if field in DATE_FIELDS else ""


def person_creation(spec: Mapping[str, Any], household: Any, on: Any) -> list[tuple[str, Any]]:
    """The facts that create a person, in order: every item stated, so a replay needs no model
    default. ``household`` is an id or a new household's reference; ``on`` the 異動日."""
    out = [(f, _new_person_default(f) if spec.get(f) is None else spec[f]) for f in NEW_PERSON_FIELDS]
    out += [(f, spec[f]) for f in ITEM_FIELDS if spec.get(f) not in (None, "", False)]
    out += [
        ("household_id", household), ("status", "resident"), ("became_resident_on", on),
        ("address_set_on", on), ("previous_address", ""), ("move_out_destination", ""),
        ("reported_on", None), ("move_out_planned_on", None), ("removed_on", None),
    ]
    return out


def household_creation(address: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The facts that create a household at an address (its head and number follow)."""
    return [
        ("address_id", int(address["address_id"])), ("banchi", address.get("banchi") or ""),
        ("katagaki", address.get("katagaki") or ""), ("active", True),
    ]


def name_keys(row: Mapping[str, Any]) -> dict[str, str]:
    """The search keys of a person row (version 2, [330]#2): 氏名照合キー and あいまいカナキー of the
    full name and of the 名 alone (名のみの検索). Every writer of Person rows stores all four."""
    from jichitai.moji import key, search_kana_key

    given, given_kana = row.get("given_name") or "", row.get("given_name_kana") or ""
    return {
        "name_key": key(f"{row.get('family_name') or ''}{given}"),
        "kana_key": search_kana_key(f"{row.get('family_name_kana') or ''}{given_kana}"),
        "given_name_key": key(given),
        "given_kana_key": search_kana_key(given_kana),
    }


def full_name(row: Mapping[str, Any]) -> str:
    return f"{row.get('family_name') or ''}\u3000{row.get('given_name') or ''}".strip()


def full_kana(row: Mapping[str, Any]) -> str:
    return f"{row.get('family_name_kana') or ''}\u3000{row.get('given_name_kana') or ''}".strip()


@functools.cache
def not_null_text(model: Any) -> frozenset[str]:
    """Text columns that hold "" rather than NULL (a voided creation folds back to None)."""
    from django.db import models as dj

    return frozenset(
        f.attname for f in model._meta.concrete_fields
        if isinstance(f, (dj.CharField, dj.TextField)) and not f.null
    )
