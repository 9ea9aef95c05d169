"""Japanese labels of the register's items and their values, for every screen and document.

Shared by the staff UI, the API's messages and (next) certificates, which must not import the web
package. Dates are rendered by ``jichitai.wareki``.
"""

from __future__ import annotations

from typing import Any

from jichitai.wareki import format_date, format_seireki

from .conventions import ITEM_FIELDS
from .models import Person
from .more_items import DATE_ITEMS as MORE_DATE_ITEMS
from .more_items import MONTH_ITEMS

HIDDEN = "（非表示）"
WITHHELD = "（表示権限なし）"  # [1390]: an item the staff member has no display right for

PERSON_LABELS: dict[str, str] = {
    f.name: str(f.verbose_name) for f in Person._meta.concrete_fields if f.name not in ("id", "municipality")
} | {"household_id": "世帯", "household": "世帯"}
HOUSEHOLD_LABELS = {"household_no": "世帯番号", "address_id": "住所（町字）", "banchi": "番地",
                    "katagaki": "方書", "head_id": "世帯主", "active": "現存"}
# The items of a request that are not items of a record.
REQUEST_LABELS = {
    "previous_address": "従前の住所", "household": "世帯", "persons": "異動者", "person": "出生した子",
    "household_id": "世帯", "person_ids": "対象者", "person_id": "対象者", "destination": "転出先",
    "planned_date": "転出予定日", "address": "新しい住所", "new_head_id": "新しい世帯主",
    "remaining_head_id": "残る世帯の新しい世帯主", "relationships": "続柄の変更",
    "from_household_id": "合併元の世帯", "to_household_id": "合併先の世帯",
    "target_event_id": "対象の異動（受付番号）", "changes": "修正・訂正の内容", "reported_date": "届出日",
    "effective_date": "異動日", "head_ref": "世帯主となる人", "family_name": "氏", "given_name": "名",
    "family_name_kana": "氏（ふりがな）", "given_name_kana": "名（ふりがな）", "former_surname": "旧氏",
    "new": "新しい世帯", "existing_id": "既存の世帯ID", "ref": "参照名", "entity": "対象の種類",
    "entity_id": "対象のID", "field": "項目", "value": "修正後の値", "kind": "異動事由",
    "confirm_duplicates": "重複確認", "confirm_alerts": "アラートの確認", "event_ids": "受付番号", "reason": "却下理由",
    "action": "記載・削除（record: 記載、delete: 削除）", "municipality": "記載・削除した市区町村",
    "municipality_code": "記載・削除した市区町村コード", "destination_postal_code": "転出先の郵便番号",
    "notice_date": "転入通知年月日", "moved_in_on": "転入通知に記載された転入日",
    "destination_code": "転出先の住所コード（住所辞書）", "unreported": "未届転入",
    "ground": "軽微な修正の事由", "koseki_from_id": "戸籍の表示を引用する世帯員",
}
CHOICES: dict[str, dict[str, str]] = {
    f.name: {str(k): str(v) for k, v in f.choices}
    for f in Person._meta.concrete_fields if f.choices
}
VALUE_DATE_FIELDS = frozenset({
    "birth_date", "residence_end_date", "became_resident_on", "address_set_on", "reported_on",
    "move_out_planned_on", "removed_on", "planned_date", "reported_date", "became_foreign_resident_on",
    "alien_registration_on", "alias_recorded_on", "alias_deleted_on", *MORE_DATE_ITEMS,
    "move_out_confirmed_on", "notice_date", "moved_in_on",
})
# 職権修正・訂正 may name these person items (in the order a clerk reads a record).
CORRECTABLE = tuple(
    (f, PERSON_LABELS[f]) for f in (
        "family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date",
        "birth_date_precision", "sex", "relationship", "resident_type", "honseki", "hittousha",
        "my_number", "resident_code", "nationality", "residence_status", "residence_period",
        "residence_end_date", "residence_card_no", "alias", "former_surname", "became_resident_on",
        "address_set_on", "reported_on", "previous_address", "move_out_destination",
        "move_out_planned_on", "removed_on", *ITEM_FIELDS,
    )
)
# 訂正 may also name a household's address items.
EVENT_CORRECTABLE = CORRECTABLE + tuple(
    (f, f"世帯: {HOUSEHOLD_LABELS[f]}") for f in ("address_id", "banchi", "katagaki")
)


def label(field: str) -> str:
    return PERSON_LABELS.get(field) or HOUSEHOLD_LABELS.get(field) or REQUEST_LABELS.get(field) or field


#: [90]: written in 西暦 only for a foreign resident; every other date is 和暦 only
SEIREKI_FOR_FOREIGN = frozenset({"birth_date", "residence_end_date"})


def value_text(field: str, value: Any, *, precision: str = "day", my_number_shown: bool = False,
               foreign: bool = False) -> str:
    """One item's value as staff read it (dates as [90] says, choice labels, 個人番号 hidden unless
    shown). ``foreign``: the person is a foreign resident."""
    if field == "my_number" and value and not my_number_shown:
        return HIDDEN
    if value == WITHHELD:
        return WITHHELD
    if value in (None, ""):
        return "—"
    if field in VALUE_DATE_FIELDS:
        fmt = format_seireki if foreign and field in SEIREKI_FOR_FOREIGN else format_date
        return fmt(value, precision if field == "birth_date" else "day")
    if field in MONTH_ITEMS:  # 年月 ([10]#1 児童手当): 和暦 like every other date but 生年月日・満了日
        return format_date(f"{value}-01", "month") if len(str(value)) == 7 else str(value)
    if field in CHOICES:
        return CHOICES[field].get(str(value), str(value))
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return str(value)
