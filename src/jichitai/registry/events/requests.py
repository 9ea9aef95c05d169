"""Typed 異動 requests: one frozen model per kind (or family of kinds), the one shape that the
web forms, the API and batch intake all build, and that a provisional event stores.

Only the shape is checked here: types, required items, lengths (from the register's own columns),
ids in range, unknown items refused. Rules that need the register's state (a head must remain,
個人番号 unique, …) are the planners'. Every error comes back at once, in Japanese, naming its item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .. import inputs, more_items, relationships
from ..conventions import (
    BOOL_FIELDS,
    CORRECTABLE_HOUSEHOLD_FIELDS,
    CORRECTABLE_PERSON_FIELDS,
    DATE_FIELDS,
    STRUCTURAL_FIELDS,
)
from ..errors import RegistryError, RuleViolation
from ..models import EventKind, Household, Person
from ..written_dates import WRITTEN_TEXT_FIELDS, written_text_value
from .messages import violations_from

MAX_ID = 2**63 - 1  # bigint: a larger id cannot exist, so it is bad input, not a database error
MAX_PERSONS = 30
MAX_IDS = 100

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# a date item left blank is no date (forms send "")
OptDate = Annotated[dt.date | None, BeforeValidator(lambda v: None if v == "" else v)]


def _max(model: Any, field: str) -> int:
    return int(model._meta.get_field(field).max_length)


def _text(model: Any, field: str, *, required: bool = False) -> Any:
    return Annotated[str, StringConstraints(max_length=_max(model, field), min_length=1 if required else 0)]


def _p(field: str, *, required: bool = False) -> Any:
    return _text(Person, field, required=required)


def _n(model: Any, field: str, *, required: bool = False) -> Any:
    """An item normalized as the register stores it before its length is checked (registry.inputs)."""
    return Annotated[_text(model, field, required=required), BeforeValidator(inputs.before(field))]


def _standard_or_blank(value: str) -> str:
    return relationships.check(value, allow_blank=True)


def _standard(value: str) -> str:
    return relationships.check(value)


# 続柄: only the standard's vocabulary (std 110#1/#2) on every way in. A new person's may be left
# blank here (that it is required is ``rules``'); a changed one must be given.
NewRelationship = Annotated[_p("relationship"), AfterValidator(_standard_or_blank)]
ChangedRelationship = Annotated[_p("relationship", required=True), AfterValidator(_standard)]


def _event_date_text(value: Any) -> str:
    from ..written_dates import event_date_text

    return event_date_text(value)


# [80]#1: the 異動日 of a 出生・死亡 as written; the event's 異動日 is its internal date
WrittenEventDate = Annotated[str, StringConstraints(max_length=60), BeforeValidator(_event_date_text)]


class Request(BaseModel):
    """Base of every request: frozen, unknown items refused, text trimmed."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    kinds: ClassVar[tuple[str, ...]] = ()

    def named_ids(self) -> tuple[set[int], set[int]]:
        """Existing persons and households the request names by id (what planning loads)."""
        persons: set[int] = set()
        households: set[int] = set()
        for name in ("person_id", "new_head_id", "remaining_head_id"):
            if isinstance(getattr(self, name, None), int):
                persons.add(getattr(self, name))
        persons.update(getattr(self, "person_ids", None) or ())
        persons.update(getattr(self, "relationships", None) or {})
        for name in ("household_id", "from_household_id", "to_household_id"):
            if isinstance(getattr(self, name, None), int):
                households.add(getattr(self, name))
        return persons, households

    def stored(self) -> dict[str, Any]:
        """The request as a provisional event keeps it (JSON, only the items given)."""
        return self.model_dump(mode="json", exclude_unset=True)


# [40]#4: a 特別な事由 an 異動 is entered for (特別養子縁組, its 解消, 性別の変更): kept with the 異動, left
# out of certificate histories unless asked for; [50]#2: a 特別養子縁組's 転出 may leave the 転出先 blank
SpecialCauseCode = Literal["", "special_adoption", "special_adoption_dissolved", "sex_change"]


class Special(Request):
    special_cause: SpecialCauseCode = ""


class Address(Request):
    address_id: Id
    banchi: _n(Household, "banchi", required=True)  # type: ignore[valid-type]
    katagaki: _n(Household, "katagaki") = ""  # type: ignore[valid-type]


