"""The chapter 1 items of a new person's form row ([10], [20], [80], [170], [180]), as plain data so
``forms`` stays one table; their rules are ``registry.items``'."""

from __future__ import annotations

from typing import Any

from jichitai.registry.errors import RuleViolation
from jichitai.registry.items import CATEGORY_LABELS
from jichitai.wareki import DateInputError
from jichitai.wareki.written import parse_written

WRITTEN = "令和6年4月1日など。不詳は記載どおり（例: 平成2年頃）"
CONFIRM_FIELDS = frozenset({"name_kana_confirmed", "former_surname_kana_confirmed", "alias_kana_confirmed"})
CONFIRMED = (("", "未確認"), ("true", "確認済み"))

# (name, label, widget, help, choices): grouped under 外国人住民の項目
FOREIGN_ITEMS: tuple[dict[str, Any], ...] = (
    {"name": "foreign_category", "label": "法第30条の45の区分", "widget": "select",
     "choices": (("", "選択してください"), *CATEGORY_LABELS.items())},
    {"name": "became_foreign_resident_on", "label": "外国人住民となった年月日", "widget": "written_date",
     "help": WRITTEN},
    {"name": "special_permanent_cert_no", "label": "特別永住者証明書の番号", "help": "特別永住者のみ"},
    {"name": "landing_period", "label": "上陸期間", "help": "一時庇護許可者のみ"},
    {"name": "provisional_stay_period", "label": "仮滞在期間", "help": "仮滞在者のみ"},
    {"name": "alphabet_name", "label": "氏名（アルファベット）"},
    {"name": "alias_kana", "label": "通称（フリガナ）"},
    {"name": "alias_kana_confirmed", "label": "通称のフリガナを本人に確認した", "widget": "select",
     "choices": CONFIRMED},
    {"name": "alias_recorded_on", "label": "通称を記載した年月日", "widget": "date", "help": "例: 令和6年4月1日"},
    {"name": "alias_recorded_municipality", "label": "通称を記載した市区町村"},
    {"name": "alias_recorded_municipality_code", "label": "通称を記載した市区町村コード", "help": "6桁"},
    {"name": "alien_registration_on", "label": "旧外登法による登録年月日", "widget": "written_date",
     "help": WRITTEN},
    {"name": "name_priority", "label": "氏名優先区分", "widget": "select",
     "choices": (("", "指定なし"), ("name", "氏名"), ("alias", "通称"))},
    {"name": "previous_address_postal_code", "label": "転入前住所の郵便番号", "help": "例: 100-0001"},
)


def written_date(text: str, name: str, label: str, errors: list[RuleViolation], spec: dict[str, Any]) -> str | None:
    """[80]: a date item typed as written; its text goes beside it (``<item>_text``), its internal
    date is the value. An era that had ended is named, not called a format error."""
    try:
        written = parse_written(text)
    except DateInputError as exc:
        message = f"{label}: {exc.message}" if exc.message else (
            f"{label}の形式が正しくありません（例: 令和6年4月1日、昭和55年頃、平成2年5月日不詳、年月日不詳）。")
        errors.append(RuleViolation("date_format", message, name))
        return None
    if written is None:
        if name.endswith("birth_date"):
            errors.append(RuleViolation("required", f"{label}を入力してください。", name))
        return None
    item = name.rsplit("-", 1)[-1]
    if written.text:
        spec[f"{item}_text"] = written.text
        if item == "birth_date":
            spec["birth_date_precision"] = written.precision
    return written.date.isoformat()
