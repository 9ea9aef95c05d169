"""Request and response shapes of the API (pydantic via django-ninja). Dates are ISO 8601.

A response never carries a 個人番号 unless the request asked for it (``show_my_number=1``) and the
staff member holds the right role; event requests echoed back have every ``my_number`` removed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from ninja import Field, Schema
from pydantic import ConfigDict, create_model

from jichitai.registry.events import REQUEST_TYPES
from jichitai.registry.events.requests import Id
from jichitai.registry.models import EventStatus


class InputSchema(Schema):
    """A request body: an unknown item is refused (422 ``unknown_item``), never silently dropped,
    as in the typed 異動 requests (a misspelt ``confirm_duplicates`` must not pass unnoticed)."""

    model_config = ConfigDict(extra="forbid")


class ErrorItem(Schema):
    rule: str
    field: str = ""
    message: str


class ErrorOut(Schema):
    errors: list[ErrorItem]


class DuplicateOut(ErrorOut):
    warnings: list[ErrorItem]


class PersonSummaryOut(Schema):
    id: int | None = Field(description="null for a masked (支援措置) row: it carries no identifier")
    atena_no: str
    name: str
    kana: str
    birth_date: dt.date | None
    birth_text: str = Field("", description="生年月日の表示: 和暦（外国人住民は西暦）、不詳の部分は不詳のまま [90][80]")
    sex: str
    status: str
    status_label: str
    address: str
    household_id: int | None
    relationship: str
    masked: bool = False
    address_hidden: bool = Field(False, description="住所を非表示（世帯に支援措置対象者がいる）")


class PersonRecord(Schema):
    """One person's register row (current, or as of a date). No approver: that is audit evidence."""

    atena_no: str | None = None
    household_id: int | None = None
    relationship: str | None = None
    family_name: str | None = None
    given_name: str | None = None
    family_name_kana: str | None = None
    given_name_kana: str | None = None
    birth_date: dt.date | None = None
    birth_date_precision: str | None = None
    sex: str | None = None
    resident_type: str | None = None
    status: str | None = None
    honseki: str | None = None
    hittousha: str | None = None
    resident_code: str | None = None
    nationality: str | None = None
    residence_status: str | None = None
    residence_period: str | None = None
    residence_end_date: dt.date | None = None
    residence_card_no: str | None = None
    alias: str | None = None
    former_surname: str | None = None
    became_resident_on: dt.date | None = None
    address_set_on: dt.date | None = None
    reported_on: dt.date | None = None
    previous_address: str | None = None
    move_out_destination: str | None = None
    move_out_planned_on: dt.date | None = None
    removed_on: dt.date | None = None
    my_number: str | None = Field(None, description="個人番号: only with show_my_number=1 and the role")
    withheld: list[str] = Field(default_factory=list, description=(
        "表示権限 ([1390]): items this staff member may not see; they are left out (null)"))
    # chapter 1 items (docs/registry.md 管理項目); a *_text item is the date as written ([80]: 不詳日)
    birth_date_text: str | None = None
    became_resident_on_text: str | None = None
    address_set_on_text: str | None = None
    name_kana_confirmed: bool | None = None
    former_surname_kana: str | None = None
    former_surname_kana_confirmed: bool | None = None
    previous_address_postal_code: str | None = None
    move_out_destination_postal_code: str | None = None
    move_out_confirmed_destination: str | None = None
    move_out_confirmed_postal_code: str | None = None
    foreign_category: str | None = Field(None, description="法第30条の45の区分: mid_long, special_permanent, "
                                         "temporary_refuge, provisional_stay, transit_birth, transit_loss")
    special_permanent_cert_no: str | None = None
    landing_period: str | None = None
    provisional_stay_period: str | None = None
    became_foreign_resident_on: dt.date | None = None
    became_foreign_resident_on_text: str | None = None
    alien_registration_on: dt.date | None = None
    alien_registration_on_text: str | None = None
    alphabet_name: str | None = None
    alias_kana: str | None = None
    alias_kana_confirmed: bool | None = None
    alias_recorded_on: dt.date | None = None
    alias_recorded_municipality: str | None = None
    alias_recorded_municipality_code: str | None = None
    alias_deleted_on: dt.date | None = None
    alias_deleted_municipality: str | None = None
    alias_deleted_municipality_code: str | None = None
    name_priority: str | None = None
    # fed by other systems, cards and 住基ネット; kept and corrected by staff (registry/more_items.py)
    elector_registered: str | None = Field(None, description="有無 items: yes / no / \"\" (not set)")
    nhi_insured: str | None = None
    nhi_acquired_on: dt.date | None = None
    nhi_lost_on: dt.date | None = None
    late_elderly_insured: str | None = None
    late_elderly_acquired_on: dt.date | None = None
    late_elderly_lost_on: dt.date | None = None
    care_insured: str | None = None
    care_acquired_on: dt.date | None = None
    care_lost_on: dt.date | None = None
    pension_insured: str | None = None
    basic_pension_no: str | None = Field(None, description="基礎年金番号: 10 digits")
    pension_kind: str | None = Field(None, description="first, second, third, voluntary, special_voluntary")
    pension_kind_changed_on: dt.date | None = None
    pension_acquired_on: dt.date | None = None
    pension_lost_on: dt.date | None = None
    child_allowance_start: str | None = Field(None, description="児童手当の受給開始年月: YYYY-MM")
    child_allowance_end: str | None = Field(None, description="児童手当の受給終了年月: YYYY-MM")
    my_number_card_status: str | None = Field(None, description="issued, not_issued, returned, invalid")
    juki_card_status: str | None = None
    signing_cert_serial: str | None = None
    user_cert_serial: str | None = None
    adult_ward: str | None = None
    previous_address_code: str | None = Field(None, description="住所コード: 11 digits")
    move_out_destination_code: str | None = None
    move_out_confirmed_code: str | None = None
    last_registered_address: str | None = None
    move_in_notice_on: dt.date | None = None
    move_out_confirmed_on: dt.date | None = Field(None, description="転出年月日（確定）: the 転入日 the 転入通知 states")
    member_order: str | None = Field(None, description="世帯員の並び順 set by hand (1-999); blank: the rule's")
    de_facto_head: str | None = Field(None, description="事実上の世帯主 ([740]): a name, shown in the 備考")
    residence_reported: str | None = Field(None, description="foreign residents only")
    landing_permit_move_in: str | None = Field(None, description="foreign residents only")