# [590]#1: every other chapter 1 item (more_items) may be entered with a new person too, except
# the 転出's own (a 転入 has no 転出先)
_MORE_AT_ENTRY = {
    f: (OptDate, None) if f in more_items.DATE_ITEMS else (_p(f), "")
    for f in more_items.MORE_ITEMS
    if f not in ("move_out_destination_code", "move_out_confirmed_code", "move_in_notice_on")
}
_NewPersonItems: type[Request] = create_model("_NewPersonItems", __base__=Request, **_MORE_AT_ENTRY)  # type: ignore[call-overload]


class NewPerson(_NewPersonItems):  # type: ignore[valid-type,misc]
    """A person the event writes for the first time (転入・国外転入・職権記載・出生)."""

    ref: Annotated[str, StringConstraints(max_length=20, pattern=r"^[0-9A-Za-z_-]*$")] = ""
    family_name: _p("family_name", required=True)  # type: ignore[valid-type]
    given_name: _p("given_name") = ""  # type: ignore[valid-type]
    family_name_kana: _n(Person, "family_name_kana") = ""  # type: ignore[valid-type]
    given_name_kana: _n(Person, "given_name_kana") = ""  # type: ignore[valid-type]
    birth_date: OptDate = None
    birth_date_precision: _p("birth_date_precision") = "day"  # type: ignore[valid-type]
    sex: _p("sex") = ""  # type: ignore[valid-type]
    relationship: NewRelationship = ""  # type: ignore[valid-type]
    resident_type: _p("resident_type") = "japanese"  # type: ignore[valid-type]
    honseki: _n(Person, "honseki") = ""  # type: ignore[valid-type]
    hittousha: _p("hittousha") = ""  # type: ignore[valid-type]
    my_number: _n(Person, "my_number") = ""  # type: ignore[valid-type]
    resident_code: _n(Person, "resident_code") = ""  # type: ignore[valid-type]
    nationality: _p("nationality") = ""  # type: ignore[valid-type]
    residence_status: _p("residence_status") = ""  # type: ignore[valid-type]
    residence_period: _p("residence_period") = ""  # type: ignore[valid-type]
    residence_end_date: OptDate = None
    residence_card_no: _n(Person, "residence_card_no") = ""  # type: ignore[valid-type]
    alias: _p("alias") = ""  # type: ignore[valid-type]
    former_surname: _p("former_surname") = ""  # type: ignore[valid-type]
    # chapter 1 items (registry/items.py; conventions.ITEM_FIELDS), each optional in shape
    birth_date_text: _p("birth_date_text") = ""  # type: ignore[valid-type]
    name_kana_confirmed: bool = False
    former_surname_kana: _n(Person, "former_surname_kana") = ""  # type: ignore[valid-type]
    former_surname_kana_confirmed: bool = False
    previous_address_postal_code: _p("previous_address_postal_code") = ""  # type: ignore[valid-type]
    foreign_category: _p("foreign_category") = ""  # type: ignore[valid-type]
    special_permanent_cert_no: _p("special_permanent_cert_no") = ""  # type: ignore[valid-type]
    landing_period: _p("landing_period") = ""  # type: ignore[valid-type]
    provisional_stay_period: _p("provisional_stay_period") = ""  # type: ignore[valid-type]
    became_foreign_resident_on: OptDate = None
    became_foreign_resident_on_text: _p("became_foreign_resident_on_text") = ""  # type: ignore[valid-type]
    alien_registration_on: OptDate = None
    alien_registration_on_text: _p("alien_registration_on_text") = ""  # type: ignore[valid-type]
    alphabet_name: _p("alphabet_name") = ""  # type: ignore[valid-type]
    alias_kana: _n(Person, "alias_kana") = ""  # type: ignore[valid-type]
    alias_kana_confirmed: bool = False
    alias_recorded_on: OptDate = None
    alias_recorded_municipality: _p("alias_recorded_municipality") = ""  # type: ignore[valid-type]
    alias_recorded_municipality_code: _p("alias_recorded_municipality_code") = ""  # type: ignore[valid-type]
    name_priority: _p("name_priority") = ""  # type: ignore[valid-type]
    mail_name_code: _p("mail_name_code") = ""  # type: ignore[valid-type]
    last_registered_address: _p("last_registered_address") = ""  # type: ignore[valid-type]  # [620]#2
    # [600]: the 除票 of this municipality a 再転入者 comes back to (転入・国外転入・職権記載 only)
    returning_person_id: Id | None = None

    @model_validator(mode="before")
    @classmethod
    def _written_dates(cls, data: Any) -> Any:
        """[80]: a date given as written (不詳日, 2月29日 of a common year) carries its internal date."""
        from ..written_dates import split_written

        return split_written(data)

    def spec(self) -> dict[str, Any]:
        return self.model_dump()


