"""Reading the register through the API: a person (now or as of a date), search, a household.

Everything comes from the register's read layer (``registry.selectors``): each person shown is
logged as a read, 支援措置 masking and hidden addresses apply exactly as on the staff screens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from django.http import HttpRequest

from jichitai.registry import holds, selectors

from .errors import ApiError, NotFound
from .permissions import require_capability
from .routing import COMMON_ERRORS, endpoint, missing_is_404, page_query, path_id
from .schemas import (
    ErrorOut,
    HistoryEntryOut,
    HouseholdOut,
    MemberOut,
    PersonOut,
    PersonRecord,
    PersonSummaryOut,
    SearchPageOut,
)

SCREEN_DETAIL = "API 住民照会"
SCREEN_SEARCH = "API 住民検索"
SCREEN_HOUSEHOLD = "API 世帯照会"


def _record(values: Mapping[str, Any], *, my_number_shown: bool, withheld: frozenset[str]) -> PersonRecord:
    fields = set(PersonRecord.model_fields) - {"my_number", "withheld"} - withheld
    data: dict[str, Any] = {k: values.get(k) for k in fields if k in values}
    if my_number_shown:
        data["my_number"] = values.get("my_number") or ""
    return PersonRecord(**data, withheld=sorted(withheld))


def _summary(s: selectors.PersonSummary) -> PersonSummaryOut:
    return PersonSummaryOut(**{f: getattr(s, f) for f in PersonSummaryOut.model_fields})


def _history(entries: list[dict[str, Any]], until: dt.date | None) -> list[HistoryEntryOut]:
    out = []
    for h in entries:  # the snapshot rows carry 個人番号: never passed on
        if until is not None and dt.date.fromisoformat(h["effective_date"]) > until:
            continue
        out.append(HistoryEntryOut(
            history_no=h["history_no"], event_id=h["event_id"], kind=h["kind"],
            effective_date=h["effective_date"], effective_date_text=h.get("effective_date_text") or "",
            reported_date=h["reported_date"], changed=h["changed"],
        ))
    return out


@endpoint("get", "/persons/{person_id}", "get_person", response={200: PersonOut, 404: ErrorOut, **COMMON_ERRORS},
          summary="住民照会（現在、または指定日時点）", tags=["persons"])
def get_person(
    request: HttpRequest, person_id: int = path_id(), as_of: dt.date | None = None, show_my_number: bool = False,
    confirm_hold: bool = False,
) -> Any:
    """One person's record: current (projection), or as the register said on ``as_of``.

    ``show_my_number=1`` needs the 個人番号 capability; the read is logged as showing 個人番号.
    A person under an active 支援措置 is refused (403 ``support_measure``) to staff without
    need-to-know, and the access is alerted.
    """
    if show_my_number:
        require_capability(request, "show_my_number")
    # [410] 照会の抑止: error refuses; alert needs confirm_hold=true
    stop = holds.inquiry_stop(person_id, staff=request.user, confirmed=confirm_hold, screen=SCREEN_DETAIL)
    if stop is not None:
        raise ApiError(403, "hold" if stop.refused else "hold_alert", " ".join(stop.messages), "confirm_hold")
    with missing_is_404("person_id"):
        d = selectors.person_detail(person_id, staff=request.user, screen=SCREEN_DETAIL,
                                    show_my_number=show_my_number, as_of_date=as_of)
    if d.masked:
        raise ApiError(403, "support_measure", d.refusal, "person_id")
    if as_of is None:
        return PersonOut(
            id=person_id, as_of=None, masked=False, my_number_shown=d.my_number_shown,
            summary=_summary(d.summary), record=_record(d.record, my_number_shown=d.my_number_shown, withheld=d.withheld),
            household_members=[_summary(m) for m in d.household_members], history=_history(d.history, None),
        )
    if d.as_of is None:
        raise NotFound("as_of")
    return PersonOut(
        id=person_id, as_of=as_of, masked=False, my_number_shown=d.my_number_shown, summary=_summary(d.as_of.summary),
        record=_record(d.as_of.record, my_number_shown=d.my_number_shown, withheld=d.withheld), household_members=[],
        history=_history(d.history, as_of),
    )


@endpoint("get", "/persons", "search_persons", response={200: SearchPageOut, 422: ErrorOut, **COMMON_ERRORS},
          summary="住民検索（氏名は異体字を同一視、フリガナはあいまい検索、名のみ、生年月日の範囲、各項目）",
          tags=["persons"])
def search_persons(  # noqa: PLR0913 - one parameter per search item of [340]
    request: HttpRequest, name: str = "", kana: str = "", given_name: str = "", given_kana: str = "",
    match: Literal["prefix", "exact", "partial"] = "prefix", alias: str = "", former_surname: str = "",
    birth_date: dt.date | None = None, birth_to: dt.date | None = None, sex: Literal["", "1", "2", "9"] = "",
    relationship: str = "", atena_no: str = "", household_no: str = "", resident_code: str = "",
    residence_card_no: str = "", removal: Literal["", "moved_out", "dead", "deleted"] = "",
    alias_kana: str = "", former_surname_kana: str = "", alphabet_name: str = "", special_permanent_cert_no: str = "",
    include_history: bool = False, include_removed: bool = False, page: int = page_query(),
) -> Any:
    """[340] 基本検索, 20 per page, 五十音順; each listed person is logged as a read. Provisional
    events never appear: only approved events reach the projections that search reads.
    ``birth_to`` with ``birth_date`` searches a range of birth dates (a year: 1980-01-01 … 1980-12-31)."""
    result = selectors.search(
        selectors.SearchQuery(
            name=name[:100], kana=kana[:200], given_name=given_name[:100], given_kana=given_kana[:200], match=match,
            alias=alias[:100], former_surname=former_surname[:100], birth_date=birth_date,
            birth_to=birth_to if birth_date else None, sex=sex, relationship=relationship[:40],
            atena_no=atena_no[:20], household_no=household_no[:20], resident_code=resident_code[:11],
            residence_card_no=residence_card_no[:12], removal=removal, include_history=include_history,
            alias_kana=alias_kana[:200], former_surname_kana=former_surname_kana[:200],
            alphabet_name=alphabet_name[:200], special_permanent_cert_no=special_permanent_cert_no[:12],
            include_removed=include_removed, page=page,
        ),
        staff=request.user, screen=SCREEN_SEARCH,
    )
    return SearchPageOut(results=[_summary(s) for s in result.results], total=result.total, page=result.page,
                         pages=result.pages)


@endpoint("get", "/households/{household_id}", "get_household",
          response={200: HouseholdOut, 404: ErrorOut, **COMMON_ERRORS},
          summary="世帯照会（現在、または指定日時点）", tags=["households"])
def get_household(request: HttpRequest, household_id: int = path_id(), as_of: dt.date | None = None) -> Any:
    """A household and its resident members now, or on ``as_of`` (from the event log).

    Each member shown is logged as a read; members under an active 支援措置 are masked (no
    identifier) and the household's address is hidden for staff without need-to-know.
    """
    with missing_is_404("household_id"):
        hh = selectors.household_detail(household_id, staff=request.user, screen=SCREEN_HOUSEHOLD, as_of=as_of)
    if not hh.active:
        raise NotFound("household_id")
    return HouseholdOut(
        id=hh.id, as_of=as_of, household_no=hh.household_no, address_id=hh.address_id, address=hh.address,
        banchi=hh.banchi, katagaki=hh.katagaki, head_id=hh.head_id, headless=hh.headless, address_hidden=hh.address_hidden,
        members=[MemberOut(person_id=m.id, atena_no=m.atena_no, name=m.name, kana=m.kana, birth_date=m.birth_date,
                           birth_text=m.birth_text,
                           sex=m.sex, relationship=m.relationship, masked=m.masked) for m in hh.members],
    )

