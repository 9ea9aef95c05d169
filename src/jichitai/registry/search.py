"""Search and person detail ([320]–[340] 2.1, [350] 2.2.1): the readers staff use.

Name search uses the 異体字-folded matching key (高橋 finds 髙橋), kana search the kana key. Every
person shown is logged as a read by the manager that loads it; persons under an active 支援措置 are
masked for staff without the need-to-know role and each such access raises an alert.
Provisional events are invisible here because only approved events reach the projections.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jichitai.tenancy.context import current

from . import services, support
from .errors import violation
from .lookups import CodePointOrder  # importing it also registers the __prefix lookup
from .models import Household, Person, PersonStatus

MY_NUMBER_ROLE = "my_number_access"
PAGE_SIZE = 20


@dataclass(frozen=True)
class SearchQuery:
    name: str = ""
    kana: str = ""
    birth_date: dt.date | None = None
    address_id: int | None = None
    banchi: str = ""
    my_number: str = ""
    resident_code: str = ""
    include_removed: bool = False
    page: int = 1
    page_size: int = PAGE_SIZE

    def is_empty(self) -> bool:
        return not any((self.name.strip(), self.kana.strip(), self.birth_date, self.address_id,
                        self.my_number.strip(), self.resident_code.strip()))


@dataclass(frozen=True)
class PersonSummary:
    id: int
    atena_no: str
    name: str
    kana: str
    birth_date: dt.date | None
    sex: str
    status: str
    status_label: str
    address: str
    household_id: int | None
    relationship: str
    masked: bool = False


@dataclass(frozen=True)
class SearchPage:
    results: list[PersonSummary]
    total: int
    page: int
    pages: int
    query: SearchQuery = field(default_factory=SearchQuery)


def _has_role(staff: Any, role: str) -> bool:
    from jichitai.accounts.models import RoleGrant

    return staff is not None and RoleGrant.objects.filter(
        staff_id=getattr(staff, "pk", staff), municipality_id=current().acting_municipality_id, role=role
    ).exists()


def address_text(household: Household | None) -> str:
    if household is None:
        return ""
    town = household.address.name if household.address_id else ""
    return f"{town}{household.banchi}{('　' + household.katagaki) if household.katagaki else ''}"


def _summary(p: Person, masked: bool) -> PersonSummary:
    if masked:
        return PersonSummary(
            id=p.pk, atena_no=p.atena_no, name=support.MASK, kana="", birth_date=None, sex="",
            status=p.status, status_label=p.get_status_display(), address="（非表示）",
            household_id=None, relationship="", masked=True,
        )
    return PersonSummary(
        id=p.pk, atena_no=p.atena_no, name=p.full_name,
        kana=f"{p.family_name_kana}\u3000{p.given_name_kana}".strip(), birth_date=p.birth_date,
        sex=p.get_sex_display(), status=p.status, status_label=p.get_status_display(),
        address=address_text(p.household), household_id=p.household_id, relationship=p.relationship,
    )


def search(query: SearchQuery, *, staff: Any, screen: str = "住民検索") -> SearchPage:
    """[340] 基本検索: results paginated; each person listed is logged as a read."""
    from jichitai.moji import kana_key, key

    if query.is_empty():
        raise violation("empty_query", "検索条件を1つ以上入力してください。", "name")
    qs = Person.objects.exclude(status=PersonStatus.VOID)
    if not query.include_removed:
        qs = qs.filter(status=PersonStatus.RESIDENT)
    if query.name.strip():
        qs = qs.filter(name_key__prefix=key(query.name))
    if query.kana.strip():
        qs = qs.filter(kana_key__prefix=kana_key(query.kana))
    if query.birth_date:
        qs = qs.filter(birth_date=query.birth_date)
    if query.address_id:
        qs = qs.filter(household__address_id=query.address_id)
        if query.banchi.strip():
            qs = qs.filter(household__banchi__prefix=query.banchi.strip())
    if query.my_number.strip():
        if not _has_role(staff, MY_NUMBER_ROLE):
            raise violation("my_number_role", "個人番号で検索する権限がありません。", "my_number")
        qs = qs.filter(my_number=query.my_number.strip())
    if query.resident_code.strip():
        qs = qs.filter(resident_code=query.resident_code.strip())
    total = qs.count()
    size = max(1, min(query.page_size, 100))
    pages = max(1, -(-total // size))
    page = max(1, min(query.page, pages))
    # Order along the index the filter uses, so a common surname's first page is read, not sorted.
    if query.name.strip():
        order: tuple[Any, ...] = (CodePointOrder("name_key").asc(), "kana_key", "birth_date", "pk")
    else:
        order = (CodePointOrder("kana_key").asc(), "birth_date", "pk")
    window = qs.order_by(*order).values_list("pk", flat=True)[(page - 1) * size : page * size]
    ids = list(window)
    masked = support.screen_persons(ids, staff=staff, screen=screen, function="search")
    rows = {
        p.pk: p
        for p in Person.objects.for_read(
            screen=screen, function="search", my_number_shown=bool(query.my_number.strip())
        ).filter(pk__in=ids).select_related("household", "household__address")
    }
    results = [_summary(rows[pk], pk in masked) for pk in ids]
    return SearchPage(results, total, page, pages, query)


@dataclass(frozen=True)
class PersonDetail:
    person: Person | None
    summary: PersonSummary
    household_members: list[PersonSummary]
    history: list[dict[str, Any]]
    masked: bool
    my_number_shown: bool
    support_measure: Any = None


def person_detail(
    person_id: int, *, staff: Any, screen: str = "住民照会", show_my_number: bool = False,
    as_of_date: dt.date | None = None,
) -> PersonDetail:
    """[350] one person's record, household and history; the read is logged with its screen."""
    if show_my_number and not _has_role(staff, MY_NUMBER_ROLE):
        raise violation("my_number_role", "個人番号を表示する権限がありません。", "my_number")
    protected = support.active_measure(person_id)
    masked = protected is not None and not support.has_need_to_know(staff)
    try:
        p = (
            Person.objects.for_read(
                screen=screen,
                function=f"detail.as_of:{as_of_date.isoformat()}" if as_of_date else "detail",
                my_number_shown=show_my_number and not masked,
            )
            .select_related("household", "household__address")
            .exclude(status=PersonStatus.VOID)
            .get(pk=person_id)
        )
    except Person.DoesNotExist:
        raise violation("not_found", "住民が見つかりません。", "person_id") from None
    if protected is not None:
        support.alert_access(person_id, screen=screen, function="detail", detail={"masked": masked})
    if masked:
        return PersonDetail(None, _summary(p, True), [], [], True, False, None)
    members_qs = Person.objects.for_read(screen=screen, function="detail.household").filter(
        household_id=p.household_id, status=PersonStatus.RESIDENT
    ).select_related("household", "household__address").order_by("pk")
    members = list(members_qs)
    hidden = support.screen_persons([m.pk for m in members if m.pk != person_id], staff=staff,
                                    screen=screen, function="detail.household")
    return PersonDetail(
        person=p,
        summary=_summary(p, False),
        household_members=[_summary(m, m.pk in hidden) for m in members],
        history=services.history(person_id),
        masked=False,
        my_number_shown=show_my_number,
        support_measure=protected,
    )