class HistoryEntryOut(Schema):
    history_no: int
    event_id: int | None
    kind: str
    effective_date: dt.date
    effective_date_text: str = Field("", description="[80]#1: a 出生・死亡's 異動日 as written (不詳日); \"\": the date")
    reported_date: dt.date | None
    changed: list[str]


class PersonOut(Schema):
    id: int
    as_of: dt.date | None = Field(None, description="the date asked for; null = current record")
    masked: bool = Field(description="支援措置: the record is hidden from this staff member")
    my_number_shown: bool
    summary: PersonSummaryOut
    record: PersonRecord | None
    household_members: list[PersonSummaryOut]
    history: list[HistoryEntryOut]


class SearchPageOut(Schema):
    results: list[PersonSummaryOut]
    total: int
    page: int
    pages: int


class MemberOut(Schema):
    person_id: int | None = Field(description="null for a masked (支援措置) member")
    atena_no: str
    name: str
    kana: str
    birth_date: dt.date | None
    birth_text: str = Field("", description="生年月日の表示: 和暦（外国人住民は西暦）、不詳の部分は不詳のまま [90][80]")
    sex: str
    relationship: str
    masked: bool = False


class HouseholdOut(Schema):
    id: int
    as_of: dt.date | None
    household_no: str
    address_id: int | None
    address: str
    banchi: str
    katagaki: str
    head_id: int | None = Field(description="null: 世帯主なし (headless true) or a head hidden by a 支援措置")
    headless: bool = Field(False, description="[100]: the household has no head (世帯主なし)")
    members: list[MemberOut]
    address_hidden: bool = Field(False, description="住所を非表示（世帯に支援措置対象者がいる）")


def _event_in(kinds: tuple[str, ...], request: type) -> type:
    """The body of ``POST /events`` for the kinds whose request is ``request``."""
    return create_model(
        f"{request.__name__}Event",
        __base__=InputSchema,
        __doc__=f"{request.__doc__ or ''} 異動事由: {', '.join(kinds)}".strip(),
        kind=(Literal[kinds], Field(description="異動事由")),  # type: ignore[valid-type]
        effective_date=(dt.date, Field(description="異動日")),
        reported_date=(dt.date | None, Field(None, description="届出日")),
        offered_on=(dt.date | None, Field(None, description="申出日（申出による職権記載等・通称の場合）")),
        notified_on=(dt.date | None, Field(None, description="通知日")),
        requested_on=(dt.date | None, Field(None, description="請求日（旧氏の記載・変更・削除の場合）")),
        request=(request, Field(description="届出内容（異動事由ごとの形）")),
        confirm_duplicates=(bool, Field(False, description="重複の疑いを確認済み")),
        confirm_alerts=(bool, Field(False, description="アラート（重複の疑いを含む全て）を確認済み")),
    )


_BY_REQUEST: dict[type, tuple[str, ...]] = {}
for _kind, _cls in REQUEST_TYPES.items():
    _BY_REQUEST[_cls] = (*_BY_REQUEST.get(_cls, ()), _kind)
EVENT_BODIES = tuple(_event_in(kinds, cls) for cls, kinds in _BY_REQUEST.items())
# One typed body per kind, joined on ``kind``: OpenAPI shows every 異動's shape.
EventIn = Annotated[Union[EVENT_BODIES], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007


class RejectIn(InputSchema):
    reason: str = Field(min_length=1, max_length=1000, description="却下理由")


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: EventStatus
    status_label: str
    effective_date: dt.date
    effective_date_text: str = Field("", description="[80]#1: the 異動日 as written (出生・死亡, 不詳日)")
    reported_date: dt.date | None
    processed_at: dt.datetime
    entered_by: str
    rejected_reason: str
    household_id: int | None
    request: dict[str, Any] = Field(description="届出内容 (個人番号 removed)")
    warnings: list[ErrorItem] = []
    replayed: bool = Field(False, description="true when an Idempotency-Key replay returned the earlier result")


class EventPageOut(Schema):
    results: list[EventOut]
    total: int
    page: int
    pages: int


class BatchApproveIn(InputSchema):
    event_ids: list[Id] = Field(min_length=1, max_length=500, description="決裁する異動の受付番号（この順に本登録）")


class RefusedOut(Schema):
    event_id: int
    errors: list[ErrorItem]


class BatchApproveOut(Schema):
    approved: list[EventOut] = Field(description="本登録された異動（本登録順）")
    refused: list[RefusedOut] = Field(description="決裁できなかった異動と理由（他の異動は決裁される）")
    replayed: bool = Field(False, description="true when an Idempotency-Key replay returned the earlier result")
