"""One checker per kind of item: each returns the value as the forms take it or raises Refused."""

from __future__ import annotations

import unicodedata

from jichitai.codes import is_valid_my_number, is_valid_resident_code
from jichitai.wareki import DateInputError, parse_date

from .. import relationships
from ..inputs import kana
from ..inputs.problems import InputProblem
from .reading import Refused

SEXES = {"男": "1", "女": "2", "1": "1", "2": "2", "男性": "1", "女性": "2"}
YES = {"はい", "有", "あり", "○", "1", "true", "yes"}
NO = {"いいえ", "無", "なし", "", "0", "false", "no"}
MAX_TEXT = 200


def text(value: str) -> str:
    value = unicodedata.normalize("NFC", value)
    if len(value) > MAX_TEXT:
        raise Refused("too_long", f"{MAX_TEXT}文字以内で入力してください（{len(value)}文字）。")
    if any(unicodedata.category(c) in ("Cc", "Co", "Cs") for c in value):
        raise Refused(
            "characters",
            "制御文字や外字（私用領域の文字）は取り込めません。文字を確認してください。",
        )
    return value


def date(value: str) -> str:
    """和暦 or 西暦, full-width digits too; the ISO date the forms read."""
    try:
        day = parse_date(value)
    except DateInputError as exc:
        raise Refused(
            "date",
            exc.message or f"「{value}」は日付として読めません（例: 令和6年4月1日、2024-04-01）。",
        ) from None
    if day is None:
        raise Refused("date", f"「{value}」は日付として読めません。")
    return day.isoformat()  # the order of the dates (birth, 異動日, 届出日) is the form's own check


def sex(value: str) -> str:
    got = SEXES.get(unicodedata.normalize("NFKC", value))
    if got is None:
        raise Refused("sex", f"性別「{value}」は「男」「女」（または 1・2）で入力してください。")
    return got


def furigana(value: str) -> str:
    try:
        return kana.normalize(value)
    except InputProblem as exc:
        raise Refused(exc.rule, exc.message) from None


def relationship(value: str) -> str:
    value = unicodedata.normalize("NFC", value)
    if not relationships.is_standard(value):
        raise Refused("relationship", relationships.problem(value))
    return value


def resident_code(value: str) -> str:
    code = unicodedata.normalize("NFKC", value)
    if not (len(code) == 11 and code.isascii() and code.isdigit()):
        raise Refused("resident_code", "住民票コードは11桁の数字で入力してください。")
    if not is_valid_resident_code(code):
        raise Refused("resident_code", "住民票コードの検査数字が合いません。")
    return code


def my_number(value: str) -> str:
    number = unicodedata.normalize("NFKC", value).replace("-", "").replace(" ", "")
    if not (len(number) == 12 and number.isascii() and number.isdigit()):
        raise Refused("my_number", "個人番号は12桁の数字で入力してください。")
    if not is_valid_my_number(number):
        raise Refused("my_number", "個人番号の検査用数字が合いません。")
    return number


def flag(value: str) -> bool:
    v = unicodedata.normalize("NFKC", value).lower()
    if v in YES:
        return True
    if v in NO:
        return False
    raise Refused("flag", f"「{value}」は「はい」「いいえ」で入力してください。")


def count(value: str) -> int:
    v = unicodedata.normalize("NFKC", value)
    if not v.isdigit() or not 1 <= int(v) <= 10:
        raise Refused("copies", "部数は1から10までの数字で入力してください。")
    return int(v)


def name(value: str) -> tuple[str, str]:
    """「氏　名」 (a space between) → (氏, 名); a name without a space is all 氏."""
    value = text(value).replace("\u3000", " ").strip()
    family, _, given = value.partition(" ")
    return family.strip(), given.strip()