class HouseholdChoice(Request):
    """A new household at ``new``, or the existing household ``existing_id`` (exactly one)."""

    new: Address | None = None
    existing_id: Id | None = None

    @model_validator(mode="after")
    def _one(self) -> HouseholdChoice:
        if (self.new is None) == (self.existing_id is None):
            raise ValueError("one_of")
        return self


Relationships = dict[Id, ChangedRelationship]  # type: ignore[valid-type]


class MoveIn(Special):
    """転入・国外転入: a household (new or existing) and the persons who arrive."""

    kinds = (EventKind.MOVE_IN.value, EventKind.MOVE_IN_FROM_ABROAD.value)
    household: HouseholdChoice
    persons: Annotated[list[NewPerson], Field(min_length=1, max_length=MAX_PERSONS)]
    previous_address: _n(Person, "previous_address", required=True)  # type: ignore[valid-type]
    head_ref: Annotated[str, StringConstraints(max_length=20)] | None = None
    unreported: bool = False  # [620]: 未届転入 (previous_address is the latest 未届 address)

    def named_ids(self) -> tuple[set[int], set[int]]:
        back = {p.returning_person_id for p in self.persons if p.returning_person_id is not None}
        return back, {self.household.existing_id} if self.household.existing_id else set()


class ExOfficioEntry(MoveIn):
    """職権記載: like a 転入, 従前の住所 may be blank."""

    kinds = (EventKind.EX_OFFICIO_ENTRY.value,)
    previous_address: _n(Person, "previous_address") = ""  # type: ignore[valid-type]
    # ``unreported`` ([800]#2 未届転入) is MoveIn's own: one flag for 転入 and 職権記載 ([620])


class ForeignEntry(MoveIn):
    """[910] 法第30条の46転入・[920] 法第30条の47届出: 中長期在留者等 written like a 国外転入; the
    従前の住所 may be blank. ``address_set_on``: a 30条47's 住所を定めた年月日 (before the 異動日)."""

    kinds = (EventKind.MOVE_IN_30_46.value, EventKind.ENTRY_30_47.value)
    previous_address: _n(Person, "previous_address") = ""  # type: ignore[valid-type]
    address_set_on: OptDate = None


class ResidentCodeChange(Request):
    """[880] 住民票コードの変更請求: a new code from the stock, or the one given (CS の指示)."""

    kinds = (EventKind.RESIDENT_CODE_CHANGE.value,)
    person_id: Id
    resident_code: _n(Person, "resident_code") = ""  # type: ignore[valid-type]


class Birth(Request):
    """出生: the child joins ``household_id``; its birth date is the 異動日."""

    kinds = (EventKind.BIRTH.value,)
    household_id: Id
    person: NewPerson
    effective_date_text: WrittenEventDate = ""  # [80]#1: 出生日 as written (不詳日)
    koseki_from_id: Id | None = None  # [770]#2: a member whose 本籍・筆頭者 the child's quote


class MoveOutPlanned(Special):
    """転出（予定）: the persons, the destination, the planned date."""

    kinds = (EventKind.MOVE_OUT_PLANNED.value,)
    person_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_IDS)]
    # required, except for a 特別養子縁組's 転出 ([50]#2): the planner says so
    destination: _n(Person, "move_out_destination") = ""  # type: ignore[valid-type]
    destination_postal_code: _p("move_out_destination_postal_code") = ""  # type: ignore[valid-type]
    destination_code: Annotated[str, StringConstraints(pattern=r"^(\d{11})?$")] = ""  # [650]#2: 住所辞書
    planned_date: OptDate = None


class Leaving(Special):
    """Persons who leave the register or their household; a head who leaves needs a successor."""

    person_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_IDS)]
    new_head_id: Id | None = None
    remaining_head_id: Id | None = None
    relationships: Relationships = {}


