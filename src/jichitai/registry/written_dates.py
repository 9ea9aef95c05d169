"""[80]: the items whose date may be written with 不詳 parts or be a day off the calendar, and how a
request gives them: the item itself as written (「昭和55年頃」), or ``<item>_text`` beside it.

Only these items ([80]#1: 生年月日, 住民となった年月日, 住所を定めた年月日, 外国人住民となった年月日, and
旧外登法による登録年月日 when not kept); every other date must be a calendar day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic_core import PydanticCustomError

from jichitai.wareki import DateInputError
from jichitai.wareki.written import parse_written

from .more_items import FOREIGN_ONLY as MORE_FOREIGN_ONLY
from .more_items import MORE_ITEMS

WRITTEN_ITEMS = {
    "birth_date": "生年月日", "became_resident_on": "住民となった年月日", "address_set_on": "住所を定めた年月日",
    "became_foreign_resident_on": "外国人住民となった年月日", "alien_registration_on": "旧外登法による登録年月日",
    "removed_on": "消除日（事由の生じた年月日）",
}
# [80]#1: the 異動 whose 異動日 may be written as a 不詳日 (出生・死亡・失踪)
WRITTEN_EVENT_KINDS = {"birth": "出生日", "death": "死亡日", "disappearance": "失踪の異動日"}


def _is_iso(value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def split_written(data: Any) -> Any:
    """The request data with each written date split into (internal ISO date, text as written)."""
    if not isinstance(data, Mapping):
        return data
    out = dict(data)
    for item, label in WRITTEN_ITEMS.items():
        value, text = out.get(item), out.get(f"{item}_text")
        source = text if isinstance(text, str) and text.strip() else value
        if not isinstance(source, str) or not source.strip() or (source is value and _is_iso(value)):
            continue
        try:
            written = parse_written(source)
        except DateInputError as exc:
            message = exc.message or f"{label}の形式が正しくありません（例: 令和6年4月1日、昭和55年頃、平成2年5月日不詳）。"
            # a model-level error has no location: ``item`` names the item (events.messages reads it)
            raise PydanticCustomError("date_format", f"{label}: {message}", {"item": item}) from None
        if written is None:
            continue
        out[item] = written.date.isoformat()
        if f"{item}_text" in _TEXT_ITEMS:
            out[f"{item}_text"] = written.text
        if item == "birth_date" and written.text:
            out["birth_date_precision"] = written.precision
    return out


WRITTEN_TEXT_FIELDS = _TEXT_ITEMS = frozenset({
    "birth_date_text", "became_resident_on_text", "address_set_on_text", "became_foreign_resident_on_text",
    "alien_registration_on_text", "removed_on_text",
})


# chapter 1 items on the person screen, after the older ones (the *_text items show through their date)
ITEM_RECORD_ITEMS = (
    "foreign_category", "became_foreign_resident_on", "special_permanent_cert_no", "landing_period",
    "provisional_stay_period", "alien_registration_on", "alphabet_name", "alias_kana", "alias_kana_confirmed",
    "alias_recorded_on", "alias_recorded_municipality", "alias_recorded_municipality_code", "alias_deleted_on",
    "alias_deleted_municipality", "alias_deleted_municipality_code", "name_priority", "name_kana_confirmed",
    "former_surname_kana", "former_surname_kana_confirmed", "previous_address_postal_code",
    "move_out_destination_postal_code", "move_out_confirmed_destination", "move_out_confirmed_postal_code",
    "mail_name_code", *MORE_ITEMS,
)
FOREIGN_ITEMS = frozenset({  # shown for foreign residents only
    "foreign_category", "became_foreign_resident_on", "special_permanent_cert_no", "landing_period",
    "provisional_stay_period", "alien_registration_on", "alphabet_name", "alias_kana", "alias_kana_confirmed",
    "alias_recorded_on", "alias_recorded_municipality", "alias_recorded_municipality_code", "alias_deleted_on",
    "alias_deleted_municipality", "alias_deleted_municipality_code", "name_priority", "mail_name_code",
    *MORE_FOREIGN_ONLY,
})
ALWAYS_SHOWN = frozenset({"foreign_category", "became_foreign_resident_on", "name_kana_confirmed"})


def shown_as_written(field: str, row: Mapping[str, Any], *, foreign: bool) -> str:
    """[80]: the date as written when it has 不詳 parts or is off the calendar ("" otherwise).

    A foreign resident's 生年月日 is 西暦 only ([90]#4): its precision in 西暦, never an era text.
    """
    text = str(row.get(f"{field}_text") or "") if field in WRITTEN_ITEMS else ""
    if not text:
        return ""
    if foreign and field == "birth_date" and text != "年月日不詳":
        from jichitai.wareki import format_seireki

        return format_seireki(row.get(field), str(row.get("birth_date_precision") or "day"))
    return text


def birth_text(row: Mapping[str, Any]) -> str:
    """A person's 生年月日 as every screen shows it: as written when 不詳 ([80]), in its precision,
    西暦 only for a foreign resident and 和暦 only for a Japanese one ([90])."""
    from jichitai.wareki import format_date, format_seireki

    foreign = row.get("resident_type") == "foreign"
    written = shown_as_written("birth_date", row, foreign=foreign)
    if written:
        return written
    value = row.get("birth_date")
    if value in (None, ""):
        return ""
    precision = str(row.get("birth_date_precision") or "day")
    return (format_seireki if foreign else format_date)(value, precision)


def written_text_value(field: str, value: Any) -> str:
    """A 職権修正/訂正 of a date's text as written: "" (plain date) or a text ``parse_written`` reads."""
    text = "" if value is None else value
    if not isinstance(text, str):
        raise ValueError(f"{WRITTEN_ITEMS[field[:-5]]}（記載どおり）は文字で入力してください。")
    text = text.strip()
    if text:
        try:
            parse_written(text)
        except DateInputError as exc:
            label = WRITTEN_ITEMS[field[:-5]]
            raise ValueError(f"{label}: {exc.message or '記載どおりの日付として読めません（例: 昭和55年頃）。'}") from None
    return text


def event_date_text(value: Any) -> str:
    """A request's ``effective_date_text``: the 異動日 as written ("" for a plain calendar day)."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    try:
        written = parse_written(text)
    except DateInputError as exc:
        message = exc.message or "異動日の形式が正しくありません（例: 令和6年5月頃、令和6年5月日不詳）。"
        raise PydanticCustomError("date_format", f"異動日（記載どおり）: {message}",
                                  {"item": "effective_date_text"}) from None
    return written.text if written is not None else ""


def checked_event_date(text: str, effective_date: dt.date, kind: str) -> Any:
    """The written 異動日 of a 出生・死亡 (``Written``), its internal date checked against the 異動日."""
    from .errors import violation

    if not text:
        return None
    written = parse_written(text)
    if written is None:
        return None
    if written.date != effective_date:
        raise violation("effective_date_text", f"{WRITTEN_EVENT_KINDS[kind]}「{text}」の異動日は"
                        f"{written.date.isoformat()}です（記載どおりの日付が内部で持つ日付）。", "effective_date_text")
    return written
