"""Rules of chapter 1's items ([10], [20], [60], [120], [170]): blanks, 本籍 なし/不明, the 法第30条の45
区分 and each category's items, 通称 dates and municipalities, 郵便番号.

One check per concern, each raising RegistryError with a Japanese message naming the item;
``rules.person_row_violations`` runs them on every write path (typed request: web, API, batch;
the bulk loader; 職権修正・訂正 on the whole row afterwards).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jichitai.codes import is_valid_municipality_code

from .errors import violation
from .more_items import check_more_items

# [120]: the 本籍・筆頭者 欄 may say 「なし」 or 「不明」 (then 筆頭者 stays blank).
HONSEKI_NONE = "なし"
HONSEKI_UNKNOWN = "不明"
HONSEKI_CHOICES = (HONSEKI_NONE, HONSEKI_UNKNOWN)

# [20]: 法第30条の45 区分 and the items each one must carry ([60]: 空欄を許容しない).
CATEGORY_LABELS = {
    "mid_long": "中長期在留者", "special_permanent": "特別永住者", "temporary_refuge": "一時庇護許可者",
    "provisional_stay": "仮滞在者", "transit_birth": "出生による経過滞在者",
    "transit_loss": "国籍喪失による経過滞在者",
}
CATEGORY_ITEMS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    # (item, label, may be blank on a 除票)
    "mid_long": (("residence_status", "在留資格", False), ("residence_card_no", "在留カードの番号", True)),
    "special_permanent": (("special_permanent_cert_no", "特別永住者証明書の番号", False),),
    "temporary_refuge": (("landing_period", "上陸期間", False),),
    "provisional_stay": (("provisional_stay_period", "仮滞在期間", False),),
    "transit_birth": (),
    "transit_loss": (),
}
FOREIGN_ITEMS = (
    ("foreign_category", "法第30条の45の区分"), ("special_permanent_cert_no", "特別永住者証明書の番号"),
    ("landing_period", "上陸期間"), ("provisional_stay_period", "仮滞在期間"),
    ("became_foreign_resident_on", "外国人住民となった年月日"), ("alphabet_name", "氏名（アルファベット）"),
    ("alias", "通称"), ("name_priority", "氏名優先区分"), ("alien_registration_on", "旧外登法による登録年月日"),
)
_POSTAL = re.compile(r"^\d{3}-?\d{4}$")
_CARD = re.compile(r"^[A-Z]{2}\d{8}[A-Z]{2}$")


def _blank(value: Any) -> bool:
    return value in (None, "") or (isinstance(value, str) and not value.strip())


def _removed(row: Mapping[str, Any]) -> bool:
    """A 除票 (moved out, dead, deleted, void): a new person's row has no status yet (住民)."""
    return row.get("status") not in (None, "", "resident")


def check_blanks(row: Mapping[str, Any]) -> None:
    """[60]: the items that may not be blank (生年月日 and 住所 are checked by their own rules;
    住民となった年月日, 宛名番号 and 世帯番号 the register itself fills)."""
    if not _removed(row) and _blank(row.get("resident_code")):
        raise violation("required", "住民票コードを入力してください（11桁）。", "resident_code")


def check_honseki(row: Mapping[str, Any]) -> None:
    """[60], [120]: a Japanese resident's 本籍・筆頭者 are never blank; 「なし」/「不明」 are choices."""
    if row.get("resident_type") == "foreign":
        return
    honseki = str(row.get("honseki") or "").strip()
    if not honseki:
        raise violation(
            "required", "本籍を入力してください（本籍がない場合は「なし」、分からない場合は「不明」）。", "honseki")
    if honseki in HONSEKI_CHOICES:
        if not _blank(row.get("hittousha")):
            raise violation("honseki_none", f"本籍が「{honseki}」のときは筆頭者を空欄にしてください。", "hittousha")
        return
    if _blank(row.get("hittousha")):
        raise violation(
            "required", "筆頭者を入力してください（本籍が「なし」「不明」のときは本籍欄で選びます）。", "hittousha")


def check_foreign(row: Mapping[str, Any]) -> None:
    """[20], [60]: the 区分, its items and 外国人住民となった年月日; none of them for a Japanese resident."""
    if row.get("resident_type") != "foreign":
        for field, label in FOREIGN_ITEMS:
            if not _blank(row.get(field)) and field != "alias":
                raise violation("japanese_only", f"日本人住民に{label}は記載できません。", field)
        return
    category = str(row.get("foreign_category") or "")
    if category not in CATEGORY_ITEMS:
        choices = "・".join(CATEGORY_LABELS.values())
        what = "を選んでください" if not category else "が正しくありません"
        raise violation("foreign_category", f"法第30条の45の区分{what}（{choices}）。", "foreign_category")
    if _blank(row.get("became_foreign_resident_on")):
        raise violation("required", "外国人住民となった年月日を入力してください。", "became_foreign_resident_on")
    for field, label, removable in CATEGORY_ITEMS[category]:
        if _blank(row.get(field)) and not (removable and _removed(row)):
            raise violation("required", f"{CATEGORY_LABELS[category]}の{label}を入力してください。", field)
    for field in ("residence_card_no", "special_permanent_cert_no"):
        number = str(row.get(field) or "")
        if number and not _CARD.match(number):
            raise violation(field, "番号の形式が正しくありません（英大文字2桁・数字8桁・英大文字2桁）。", field)


def check_alias(row: Mapping[str, Any]) -> None:
    """[20]: 通称 with its 記載/削除 dates and municipalities (codes with their check digit)."""
    for field in ("alias_recorded_municipality_code", "alias_deleted_municipality_code"):
        code = str(row.get(field) or "")
        if code and not is_valid_municipality_code(code):
            raise violation(field, "市区町村コードは検査数字を含む6桁の地方公共団体コードです。", field)
    recorded, deleted = row.get("alias_recorded_on"), row.get("alias_deleted_on")
    if recorded and deleted and str(deleted) < str(recorded):
        raise violation("date_order", "通称を削除した年月日が記載した年月日より前です。", "alias_deleted_on")
    if row.get("name_priority") == "alias" and _blank(row.get("alias")):
        raise violation("name_priority", "通称がない人の氏名優先区分を「通称」にはできません。", "name_priority")


def check_postal_codes(row: Mapping[str, Any]) -> None:
    """[170]: 郵便番号 of 転入前住所 and 転出先 (予定/確定) as 7 digits (3-4 with a hyphen)."""
    for field, label in (("previous_address_postal_code", "転入前住所の郵便番号"),
                         ("move_out_destination_postal_code", "転出先（予定）の郵便番号"),
                         ("move_out_confirmed_postal_code", "転出先（確定）の郵便番号")):
        code = str(row.get(field) or "")
        if code and not _POSTAL.match(code):
            raise violation("postal_code", f"{label}は7桁の数字（例: 100-0001）で入力してください。", field)


CHECKS = (check_blanks, check_honseki, check_foreign, check_alias, check_postal_codes, check_more_items)