class MoveOut(Leaving):
    """国外転出・職権消除."""

    kinds = (EventKind.MOVE_OUT_ABROAD.value, EventKind.EX_OFFICIO_DELETION.value)
    destination: _n(Person, "move_out_destination") = ""  # type: ignore[valid-type]
    destination_postal_code: _p("move_out_confirmed_postal_code") = ""  # type: ignore[valid-type]


class MoveOutConfirmed(MoveOut):
    """転出確定（転入通知の受理, [680]): the 転入通知日 and the 転入日 the notice states, beside the plan."""

    kinds = (EventKind.MOVE_OUT_CONFIRMED.value,)
    notice_date: OptDate = None  # 転入通知年月日 (default: the 異動日 entered)
    moved_in_on: OptDate = None  # 転入通知に記載された転入日 = 転出年月日（確定）


class MoveWithin(Leaving):
    """転居: the whole household moves, or some of its members form a new one at the address."""

    kinds = (EventKind.MOVE_WITHIN.value,)
    address: Address


class HouseholdSplit(Leaving):
    """世帯分離: the persons form a new household at the same address."""

    kinds = (EventKind.HOUSEHOLD_SPLIT.value,)


class Death(Request):
    kinds = (EventKind.DEATH.value,)
    person_id: Id
    effective_date_text: WrittenEventDate = ""  # [80]#1: 死亡日 as written (不詳日)
    new_head_id: Id | None = None
    remaining_head_id: Id | None = None
    relationships: Relationships = {}


class HouseholdMerge(Special):
    """世帯合併: every member of ``from_household_id`` joins ``to_household_id``."""

    kinds = (EventKind.HOUSEHOLD_MERGE.value,)
    from_household_id: Id
    to_household_id: Id
    relationships: Relationships = {}


class HouseholdChange(Leaving):
    """世帯変更 ([720]#1): some members of a household join ``to_household_id`` (the same address)."""

    kinds = (EventKind.HOUSEHOLD_CHANGE.value,)
    to_household_id: Id


class HeadChange(Special):
    kinds = (EventKind.HEAD_CHANGE.value,)
    household_id: Id
    new_head_id: Id
    relationships: Relationships = {}


class NameChange(Special):
    """氏名変更: only the items given change."""

    kinds = (EventKind.NAME_CHANGE.value,)
    person_id: Id
    family_name: _p("family_name", required=True) | None = None  # type: ignore[valid-type]
    given_name: _p("given_name") | None = None  # type: ignore[valid-type]
    family_name_kana: _n(Person, "family_name_kana") | None = None  # type: ignore[valid-type]
    given_name_kana: _n(Person, "given_name_kana") | None = None  # type: ignore[valid-type]
    former_surname: _p("former_surname") | None = None  # type: ignore[valid-type]
    former_surname_kana: _n(Person, "former_surname_kana") | None = None  # type: ignore[valid-type]
    name_kana_confirmed: bool | None = None
    former_surname_kana_confirmed: bool | None = None

    NAME_FIELDS: ClassVar[tuple[str, ...]] = (
        "family_name", "given_name", "family_name_kana", "given_name_kana", "former_surname",
        "former_surname_kana", "name_kana_confirmed", "former_surname_kana_confirmed")

    def changes(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.NAME_FIELDS if getattr(self, f) is not None}


class AliasChange(Request):
    """通称の記載・削除 on 申出 ([70]#2): 記載 with the 通称 and its フリガナ, or 削除. The municipality
    (name and code) defaults to the one entering it; another is given when carrying one over."""

    kinds = (EventKind.ALIAS_CHANGE.value,)
    person_id: Id
    action: Literal["record", "delete"]
    alias: _p("alias") = ""  # type: ignore[valid-type]
    alias_kana: _n(Person, "alias_kana") = ""  # type: ignore[valid-type]
    alias_kana_confirmed: bool = False
    municipality: _p("alias_recorded_municipality") = ""  # type: ignore[valid-type]
    municipality_code: _p("alias_recorded_municipality_code") = ""  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _alias_given(self) -> AliasChange:
        if self.action == "record" and not self.alias:
            raise PydanticCustomError("required", "記載する通称を入力してください。")
        return self


Value = str | int | bool | None
# date items that may lie ahead: the end of a stay, a planned move out
FUTURE_DATE_FIELDS = frozenset({"residence_end_date", "move_out_planned_on"})


def _today() -> dt.date:
    from ..rules import today

    return today()


