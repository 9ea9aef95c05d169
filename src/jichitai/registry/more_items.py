"""The chapter 1 items other business systems, the cards and 住基ネット feed ([10]#1, [20]#1): 選挙人名簿,
国民健康保険・後期高齢者医療・介護保険・国民年金, 児童手当, card status, 電子証明書 serials, 成年被後見人,
最終登録住所地, the foreign-only 住居地の届出の有無 and 上陸許可証による転入の旨, the 住所コード of 転入前住所
and 転出先, 転入通知年月日.

Here they are kept and corrected by staff (職権修正・訂正, API); their shapes are checked on every
write path (``check_more_items`` joins ``items.CHECKS``). Feeding them from the other systems is
their own issue's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from .errors import violation

# grouped as the person screen shows them (docs/registry.md 管理項目: 他業務の項目)
BENEFIT_ITEMS = (
    "elector_registered",
    "nhi_insured", "nhi_acquired_on", "nhi_lost_on",
    "late_elderly_insured", "late_elderly_acquired_on", "late_elderly_lost_on",
    "care_insured", "care_acquired_on", "care_lost_on",
    "pension_insured", "basic_pension_no", "pension_kind", "pension_kind_changed_on",
    "pension_acquired_on", "pension_lost_on",
    "child_allowance_start", "child_allowance_end",
)
CARD_ITEMS = (
    "my_number_card_status", "juki_card_status", "signing_cert_serial", "user_cert_serial", "adult_ward",
)
ADDRESS_ITEMS = (
    "previous_address_code", "move_out_destination_code", "move_out_confirmed_code", "last_registered_address",
    "move_in_notice_on", "member_order", "de_facto_head",
)
FOREIGN_ONLY = ("residence_reported", "landing_permit_move_in")
MORE_ITEMS = BENEFIT_ITEMS + CARD_ITEMS + ADDRESS_ITEMS + FOREIGN_ONLY
DATE_ITEMS = frozenset({
    "nhi_acquired_on", "nhi_lost_on", "late_elderly_acquired_on", "late_elderly_lost_on", "care_acquired_on",
    "care_lost_on", "pension_kind_changed_on", "pension_acquired_on", "pension_lost_on", "move_in_notice_on",
})
MONTH_ITEMS = frozenset({"child_allowance_start", "child_allowance_end"})
DIGIT_ITEMS = frozenset({"basic_pension_no", "member_order", "previous_address_code", "move_out_destination_code",
                         "move_out_confirmed_code"})
SERIAL_ITEMS = frozenset({"signing_cert_serial", "user_cert_serial"})
# (取得, 喪失, label): a qualification is lost after it is acquired
PERIODS = (
    ("nhi_acquired_on", "nhi_lost_on", "国民健康保険"),
    ("late_elderly_acquired_on", "late_elderly_lost_on", "後期高齢者医療"),
    ("care_acquired_on", "care_lost_on", "介護保険"),
    ("pension_acquired_on", "pension_lost_on", "国民年金"),
)
CHOICE_ITEMS = frozenset({
    "elector_registered", "nhi_insured", "late_elderly_insured", "care_insured", "pension_insured", "pension_kind",
    "my_number_card_status", "juki_card_status", "adult_ward", "residence_reported", "landing_permit_move_in",
})
_MONTH = re.compile(r"^(\d{4})[-/]?(\d{1,2})$")
_ERA_MONTH = re.compile(r"^\D+(\d+|元)年\d{1,2}月$")
_SERIAL = re.compile(r"^[0-9A-F]{1,40}$")


def _label(field: str) -> str:
    from .labels import label

    return label(field)


def month_value(field: str, value: Any) -> str:
    """A 年月 as kept: ``YYYY-MM`` from ``2024-04``, ``2024/4``, ``202404`` or 和暦 ``令和6年4月``."""
    from jichitai.wareki import DateInputError
    from jichitai.wareki.written import parse_written

    text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
    if not text:
        return ""
    hit = _MONTH.match(text)
    if hit and 1 <= int(hit.group(2)) <= 12:
        return f"{int(hit.group(1)):04d}-{int(hit.group(2)):02d}"
    if _ERA_MONTH.match(text):
        try:
            written = parse_written(text)
        except DateInputError:
            written = None
        if written is not None and written.precision == "month":
            return written.date.strftime("%Y-%m")
    raise ValueError(f"{_label(field)}は年月（例: 令和6年4月、2024-04）で入力してください。")


def normalize(field: str, text: str) -> str:
    """A typed value of one of these items as kept (digits ASCII, serials upper-case, a choice's
    Japanese label 「有」「交付済み」 as its code)."""
    if field in CHOICE_ITEMS:
        from .labels import CHOICES

        by_label = {v: k for k, v in CHOICES[field].items()}
        return by_label.get(text, text)
    if field in MONTH_ITEMS:
        return month_value(field, text)
    if field in DIGIT_ITEMS:
        from .inputs.text import normalize_digits

        return normalize_digits(text)
    if field in SERIAL_ITEMS:
        return unicodedata.normalize("NFKC", text).replace(" ", "").upper()
    return text


def _choice(row: Mapping[str, Any], field: str) -> None:
    from .labels import CHOICES

    value = str(row.get(field) or "")
    if value and value not in CHOICES[field]:
        choices = "・".join(f"{k}（{v}）" for k, v in CHOICES[field].items())
        raise violation("choice", f"{_label(field)}の値が正しくありません（{choices}）。", field)


def check_more_items(row: Mapping[str, Any]) -> None:
    """[10]#1, [20]#1: the shapes of these items (choices, 基礎年金番号 10 digits, 住所コード 11
    digits, serials, 年月, 取得 ≤ 喪失); the foreign-only ones never for a Japanese resident."""
    for field in sorted(CHOICE_ITEMS):
        _choice(row, field)
    number = str(row.get("basic_pension_no") or "")
    if number and not re.fullmatch(r"\d{10}", number):
        raise violation("basic_pension_no", "基礎年金番号は10桁の数字で入力してください。", "basic_pension_no")
    for field in sorted(DIGIT_ITEMS - {"basic_pension_no", "member_order"}):
        code = str(row.get(field) or "")
        if code and not re.fullmatch(r"\d{11}", code):
            raise violation("address_code", f"{_label(field)}は11桁の数字（住所辞書の住所コード）です。", field)
    order = str(row.get("member_order") or "")
    if order and not re.fullmatch(r"[1-9]\d{0,2}", order):
        raise violation("member_order", "世帯員の並び順は1から999までの数字で入力してください。", "member_order")
    for field in sorted(SERIAL_ITEMS):
        serial = str(row.get(field) or "")
        if serial and not _SERIAL.match(serial):
            raise violation("serial", f"{_label(field)}は英数字（0-9、A-F）40文字以内で入力してください。", field)
    for field in sorted(MONTH_ITEMS):
        value = str(row.get(field) or "")
        if value and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            raise violation("month", f"{_label(field)}は年月（例: 2024-04）で入力してください。", field)
    start, end = str(row.get("child_allowance_start") or ""), str(row.get("child_allowance_end") or "")
    if start and end and end < start:
        raise violation("date_order", "児童手当の受給終了年月が受給開始年月より前です。", "child_allowance_end")
    for acquired, lost, label in PERIODS:
        a, b = row.get(acquired), row.get(lost)
        if a and b and str(b) < str(a):
            raise violation("date_order", f"{label}の資格喪失年月日が資格取得年月日より前です。", lost)
    if row.get("pension_kind") and row.get("pension_insured") != "yes":
        raise violation("pension_kind", "国民年金の種別は被保険者に該当する（有）人にだけ記載できます。", "pension_kind")
    if row.get("resident_type") != "foreign":
        for field in FOREIGN_ONLY:
            if row.get(field):
                raise violation("japanese_only", f"日本人住民に{_label(field)}は記載できません。", field)
