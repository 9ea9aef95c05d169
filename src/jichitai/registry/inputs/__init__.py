"""Input checks by kind of item: what a 住民記録 lead would refuse or question ([1440]).

Normalizers turn what a clerk types into what the register stores (フリガナ → full-width
katakana, full-width digits → ASCII in 番地・方書 and numbers) and refuse what cannot be meant;
character checks refuse names outside the MJ set; ``dates`` orders 生年月日・異動日・届出日 and
questions (alerts) implausible families. ``catalogue`` lists every error and alert with its level.
The typed requests (``events.requests``) and the register's rules (``rules``) call ``normalize``
and ``person_problems``; the planner asks ``dates`` (which alone reads the register: the 続柄 and
生年月日 of a household's other residents, shown to nobody). ``batch`` checks a file by line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import kana, text
from .problems import InputProblem

# [180]#2: every フリガナ (氏名, 旧氏, 通称) is kept in katakana
KANA_ITEMS = ("family_name_kana", "given_name_kana", "former_surname_kana", "alias_kana")
NAME_ITEMS = ("family_name", "given_name", "former_surname", "alias")
NUMBER_ITEMS = ("my_number", "resident_code")
ADDRESS_TEXT_ITEMS = ("honseki", "previous_address", "move_out_destination")


def _label(field: str) -> str:
    from ..labels import label

    return label(field)


def normalize(field: str, value: str) -> str:
    """``value`` of item ``field`` as the register stores it; InputProblem when it cannot be."""
    if field in KANA_ITEMS:
        refuse_abbreviation(value, _label(field))
        return kana.normalize(value, _label(field))
    if field == "banchi":
        return text.normalize_banchi(value, _label(field))
    if field == "katagaki":
        return text.normalize_katagaki(value, _label(field))
    if field in NUMBER_ITEMS:
        return text.normalize_digits(value)
    if field == "residence_card_no":
        return text.normalize_card_no(value)
    if field in ADDRESS_TEXT_ITEMS:  # checked, kept as typed
        found = text.address_text_problem(value, _label(field))
        if found is not None:
            raise found
    return value


def refuse_abbreviation(value: str, label: str) -> None:
    """（カ）・ｶ) in a フリガナ: the [330]#5 refusal (rules' message), before the kana check."""
    from ..abbreviations import find

    found = find(value)
    if found:
        raise InputProblem("corporate_abbreviation",
                           f"{label}に（株）・（有）・㈱などの法人の略称記号（{found}）は入力できません。")


def before(field: str) -> Callable[[Any], Any]:
    """A pydantic BeforeValidator for item ``field`` (the normalized value is what is stored)."""

    def run(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # the type check after it names the item
        try:
            return normalize(field, value)
        except InputProblem as exc:
            raise exc.as_pydantic() from None

    return run


def person_problems(row: Mapping[str, Any]) -> list[tuple[str, InputProblem]]:
    """(item, refusal) for every name and フリガナ item of a person row that breaks its set."""
    out: list[tuple[str, InputProblem]] = []
    latin = row.get("resident_type") == "foreign"
    for field in NAME_ITEMS:
        found = text.name_problem(str(row.get(field) or ""), _label(field), latin=latin)
        if found is not None:
            out.append((field, found))
    # 筆頭者: a Japanese resident's 戸籍 name, the same set (no Latin)
    found = text.name_problem(str(row.get("hittousha") or ""), _label("hittousha"), latin=False)
    if found is not None:
        out.append(("hittousha", found))
    for field in KANA_ITEMS:
        found = kana.problem(str(row.get(field) or ""), _label(field))
        if found is not None:
            out.append((field, found))
    return out


__all__ = ["InputProblem", "before", "kana", "normalize", "person_problems", "text"]