def check_value(entity: str, field: str, value: Value) -> Value:
    """A corrected value must fit its item (type and length); raises ValueError in Japanese."""
    model = Person if entity == "person" else Household
    try:
        column = model._meta.get_field("household" if field == "household_id" else field.removesuffix("_id"))
    except Exception:  # noqa: BLE001 - any unknown item name
        raise PydanticCustomError("field_not_correctable", f"修正できない項目です: {field}") from None
    if field in WRITTEN_TEXT_FIELDS:
        return written_text_value(field, value)
    if field in DATE_FIELDS:
        if value in (None, ""):
            return None
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{column.verbose_name}は日付（例: 2024-04-01）で入力してください。") from None
        if field not in FUTURE_DATE_FIELDS and day > _today():  # a past event cannot be dated ahead
            raise PydanticCustomError("future_date", "{message}", {
                "message": f"{column.verbose_name}に未来の日付は入力できません。日付を確かめてください。"})
        return day.isoformat()
    if field.endswith("_id"):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
            raise ValueError(f"{column.verbose_name}はIDの数字で入力してください。")
        return value
    if field in BOOL_FIELDS:
        value = {"true": True, "false": False, "": False}.get(value, value) if isinstance(value, str) else value
        if not isinstance(value, bool):
            raise ValueError(f"{column.verbose_name}は true / false で入力してください。")
        return value
    text = "" if value is None else value
    if not isinstance(text, str):
        raise ValueError(f"{column.verbose_name}は文字で入力してください。")
    try:
        text = more_items.normalize(field, inputs.normalize(field, text.strip()))
    except inputs.InputProblem as exc:
        raise exc.as_pydantic() from None
    limit = getattr(column, "max_length", None)
    if limit and len(text) > limit:
        raise ValueError(f"{column.verbose_name}は{limit}文字以内で入力してください。")
    text = text.strip()
    if field == "relationship" and text and not relationships.is_standard(text):  # blank: rules' call
        raise ValueError(f"{column.verbose_name}: {relationships.problem(text)}")
    return text


class NationalityChange(Request):
    """帰化・国籍取得 (外国人 → 日本人) and 国籍喪失 (日本人 → 外国人): the items of the new 住民票 that
    are not carried over from the old one (a blank item keeps the old record's value where the new
    住民種別 has it). ``lost_on``: 国籍を失った年月日 ([950]#2; default the 異動日)."""

    kinds = (EventKind.NATURALIZATION.value, EventKind.NATIONALITY_ACQUISITION.value,
             EventKind.NATIONALITY_LOSS.value)
    person_id: Id
    family_name: _p("family_name") = ""  # type: ignore[valid-type]
    given_name: _p("given_name") = ""  # type: ignore[valid-type]
    family_name_kana: _n(Person, "family_name_kana") = ""  # type: ignore[valid-type]
    given_name_kana: _n(Person, "given_name_kana") = ""  # type: ignore[valid-type]
    honseki: _n(Person, "honseki") = ""  # type: ignore[valid-type]
    hittousha: _p("hittousha") = ""  # type: ignore[valid-type]
    nationality: _p("nationality") = ""  # type: ignore[valid-type]
    foreign_category: _p("foreign_category") = ""  # type: ignore[valid-type]
    residence_status: _p("residence_status") = ""  # type: ignore[valid-type]
    residence_period: _p("residence_period") = ""  # type: ignore[valid-type]
    residence_end_date: OptDate = None
    residence_card_no: _n(Person, "residence_card_no") = ""  # type: ignore[valid-type]
    special_permanent_cert_no: _p("special_permanent_cert_no") = ""  # type: ignore[valid-type]
    alphabet_name: _p("alphabet_name") = ""  # type: ignore[valid-type]
    lost_on: OptDate = None

    def items(self) -> dict[str, Any]:
        """The items the request states (blank ones are carried)."""
        return {k: v for k, v in self.model_dump(exclude={"person_id", "lost_on"}).items() if v not in (None, "")}


