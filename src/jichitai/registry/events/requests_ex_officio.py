"""Typed requests of two 職権 異動 (chapter 4.2): 失踪 ([830]) and 軽微な修正 ([850]).

Kept apart from ``requests`` (which imports them into ``REQUEST_TYPES``) so that module stays small.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from ..models import EventKind
from .requests import Id, Relationships, Request, Value, WrittenEventDate, check_value


class Disappearance(Request):
    """失踪 ([830]): 職権消除 on the 本籍地's notice of a 失踪宣告 (法第9条第2項)."""

    kinds = (EventKind.DISAPPEARANCE.value,)
    person_id: Id
    effective_date_text: WrittenEventDate = ""  # [80]#1: the 異動日 as written (不詳日)
    new_head_id: Id | None = None
    remaining_head_id: Id | None = None
    relationships: Relationships = {}


# [850] 軽微な修正 (規則第11条第3項第2号): its grounds, and what each may change ("name": 氏名,
# "address": 住所 (the household's 町字・番地・方書), "katagaki": the 方書 alone)
MINOR_GROUNDS: dict[str, tuple[str, frozenset[str]]] = {
    "common_chars": ("常用平易な文字への変更", frozenset({"name", "address"})),
    "identification": ("文字の同定", frozenset({"name", "address"})),
    "district_name": ("行政区画・郡・区・町字等の名称の変更", frozenset({"address"})),
    "lot_number": ("地番の変更", frozenset({"address"})),
    "residence_indication": ("住居表示の実施又は変更", frozenset({"address"})),
    "building_name": ("建築物の名称又は建物の賃貸人の変更", frozenset({"katagaki"})),
    "minister": ("総務大臣が適当と認めるもの", frozenset({"name", "address"})),
}
MINOR_NAME_FIELDS = frozenset({"family_name", "given_name", "alias", "former_surname"})
MINOR_ADDRESS_FIELDS = frozenset({"address_id", "banchi", "katagaki"})


class MinorCorrection(Request):
    """軽微な修正 ([850]): a person's 氏名 or a household's 住所 rewritten for one of the grounds of
    規則第11条第3項第2号, nothing else."""

    kinds = (EventKind.MINOR_CORRECTION.value,)
    ground: Literal[
        "common_chars",
        "identification",
        "district_name",
        "lot_number",
        "residence_indication",
        "building_name",
        "minister",
    ]
    person_id: Id | None = None
    household_id: Id | None = None
    changes: Annotated[dict[str, Value], Field(min_length=1, max_length=4)]

    @model_validator(mode="after")
    def _scope(self) -> MinorCorrection:
        if (self.person_id is None) == (self.household_id is None):
            raise PydanticCustomError("one_of", "住民IDか世帯IDのどちらか一方を指定してください。")
        allowed = MINOR_NAME_FIELDS if self.person_id else MINOR_ADDRESS_FIELDS
        scopes = MINOR_GROUNDS[self.ground][1]
        if self.household_id and "address" not in scopes:
            allowed = frozenset({"katagaki"}) if "katagaki" in scopes else frozenset()
        if self.person_id and "name" not in scopes:
            allowed = frozenset()
        bad = sorted(set(self.changes) - allowed)
        if bad:
            raise PydanticCustomError(
                "field_not_correctable",
                "{message}",
                {
                    "message": (
                        f"軽微な修正（{MINOR_GROUNDS[self.ground][0]}）では修正できない項目です: {', '.join(bad)}"
                    )
                },
            )
        for f, v in self.changes.items():
            check_value("person" if self.person_id else "household", f, v)
        return self

    def normalized(self) -> dict[str, Value]:
        entity = "person" if self.person_id else "household"
        return {f: check_value(entity, f, v) for f, v in self.changes.items()}
