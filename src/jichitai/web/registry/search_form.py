"""The 住民検索 form's conditions ([340]): parameters → SearchQuery, and their words for the
search history ([320]). Shared by the search screen and the history's re-run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jichitai.registry.search_dates import birth_range
from jichitai.registry.selectors import SearchQuery
from jichitai.registry.selectors.search_items import BLANKS, MATCHES, REMOVALS
from jichitai.wareki import DateInputError

TEXT = ("name", "kana", "given_name", "given_kana", "alias", "former_surname", "birth_date", "sex",
        "relationship", "address_id", "address_code", "banchi", "katagaki", "atena_no", "household_no",
        "removal", "my_number", "resident_code", "residence_card_no", "match", "alias_kana",
        "former_surname_kana", "alphabet_name", "special_permanent_cert_no")
FLAGS = ("include_removed", "include_history")
LABELS = {
    "name": "氏名", "kana": "フリガナ", "given_name": "名", "given_kana": "名フリガナ", "alias": "通称",
    "former_surname": "旧氏", "birth_date": "生年月日", "sex": "性別", "relationship": "続柄",
    "address_id": "町字", "address_code": "住所コード", "banchi": "番地", "katagaki": "方書",
    "atena_no": "宛名番号", "household_no": "世帯番号", "removal": "消除事由", "my_number": "個人番号",
    "resident_code": "住民票コード", "residence_card_no": "在留カード番号", "match": "一致",
    "alias_kana": "通称のフリガナ", "former_surname_kana": "旧氏のフリガナ", "alphabet_name": "氏名（アルファベット）",
    "special_permanent_cert_no": "特別永住者証明書番号",
}
SEXES = {"1": "男", "2": "女", "9": "不詳"}
MAX_LEN = 200


def values_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values from GET parameters (or a history entry): text trimmed, flags, blanks."""
    get = data.get
    values: dict[str, Any] = {k: str(get(k, "") or "").strip()[:MAX_LEN] for k in TEXT}
    for flag in FLAGS:
        values[flag] = bool(get(flag))
    blanks = data.getlist("blank") if hasattr(data, "getlist") else list(get("blank") or [])
    values["blank"] = [b for b in dict.fromkeys(blanks) if isinstance(b, str)][: len(BLANKS)]
    return values


def submitted(values: Mapping[str, Any]) -> bool:
    return any(values[k] for k in TEXT if k != "match") or bool(values["blank"])


def to_query(values: Mapping[str, Any], *, address_id: int | None, page: int) -> tuple[SearchQuery | None, list[tuple[str, str]]]:
    """(query, [(message, field)]): the date typed is a day, a month or a year in 和暦 or 西暦."""
    errors: list[tuple[str, str]] = []
    birth = None
    try:
        birth = birth_range(values["birth_date"])
    except DateInputError:
        errors.append(("生年月日の形式が正しくありません（例: 昭和55年5月1日、S55.5.1、1980-05-01、"
                       "年だけなら 1980 や 昭和55年）。", "birth_date"))
    if values["sex"] and values["sex"] not in SEXES:
        errors.append(("性別は一覧から選んでください。", "sex"))
    if values["match"] and values["match"] not in MATCHES:
        errors.append(("一致の方法は一覧から選んでください。", "match"))
    if errors:
        return None, errors
    plain = {k: values[k] for k in TEXT if k not in ("birth_date", "address_id", "match")}
    return SearchQuery(
        **plain, match=values["match"] or "prefix", birth_date=birth[0] if birth else None,
        birth_to=birth[1] if birth else None, address_id=address_id, blank=tuple(values["blank"]),
        include_removed=values["include_removed"], include_history=values["include_history"], page=page,
    ), []


def params_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that were set, as the history keeps them (a list for 未入力の項目)."""
    out: dict[str, Any] = {k: values[k] for k in TEXT if values[k]}
    out.update({f: True for f in FLAGS if values[f]})
    if values["blank"]:
        out["blank"] = list(values["blank"])
    return out


def describe(values: Mapping[str, Any], towns: Mapping[str, str]) -> str:
    """The conditions in words for the history list: 「氏名: 高橋／生年月日: 昭和55年」."""
    parts = []
    for k in TEXT:
        v = values[k]
        if not v or k in ("my_number", "match"):
            continue
        shown = {"sex": SEXES.get(v, v), "removal": REMOVALS.get(v, v), "address_id": towns.get(v, v)}.get(k, v)
        parts.append(f"{LABELS[k]}: {shown}")
    if values["match"] and values["match"] != "prefix":
        parts.append(MATCHES[values["match"]])
    if values["blank"]:
        parts.append("未入力: " + "・".join(BLANKS[b][1] for b in values["blank"] if b in BLANKS))
    if values["include_history"]:
        parts.append("過去の氏名・住所を含む")
    if values["include_removed"]:
        parts.append("除票を含む")
    return "／".join(parts)