class PersonCorrection(Special):
    """職権修正: items of one person's current record, each to its new value."""

    kinds = (EventKind.EX_OFFICIO_CORRECTION.value,)
    person_id: Id
    changes: Annotated[dict[str, Value], Field(min_length=1, max_length=len(CORRECTABLE_PERSON_FIELDS))]

    @model_validator(mode="after")
    def _values(self) -> PersonCorrection:
        bad = sorted(set(self.changes) - CORRECTABLE_PERSON_FIELDS)
        if bad:
            raise PydanticCustomError("field_not_correctable", f"修正できない項目です: {', '.join(bad)}")
        for f, v in self.changes.items():
            check_value("person", f, v)
        return self

    def normalized(self) -> dict[str, Value]:
        return {f: check_value("person", f, v) for f, v in self.changes.items()}

    def named_ids(self) -> tuple[set[int], set[int]]:
        return {self.person_id}, set()


class Change(Request):
    entity: Literal["person", "household"] = "person"
    entity_id: Id
    field: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    value: Value = None

    @model_validator(mode="after")
    def _fits(self) -> Change:
        allowed = CORRECTABLE_PERSON_FIELDS if self.entity == "person" else CORRECTABLE_HOUSEHOLD_FIELDS
        if self.field not in allowed or self.field in STRUCTURAL_FIELDS:
            raise PydanticCustomError("field_not_correctable", f"この異動で訂正できない項目です: {self.field}")
        check_value(self.entity, self.field, self.value)
        return self

    def normalized(self) -> Value:
        return check_value(self.entity, self.field, self.value)


class AddressRenumbering(Request):
    """住居表示の実施等 ([1340]): a household's address rewritten where it stands; nobody moves, so
    住所を定めた年月日 stays. ``from_address`` is the address the household must still have."""

    kinds = (EventKind.ADDRESS_RENUMBERING.value,)
    household_id: Id
    from_address: Address
    address: Address


class HonsekiRenumbering(Request):
    """本籍の表示の変更 ([1340]#2): a 本籍 renamed by a 住居表示・地番変更 etc. (the person's 戸籍 does not
    move). ``from_honseki`` is the 本籍 the person must still have."""

    kinds = (EventKind.HONSEKI_RENUMBERING.value,)
    person_id: Id
    from_honseki: _n(Person, "honseki", required=True)  # type: ignore[valid-type]
    honseki: _n(Person, "honseki", required=True)  # type: ignore[valid-type]


class Correction(Request):
    """訂正: values an approved event wrote, each to its right value."""

    kinds = (EventKind.CORRECTION.value,)
    target_event_id: Id
    changes: Annotated[list[Change], Field(min_length=1, max_length=MAX_IDS)]

    def named_ids(self) -> tuple[set[int], set[int]]:
        return ({c.entity_id for c in self.changes if c.entity == "person"},
                {c.entity_id for c in self.changes if c.entity == "household"})


from .requests_cancellation import Cancellation  # noqa: E402 - they build on the above
from .requests_ex_officio import Disappearance, MinorCorrection  # noqa: E402

REQUEST_TYPES: dict[str, type[Request]] = {
    kind: cls
    for cls in (MoveIn, ExOfficioEntry, Birth, MoveOutPlanned, MoveOut, MoveOutConfirmed, MoveWithin, HouseholdSplit,
                Death, HouseholdMerge, HouseholdChange, HeadChange, NameChange, AliasChange, PersonCorrection,
                Cancellation, Correction, NationalityChange, AddressRenumbering, HonsekiRenumbering, Disappearance,
                MinorCorrection, ForeignEntry, ResidentCodeChange)
    for kind in cls.kinds
}
assert set(REQUEST_TYPES) == set(EventKind.values), "every 異動事由 needs a request type"


def parse_request(kind: str, data: Request | Mapping[str, Any] | Any) -> Request:
    """The typed request of ``kind`` from what was sent; RegistryError lists every shape error."""
    cls = REQUEST_TYPES.get(str(kind))
    if cls is None:
        raise RegistryError(RuleViolation("unknown_kind", f"未対応の異動事由です: {kind}", "kind"))
    if isinstance(data, cls):
        return data
    if isinstance(data, Request):
        data = data.stored()
    if not isinstance(data, Mapping):
        raise RegistryError(RuleViolation("invalid", "届出内容の形式が正しくありません。", "request"))
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise RegistryError(*violations_from(exc.errors())) from None


def stored_request(event: Any) -> Request:
    """The typed request a stored event carries, parsed once per loaded event object (approval
    asks it twice: who the event is about, then the plan)."""
    cached = getattr(event, "_typed_request", None)
    if cached is None:
        cached = parse_request(event.kind, event.request)
        event._typed_request = cached
    return cached
