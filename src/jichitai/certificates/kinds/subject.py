"""What the 印鑑登録証明書 and the tax certificates share: the subject as printed (氏名, 生年月日,
性別, 住所), read through the register's read layer, and a refusal in Japanese.

Never prints an item of the 住民票 ([1000]#1 choices, 個人番号, 住民票コード …): those kinds set
``register_options=False`` and print only what is built here and in their own module.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jichitai.registry.selectors.documents import DocumentPerson, document_persons, on_day
from jichitai.registry.written_dates import birth_text

from ..issuance.eligibility import IssuanceRefused, Refusal
from ..issuance.messages import NOT_FOUND

SCREEN = "証明書交付"
SEX = {"1": "男", "2": "女", "9": "不詳"}


def refuse(code: str, message: str) -> IssuanceRefused:
    return IssuanceRefused(Refusal(code, message))


def read(person_id: int, *, staff: Any, function: str) -> DocumentPerson:
    """The person (logged, masked): a mask after eligibility is refused, never printed."""
    found = document_persons([person_id], staff=staff, screen=SCREEN, function=function)
    person = found.get(person_id)
    if person is None:
        raise refuse("not_found", NOT_FOUND)
    return person


def as_of(person: DocumentPerson, day: dt.date) -> DocumentPerson | None:
    """``person`` as the register read on ``day`` (None: not on the register that day)."""
    dated = on_day(person, day)
    return None if dated is person else dated


def birth(values: dict[str, Any]) -> str:
    """和暦 ([90]); a foreign resident's 生年月日 in 西暦 ([90]#4); as written when 不詳 ([80]#1)."""
    return birth_text(values)


def name(values: dict[str, Any]) -> str:
    """As stored (Moji_Joho sequences untouched); a foreign resident's 氏名 in the alphabet."""
    joined = f"{values.get('family_name', '')}　{values.get('given_name', '')}".strip("　")
    if values.get("resident_type") == "foreign":
        return values.get("alphabet_name") or joined
    return joined


def row(values: dict[str, Any], *, printed_name: str | None = None) -> dict[str, str]:
    return {
        "氏名": printed_name if printed_name is not None else name(values),
        "生年月日": birth(values),
        "性別": SEX.get(values.get("sex") or "", ""),
    }
